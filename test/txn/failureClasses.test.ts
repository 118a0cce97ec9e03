/**
 * Issue 8 items 8, issue 14 item 3: what each class of host failure does to a sale and to the
 * store-and-forward queue. The fake host fails before or after its onWritten hook exactly as the
 * real session does (a sign-on or TLS failure never reaches it; a timeout comes after it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PosError, type PosErrorCode } from '../../src/errors.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { approve, type EngineRig, engineRig, MemoryLogger, timeout } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

const failsBeforeWrite =
  (code: PosErrorCode, context = {}) =>
  () => ({
    error: new PosError(code, `${code} test`, context),
    written: false,
  });
const keyCheck = failsBeforeWrite('HOST_KEY_CHECK_FAILED', { field: 62, key: 'MAK' });
const pinMismatch = failsBeforeWrite('HOST_TLS_PIN_MISMATCH', { key: 'host.tls.pins' });
const garbage = failsBeforeWrite('HOST_PROTOCOL', { reason: 'HOST_BAD_TPDU' });

describe('a prefer-online sale by failure class', () => {
  it('key check failure: declined with HOST_KEY_CHECK_FAILED and a text for the technician, nothing queued', async () => {
    const log = new MemoryLogger();
    rig = engineRig({}, { log });
    rig.forwarder.stop();
    rig.host.fallback = keyCheck;
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({
      outcome: 'declined',
      reason: { code: 'HOST_KEY_CHECK_FAILED' },
      textEn:
        "working keys failed their check values: the terminal master key does not match the host's; reload the TMK",
      textZh: '工作密钥校验失败:终端主密钥与主机不符,请重新灌装主密钥',
    });
    expect(r.approval).toBeUndefined();
    expect(rig.journal.listQueue()).toEqual([]);
    expect(rig.journal.get(r.id)?.state).toBe('aborted');
    expect(rig.journal.pendingReversals()).toEqual([]);
    expect(log.lines.filter((l) => /unreachable/.test(l.msg ?? ''))).toEqual([]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        obj: expect.objectContaining({ code: 'HOST_KEY_CHECK_FAILED' }),
      }),
    );
  });

  it('TLS pin mismatch: declined with HOST_TLS_PIN_MISMATCH, nothing queued', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = pinMismatch;
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'HOST_TLS_PIN_MISMATCH' } });
    expect(r.textEn).toMatch(/pinned key/);
    expect(rig.journal.listQueue()).toEqual([]);
  });

  it('TLS handshake failure: declined, the text names the reason', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = failsBeforeWrite('HOST_TLS_FAILED', {
      reason: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    });
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({
      outcome: 'declined',
      reason: { code: 'HOST_TLS_FAILED' },
      textEn:
        'TLS handshake with the host failed (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE): check the certificate, pins and time',
    });
    expect(r.textZh).toMatch(/^与主机的TLS握手失败/);
    expect(rig.journal.listQueue()).toEqual([]);
  });

  it('protocol failure before sending (garbage instead of the 0810): declined, nothing queued', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = garbage;
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'HOST_PROTOCOL' } });
    expect(rig.journal.listQueue()).toEqual([]);
  });

  it('network down (connection refused, DNS, no route: HOST_UNREACHABLE): approved offline', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = failsBeforeWrite('HOST_UNREACHABLE', { reason: 'HOST_CONNECT_FAILED' });
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'offline' });
    expect(rig.journal.listQueue()).toHaveLength(1);
  });

  it('the sign-on in front of the sale got no answer (host silent): approved offline', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = failsBeforeWrite('HOST_TIMEOUT', { phase: 'read' });
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'offline' });
  });

  it('garbage instead of the answer to a written sale: reversal A0, no offline approval', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = () => ({ error: new PosError('HOST_PROTOCOL', 'garbage'), written: true });
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'failed', reversalPending: { reason: 'A0' } });
    expect(rig.journal.listQueue()).toEqual([]);
  });
});

describe('an answer that does not decode, after the request was written', () => {
  it('0210 without field 39: reversal A0 (untrusted answer, host-cup-pos.md 7), not 98, no offline approval', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = (req) => {
      const ok = approve(req) as IsoMessage;
      const { 39: _dropped, ...fields } = ok.fields;
      return { mti: ok.mti, fields };
    };
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'failed', reversalPending: { reason: 'A0' } });
    expect(rig.journal.get(r.id)).toMatchObject({ state: 'reversal-pending', reversal: { reason: 'A0' } });
    expect(rig.journal.pendingReversals().map((p) => p.reason)).toEqual(['A0']);
    expect(rig.journal.listQueue()).toEqual([]);
  });
});

describe('forwarding: an attempt counts only when the message was written', () => {
  it('an advice behind failed sign-ons is not charged attempts; the cause is its last result', async () => {
    const log = new MemoryLogger();
    rig = engineRig({}, { log });
    rig.forwarder.stop();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    rig.host.fallback = keyCheck;
    for (let i = 0; i < 5; i++) {
      const r = await rig.forwarder.forwardAll();
      expect(r).toMatchObject({ advicesDone: 0, failed: 1, unreachable: false, remaining: 1 });
    }
    const [a] = rig.journal.listQueue();
    expect(a).toMatchObject({ state: 'pending', attempts: 0, lastResult: 'not-sent: HOST_KEY_CHECK_FAILED' });
    expect(rig.host.sent).toEqual([]);
    const errors = log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(5);
    expect(errors[0].obj.code).toBe('HOST_KEY_CHECK_FAILED');
    expect(log.lines.some((l) => /unreachable/.test(l.msg ?? ''))).toBe(false);
    rig.host.fallback = approve;
    expect(await rig.forwarder.forwardAll()).toMatchObject({ advicesDone: 1, remaining: 0 });
    expect(rig.journal.getAdvice(a.id)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a reversal behind a failed TLS handshake keeps its attempt count and records the cause', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(timeout); // the sale goes out, no answer: reversal 98
    const sale = await rig.engine.sale({ amountMinor: 100 });
    expect(sale.reversalPending).toEqual({ reason: '98' });
    rig.host.fallback = pinMismatch;
    for (let i = 0; i < 4; i++) await rig.forwarder.forwardAll();
    const [p] = rig.journal.pendingReversals();
    expect(p).toMatchObject({ attempts: 0, overLimit: false });
    expect(p.txn.reversal).toMatchObject({
      reason: '98',
      attempts: 0,
      lastResult: 'not-sent: HOST_TLS_PIN_MISMATCH',
    });
    // the next sale is held back by the reversal, it is not approved offline
    const next = await rig.engine.sale({ amountMinor: 200 });
    expect(next).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_REVERSAL_PENDING' } });
    expect(rig.journal.listQueue()).toEqual([]);
    rig.host.fallback = approve;
    await rig.forwarder.forwardAll();
    expect(rig.journal.get(sale.id)).toMatchObject({ state: 'reversed', reversal: { attempts: 1 } });
  });

  it('a written attempt without an answer counts and is recorded as no-answer', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    rig.host.script.push(timeout);
    await rig.forwarder.forwardAll();
    expect(rig.journal.listQueue()[0]).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastResult: 'no-answer',
    });
  });
});

describe('sendOnline: what is not a host failure', () => {
  it('a bug in the host port propagates; the request is not recorded as not sent', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.send = async () => {
      throw new TypeError('bug in a port');
    };
    await expect(rig.engine.sale({ amountMinor: 3000 })).rejects.toThrow('bug in a port');
    expect(rig.journal.listTransactions({ limit: 10 })[0].state).toBe('reversal-pending');
  });

  it('the host down before the write is a warning, another failure before the write an error', async () => {
    const log = new MemoryLogger();
    rig = engineRig({}, { log });
    rig.forwarder.stop();
    rig.host.fallback = failsBeforeWrite('HOST_UNREACHABLE', { reason: 'HOST_CONNECT_FAILED' });
    await rig.engine.sale({ amountMinor: 3000, mode: 'require-online' });
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg === 'host unreachable: request not sent')).toBe(
      true,
    );
    rig.host.fallback = keyCheck;
    await rig.engine.sale({ amountMinor: 3000 });
    expect(
      log.lines.some((l) => l.level === 'error' && l.msg === 'request not sent: host link failure'),
    ).toBe(true);
  });
});

describe('steps told to the caller', () => {
  it('a sale tells its steps, sent with the journal id', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const steps: string[] = [];
    const r = await rig.engine.sale(
      { amountMinor: 100 },
      { onStep: (step, id) => steps.push(`${step} ${id ?? ''}`) },
    );
    expect(steps).toEqual(['started ', 'card-wait ', 'card-read ', 'committing ', `sent ${r.id}`]);
  });
});
