import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { HostLink } from '../../src/host/HostLink.js';
import { HostSession, type HostSessionOptions } from '../../src/host/HostSession.js';
import { buildSignOnKeys, unionPayMac, verifyMac } from '../../src/iso8583/crypto/index.js';
import { settlementRequestToMessage } from '../../src/iso8583/views/cupPos.js';
import { hex, vectorsWhere } from '../iso8583/crypto/vectors.js';
import { type AnswerOptions, FakeAcquirer, type FakeRequest } from './FakeAcquirer.js';
import { echoTest, flush, purchase, rejection, TPDU, until } from './linkHelpers.js';

const TMK = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
const PIK = Buffer.from('1111111111111111AAAAAAAAAAAAAAAA', 'hex');
const MAK = Buffer.from('2222222222222222BBBBBBBBBBBBBBBB', 'hex');
const KEYS = buildSignOnKeys(TMK, PIK, MAK);

const settlement = (stan: string) =>
  settlementRequestToMessage({
    stan,
    terminalId: '12345678',
    merchantId: '123456789012345',
    batch: '000001',
    operatorId: '01',
    currency: '156',
    totals: { debitTotalMinor: 100, debitCount: 1, creditTotalMinor: 0, creditCount: 0, reconciliation: '0' },
  });

interface HostScript {
  /** null: the 0810 carries no field 62 */
  keys?: Buffer | null;
  signOnCode?: string;
  /** field 60 of the 0810 (null: none) */
  signOn60?: string | null;
  /** field 39 of the 0830 */
  echoCode?: string;
  /** Overrides for the answer to the n-th financial request (0-based). */
  financial?: (n: number) => AnswerOptions;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(script: HostScript = {}, extra: Partial<HostSessionOptions> = {}) {
  const macOk: boolean[] = [];
  let financialCount = 0;
  const fa = await FakeAcquirer.start((r: FakeRequest, f) => {
    switch (r.message.mti) {
      case '0800':
        f.answer(r, {
          fields: {
            39: script.signOnCode ?? '00',
            60: script.signOn60 === null ? undefined : (script.signOn60 ?? '00000123003'),
            62: script.keys === null ? undefined : (script.keys ?? KEYS).toString('hex').toUpperCase(),
          },
        });
        break;
      case '0820':
        f.answer(r, { fields: { 39: script.echoCode ?? '00' } });
        break;
      default:
        macOk.push(verifyMac(r.frame.body, (mab) => unionPayMac(MAK, mab)));
        f.answer(r, { mak: MAK, fields: { 38: 'AUTH01' }, ...script.financial?.(financialCount++) });
    }
  });
  const clock = new ManualClock();
  const link = new HostLink({ primary: { host: '127.0.0.1', port: fa.port }, tpdu: TPDU, clock });
  let stan = 100;
  const batches: string[] = [];
  const session = new HostSession({
    link,
    tmk: TMK,
    terminalId: '12345678',
    merchantId: '123456789012345',
    nextStan: () => String(++stan).padStart(6, '0'),
    batch: () => '000001',
    onBatch: (b) => batches.push(b),
    clock,
    ...extra,
  });
  cleanups.push(
    () => fa.close(),
    () => link.close(),
    () => session.close(),
  );
  const mtis = () => fa.requests.map((r) => r.message.mti);
  return { fa, link, session, clock, macOk, batches, mtis };
}

describe('HostSession', () => {
  it('signs on (keys from field 62), MACs the request and verifies the response MAC', async () => {
    const { fa, session, macOk, batches, mtis } = await setup();
    await session.start();
    expect(session.signedOn).toBe(true);
    expect(batches).toEqual(['000123']);
    const signOn = fa.requests[0].message;
    expect(signOn.fields[11]).toBe('000101');
    expect(signOn.fields[60]).toBe('00000001003');
    expect(signOn.fields[63]).toBe('01 ');
    const res = await session.send(purchase('000200'));
    expect(res.message.fields[38]).toBe('AUTH01');
    expect(mtis()).toEqual(['0800', '0200']);
    expect(macOk).toEqual([true]);
    expect(fa.requests[1].message.fields[64]).toMatch(/^[0-9A-F]{16}$/);
  });

  it('signs on before the first financial message when start() was not called', async () => {
    const { session, mtis } = await setup();
    await session.send(purchase('000200'));
    expect(mtis()).toEqual(['0800', '0200']);
  });

  it('a wrong check value fails the sign-on and no financial message is sent', async () => {
    const bad = Buffer.from(KEYS);
    bad[37] ^= 0x01; // MAK check value
    const { session, mtis } = await setup({ keys: bad });
    expect((await rejection(session.start())).code).toBe('HOST_KEY_CHECK_FAILED');
    expect(session.signedOn).toBe(false);
    expect((await rejection(session.send(purchase('000200')))).code).toBe('HOST_KEY_CHECK_FAILED');
    expect(mtis()).toEqual(['0800', '0800']);
  });

  it('a refused sign-on blocks financial messages', async () => {
    const { session, mtis } = await setup({ signOnCode: '97' });
    const err = await rejection(session.send(purchase('000200')));
    expect(err.code).toBe('HOST_SIGN_ON_REFUSED');
    expect(err.context.responseCode).toBe('97');
    expect(err.message).toBe('sign-on refused with response code 97');
    expect(mtis()).toEqual(['0800']);
  });

  it('processing requirement 3 triggers a sign-on before the next request', async () => {
    const { session, mtis } = await setup({
      financial: (n) => (n === 0 ? { processingRequirement: 3 } : {}),
    });
    const required: string[] = [];
    session.on('sign-on-required', (e) => required.push(e.reason));
    await session.start();
    await session.send(purchase('000200'));
    expect(session.signedOn).toBe(false);
    expect(required).toEqual(['processing requirement 3']);
    await session.send(purchase('000201'));
    expect(mtis()).toEqual(['0800', '0200', '0800', '0200']);
    expect(session.signedOn).toBe(true);
  });

  it('a wrong response MAC is HOST_BAD_MAC and a sign-on follows', async () => {
    const WRONG = Buffer.from('3333333333333333CCCCCCCCCCCCCCCC', 'hex');
    const { session, mtis } = await setup({ financial: (n) => (n === 0 ? { mak: WRONG } : {}) });
    await session.start();
    const err = await rejection(session.send(purchase('000200')));
    expect(err.code).toBe('HOST_BAD_MAC');
    expect(err.context.field).toBe(64);
    expect(session.signedOn).toBe(false);
    await session.send(purchase('000201'));
    expect(mtis()).toEqual(['0800', '0200', '0800', '0200']);
  });

  it('a missing response MAC is HOST_BAD_MAC', async () => {
    const { session } = await setup({ financial: () => ({ mak: undefined, fields: { 64: undefined } }) });
    await session.start();
    expect((await rejection(session.send(purchase('000200')))).code).toBe('HOST_BAD_MAC');
  });

  it("response code A0 with a verified MAC: the host's decline is returned and the next request signs on first", async () => {
    const { session, mtis } = await setup({
      financial: (n) => (n === 0 ? { fields: { 39: 'A0', 38: undefined } } : {}),
    });
    await session.start();
    const res = await session.send(purchase('000200'));
    expect(res.message.fields[39]).toBe('A0');
    expect(session.signedOn).toBe(false);
    await session.send(purchase('000201'));
    expect(mtis()).toEqual(['0800', '0200', '0800', '0200']);
  });

  it('response code A0 without a MAC is no answer: HOST_BAD_MAC (reverse with A0), then a sign-on', async () => {
    // the MAC both sides compute is the UnionPay ECB MAC of the shared worked vector
    const [v] = vectorsWhere(/^UnionPay ECB MAC result/);
    expect(unionPayMac(hex(v.inputs.mak), hex(v.inputs.mab_hex)).toString('ascii')).toBe(v.expected);
    const { session, mtis } = await setup({
      financial: (n) =>
        n === 0 ? { mak: undefined, fields: { 39: 'A0', 38: undefined, 64: undefined } } : {},
    });
    await session.start();
    const err = await rejection(session.send(purchase('000200')));
    expect(err.code).toBe('HOST_BAD_MAC');
    expect(err.context.responseCode).toBe('A0');
    expect(session.signedOn).toBe(false);
    const next = await session.send(purchase('000201'));
    expect(next.message.fields[39]).toBe('00');
    expect(mtis()).toEqual(['0800', '0200', '0800', '0200']);
  });

  it('response code A0 with a wrong MAC is HOST_BAD_MAC too', async () => {
    const WRONG = Buffer.from('3333333333333333CCCCCCCCCCCCCCCC', 'hex');
    const { session } = await setup({
      financial: (n) => (n === 0 ? { mak: WRONG, fields: { 39: 'A0', 38: undefined } } : {}),
    });
    await session.start();
    expect((await rejection(session.send(purchase('000200')))).code).toBe('HOST_BAD_MAC');
  });

  it('an unauthenticated settlement answer with A0 is HOST_BAD_MAC, not a decline', async () => {
    const { session } = await setup({
      financial: () => ({ mak: undefined, fields: { 39: 'A0', 38: undefined, 64: undefined } }),
    });
    await session.start();
    const err = await rejection(session.send(settlement('000300')));
    expect(err.code).toBe('HOST_BAD_MAC');
    expect(err.context.mti).toBe('0510');
  });

  it('concurrent sends share one sign-on', async () => {
    const { session, mtis } = await setup();
    await Promise.all([session.send(purchase('000200')), session.send(purchase('000201'))]);
    expect(mtis()).toEqual(['0800', '0200', '0200']);
  });

  it('an 0810 without field 62 is HOST_BAD_SIGN_ON_KEYS', async () => {
    const { session } = await setup({ keys: null });
    const err = await rejection(session.start());
    expect(err.code).toBe('HOST_BAD_SIGN_ON_KEYS');
    expect(err.message).toBe('sign-on response without field 62');
    expect(err.context.field).toBe(62);
    expect(session.signedOn).toBe(false);
  });

  it('events: signed-on and batch (60.2), sign-on-required with its reason; health keeps the last failure', async () => {
    const WRONG = Buffer.from('3333333333333333CCCCCCCCCCCCCCCC', 'hex');
    const { session } = await setup({
      financial: (n) => (n === 0 ? { mak: WRONG } : { fields: { 39: 'A0' } }),
    });
    const events: string[] = [];
    session.on('signed-on', (e) => events.push(`signed-on ${e.batch}`));
    session.on('batch', (e) => events.push(`batch ${e.batch}`));
    session.on('sign-on-required', (e) => events.push(`required: ${e.reason}`));
    expect(session.signedOn).toBe(false);
    await session.start();
    expect(session.signedOn).toBe(true);
    const err = await rejection(session.send(purchase('000200')));
    expect(err.message).toBe('response MAC missing or wrong');
    expect(err.context).toMatchObject({ field: 64, mti: '0210', stan: '000200', responseCode: '00' });
    expect(session.health.lastFailure).toMatchObject({ code: 'HOST_BAD_MAC' });
    const declined = await session.send(purchase('000201'));
    expect(declined.message.fields[39]).toBe('A0');
    expect(session.signedOn).toBe(false);
    expect(events).toEqual([
      'batch 000123',
      'signed-on 000123',
      'required: bad response MAC',
      'batch 000123',
      'signed-on 000123',
      'required: response code A0',
    ]);
  });

  it('a message without a MAC in this dialect (0820) goes out without field 64', async () => {
    const { fa, session } = await setup();
    await session.start();
    await session.send(echoTest('000300'));
    expect(fa.requests[1].message.mti).toBe('0820');
    expect(fa.requests[1].message.fields[64]).toBeUndefined();
  });

  it('closed before the first idle interval: no echo; setEchoIdleMs starts, changes and stops it', async () => {
    const closed = await setup({}, { echoIdleMs: 1000 });
    await closed.session.start();
    closed.session.close();
    closed.clock.advance(5000);
    await flush(5);
    expect(closed.mtis()).toEqual(['0800']);

    const { session, clock, mtis } = await setup();
    await session.start();
    clock.advance(10_000);
    await flush(5);
    expect(mtis()).toEqual(['0800']); // no echo configured
    session.setEchoIdleMs(1000);
    clock.advance(1000);
    await until(() => mtis().length === 2, 'first echo');
    session.setEchoIdleMs(0);
    clock.advance(10_000);
    await flush(5);
    expect(mtis()).toEqual(['0800', '0820']);
  });

  it('an 0810 without field 60: signed on, no batch handed over', async () => {
    const { session, batches } = await setup({ signOn60: null });
    const events: unknown[] = [];
    session.on('batch', (e) => events.push(e));
    await session.start();
    expect(session.signedOn).toBe(true);
    expect(batches).toEqual([]);
    expect(events).toEqual([]);
  });

  it('setEchoIdleMs before the sign-on or after close() starts no echo', async () => {
    const early = await setup();
    early.session.setEchoIdleMs(500);
    early.clock.advance(5000);
    await flush(5);
    expect(early.mtis()).toEqual([]);
    const late = await setup();
    await late.session.start();
    late.session.close();
    late.session.setEchoIdleMs(500);
    late.clock.advance(5000);
    await flush(5);
    expect(late.mtis()).toEqual(['0800']);
  });

  it('echo events: a decline is not ok, a failed echo gives its code; health notes failures but not HOST_CLOSED', async () => {
    const { fa, session, clock, link } = await setup({ echoCode: '96' }, { echoIdleMs: 1000 });
    const echoes: unknown[] = [];
    session.on('echo', (e) => echoes.push(e));
    await session.start();
    clock.advance(1000);
    await until(() => echoes.length === 1, 'echo');
    expect(echoes[0]).toEqual({ ok: false, responseCode: '96' });
    expect(session.health.lastFailure).toBeUndefined();
    await fa.close();
    await until(() => link.stats.disconnects > 0, 'disconnect');
    clock.advance(1000);
    await until(() => echoes.length === 2, 'failed echo');
    expect(echoes[1]).toMatchObject({ ok: false, code: expect.stringMatching(/^HOST_/) });
    const failure = session.health.lastFailure;
    expect(failure?.code).toMatch(/^HOST_/);
    link.close();
    expect((await rejection(session.send(purchase('000200')))).code).toBe('HOST_CLOSED');
    expect(session.health.lastFailure).toBe(failure);
  });

  it('a failure that is no PosError (a bug) is not noted as a host failure', async () => {
    const { session } = await setup(
      {},
      {
        nextStan: () => {
          throw new TypeError('no STAN');
        },
      },
    );
    await expect(session.start()).rejects.toThrow('no STAN');
    await expect(session.send(purchase('000200'))).rejects.toThrow('no STAN');
    expect(session.health.lastFailure).toBeUndefined();
  });

  it('sends an echo test after the idle interval, not while traffic flows', async () => {
    const { fa, session, clock, mtis } = await setup({}, { echoIdleMs: 60_000 });
    const echoes: boolean[] = [];
    session.on('echo', (e) => echoes.push(e.ok));
    await session.start();
    clock.advance(30_000);
    await session.send(purchase('000200')); // activity at t = 30 s
    clock.advance(30_000); // t = 60 s: only 30 s idle
    await flush(5);
    expect(mtis()).toEqual(['0800', '0200']);
    clock.advance(30_000); // t = 90 s: 60 s idle
    await until(() => echoes.length === 1, 'echo');
    expect(echoes).toEqual([true]);
    expect(mtis()).toEqual(['0800', '0200', '0820']);
    const echo = fa.requests[2].message;
    expect(echo.fields[60]).toBe('00000001301');
    expect(echo.fields[11]).toBe('000102');
    clock.advance(60_000);
    await until(() => echoes.length === 2, 'second echo');
    session.close();
    clock.advance(120_000);
    await flush(5);
    expect(echoes).toHaveLength(2);
  });
});
