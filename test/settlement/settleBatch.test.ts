/** Settlement against a real session and link: an unauthenticated 0510 never decides a batch. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { HostLink } from '../../src/host/HostLink.js';
import { HostSession } from '../../src/host/HostSession.js';
import { buildSignOnKeys, unionPayMac } from '../../src/iso8583/crypto/index.js';
import { silentLogger } from '../../src/log.js';
import { loadProfile } from '../../src/profile/loadProfile.js';
import { SessionHostPort } from '../../src/runtime/SessionHostPort.js';
import { settleBatch } from '../../src/settlement/settleBatch.js';
import { Lane } from '../../src/txn/Lane.js';
import { type AnswerOptions, FakeAcquirer } from '../host/FakeAcquirer.js';
import { hex, vectorsWhere } from '../iso8583/crypto/vectors.js';
import { tempJournal } from '../journal/journalFixture.js';

const TMK = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
const MAK = Buffer.from('2222222222222222BBBBBBBBBBBBBBBB', 'hex');
const KEYS = buildSignOnKeys(TMK, Buffer.from('1111111111111111AAAAAAAAAAAAAAAA', 'hex'), MAK);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function settleAgainst(answer0510: AnswerOptions) {
  const profile = loadProfile('emulator');
  const fa = await FakeAcquirer.start((r, f) => {
    if (r.message.mti === '0800') {
      f.answer(r, { fields: { 39: '00', 60: '00000001003', 62: KEYS.toString('hex').toUpperCase() } });
    } else f.answer(r, answer0510);
  });
  const clock = new ManualClock();
  const fx = tempJournal();
  const link = new HostLink({
    primary: { host: '127.0.0.1', port: fa.port },
    tpdu: profile.host.tpdu,
    clock,
  });
  const session = new HostSession({
    link,
    tmk: TMK,
    terminalId: profile.terminalId,
    merchantId: profile.merchantId,
    nextStan: () => fx.journal.nextStan(),
    batch: () => fx.journal.currentBatch(),
    clock,
  });
  cleanups.push(
    () => fa.close(),
    () => link.close(),
    () => session.close(),
    () => fx.cleanup(),
  );
  const forwarded = {
    reversalsDone: 0,
    advicesDone: 0,
    refused: 0,
    failed: 0,
    remaining: 0,
    unreachable: false,
  };
  const result = await settleBatch({
    profile,
    journal: fx.journal,
    host: new SessionHostPort(session, clock),
    lane: new Lane(),
    forwarder: { forwardAll: async () => forwarded },
    log: silentLogger,
  });
  return { result, fx };
}

describe('settleBatch', () => {
  it('an 0510 with A0 and no MAC is "failed" with HOST_BAD_MAC, not SETTLE_DECLINED; the batch stays open', async () => {
    const { result, fx } = await settleAgainst({ fields: { 39: 'A0', 64: undefined } });
    expect(result.outcome).toBe('failed');
    expect(result.reason?.code).toBe('HOST_BAD_MAC');
    expect(result.textEn).toBe('settlement answer failed the MAC check');
    expect(result.textZh).toBe('结算应答MAC校验失败');
    expect(result.responseCode).toBeUndefined();
    expect(result.openBatch).toBe(result.batch);
    expect(fx.journal.currentBatch()).toBe(result.batch);
  });

  it('an 0510 with A0 and a valid MAC is the host declining the settlement', async () => {
    // the MAC both sides compute is the UnionPay ECB MAC of the shared worked vector
    const [v] = vectorsWhere(/^UnionPay ECB MAC result/);
    expect(unionPayMac(hex(v.inputs.mak), hex(v.inputs.mab_hex)).toString('ascii')).toBe(v.expected);
    const { result } = await settleAgainst({ mak: MAK, fields: { 39: 'A0' } });
    expect(result).toMatchObject({
      outcome: 'failed',
      responseCode: 'A0',
      reason: { code: 'SETTLE_DECLINED' },
    });
  });
});
