/**
 * What the till gets once a request was committed (finishTxn): texts by failure, the reversal
 * owed, the balance, the timings; and the parts under it: TxnRecorder, HeldOutcomes, Lane.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PosError } from '../../src/errors.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { HeldOutcomes } from '../../src/txn/HeldOutcomes.js';
import { Lane } from '../../src/txn/Lane.js';
import { TxnRecorder } from '../../src/txn/TxnRecorder.js';
import { answer, badMac, type EngineRig, engineRig, MemoryLogger, timeout } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

/** The card takes 1 s to arrive (card in hand at 1000 ms), the host 250 ms after the write. */
function timedRig(): EngineRig {
  rig = engineRig();
  rig.forwarder.stop();
  rig.reader.onRead = () => rig.clock.advance(1000);
  rig.host.afterWritten = () => rig.clock.advance(250);
  return rig;
}

describe('finishTxn', () => {
  it('an approval: timings from the card in hand (prepare = all but the host time), the amount', async () => {
    timedRig();
    const r = await rig.engine.sale({ amountMinor: 1234 });
    expect(r).toMatchObject({ outcome: 'approved', amountMinor: 1234, approval: 'online' });
    // hostMs is the port's own figure (1 ms); the other 249 ms went before the answer was parsed
    expect(r.timings).toEqual({ cardMs: 5, hostMs: 1, prepareMs: 249, commitMs: 0, totalMs: 250 });
    expect(r.balance).toBeUndefined();
  });

  it('no answer: the texts, the reversal 98 owed, timings; the background pass is started at once', async () => {
    rig = engineRig();
    rig.reader.onRead = () => rig.clock.advance(1000);
    rig.host.afterWritten = () => rig.clock.advance(250);
    rig.host.script.push(timeout);
    const r = await rig.engine.sale({ amountMinor: 100 });
    expect(r).toMatchObject({
      outcome: 'failed',
      textEn: 'no answer from the host',
      textZh: '主机无应答',
      reason: { code: 'HOST_TIMEOUT' },
      reversalPending: { reason: '98' },
      amountMinor: 100,
    });
    expect(r.timings).toEqual({ cardMs: 5, totalMs: 250 });
    rig.host.afterWritten = undefined;
    // kick(0): the reversal goes out on the next turn of the clock, not after a backoff
    rig.clock.advance(0);
    await vi.waitFor(() => expect(rig.journal.get(r.id)!.state).toBe('reversed'));
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0400']);
  });

  it('an answer failing its MAC: the MAC texts, reversal A0', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(badMac);
    const r = await rig.engine.sale({ amountMinor: 100 });
    expect(r).toMatchObject({
      outcome: 'failed',
      textEn: 'host answer failed the MAC check',
      textZh: '应答MAC校验失败',
      reversalPending: { reason: 'A0' },
    });
  });

  it('a refund without an answer: failed, no reversal owed, nothing kicked', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.host.script.push(timeout);
    const r = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 400 });
    expect(r).toMatchObject({ outcome: 'failed', textEn: 'no answer from the host', kind: 'refund' });
    expect(r.reversalPending).toBeUndefined();
    expect(rig.journal.get(r.id)!.state).toBe('no-answer');
    expect(rig.journal.pendingReversals()).toEqual([]);
    expect(rig.clock.nextTimerIn()).toBeUndefined();
  });

  it('a key failure before sending: declined with the technician text, no reversal owed', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(() => ({ error: new PosError('HOST_KEY_CHECK_FAILED', 'kcv'), written: false }));
    const r = await rig.engine.sale({ amountMinor: 100, mode: 'require-online' });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'HOST_KEY_CHECK_FAILED' } });
    expect(r.textEn).toContain('reload the TMK');
    expect(r.reversalPending).toBeUndefined();
  });

  it('an inquiry has no amount and shows the balance; a purchase never shows one', async () => {
    rig = engineRig();
    const q = await rig.engine.inquiry();
    expect(q.amountMinor).toBeUndefined();
    expect(q.balance).toBe('1002156C000000012345');
    rig.host.script.push((m) => {
      const a = answer('00')(m) as IsoMessage;
      a.fields[54] = '1002156C000000099999';
      return a;
    });
    const s = await rig.engine.sale({ amountMinor: 100 });
    expect(s.outcome).toBe('approved');
    expect(s.balance).toBeUndefined();
  });
});

describe('TxnRecorder', () => {
  it('a write that fails for another reason than storage is thrown, not held', () => {
    rig = engineRig();
    const { profile, journal, host, reader, forwarder, lane, clock } = rig;
    const recorder = new TxnRecorder({
      profile,
      journal,
      host,
      reader,
      forwarder,
      lane,
      clock,
      log: new MemoryLogger(),
    });
    const rec = rig.journal.begin({ kind: 'purchase', amountMinor: 100, currency: '156', fields: {} });
    const bug = new PosError('JOURNAL_ILLEGAL_TRANSITION', 'wrong state');
    expect(() =>
      recorder.record(rec, { op: 'abort' }, () => {
        throw bug;
      }),
    ).toThrow(bug);
    expect(rig.forwarder.held.size).toBe(0);
  });

  it('free space that cannot be read refuses nothing (a warning only)', async () => {
    rig = engineRig();
    Object.defineProperty(rig.disk, 'freeBytes', {
      get() {
        throw Object.assign(new Error('statfs'), { code: 'ENOSYS' });
      },
    });
    expect((await rig.engine.sale({ amountMinor: 100 })).outcome).toBe('approved');
    expect(rig.logs.some((l) => l.level === 'warn' && l.obj.code === 'ENOSYS')).toBe(true);
  });
});

/** One held item as the recorder hands it over (HeldOp and the row's ids). */
const heldItem = (x: object) => x as Parameters<HeldOutcomes['hold']>[0];

describe('HeldOutcomes', () => {
  const item = { txnId: 1, stan: '000001', amountMinor: 100 };

  it('stands for a reversal: a reverse, or no answer to a purchase or a void; never a refund, inquiry, answer or abort', () => {
    const held = new HeldOutcomes(new MemoryLogger());
    const e = new PosError('JOURNAL_DISK_FULL', 'full');
    held.hold(heldItem({ ...item, kind: 'purchase', op: 'reverse' }), e);
    held.hold(heldItem({ ...item, kind: 'purchase', op: 'no-answer', reason: '98' }), e);
    held.hold(heldItem({ ...item, kind: 'void', op: 'no-answer', reason: 'A0' }), e);
    held.hold(heldItem({ ...item, kind: 'refund', op: 'no-answer', reason: '98' }), e);
    held.hold(heldItem({ ...item, kind: 'inquiry', op: 'no-answer', reason: '98' }), e);
    held.hold(heldItem({ ...item, kind: 'purchase', op: 'answer', answer: { responseCode: '05' } }), e);
    held.hold(heldItem({ ...item, kind: 'purchase', op: 'abort' }), e);
    expect(held.list().map((h) => h.reversal)).toEqual([true, true, true, false, false, false, false]);
    expect(held).toMatchObject({ size: 7, reversals: 3 });
  });

  it('flush: an item whose row is not where it was left stays held and is logged; nothing after it is written', () => {
    rig = engineRig();
    const log = new MemoryLogger();
    const held = new HeldOutcomes(log);
    const rec = rig.journal.begin({ kind: 'purchase', amountMinor: 100, currency: '156', fields: {} });
    const e = new PosError('JOURNAL_DISK_FULL', 'full');
    // recordNoAnswer on a row never sent is refused by the journal's state machine
    held.hold(
      heldItem({
        txnId: rec.id,
        kind: 'purchase',
        stan: rec.stan,
        amountMinor: 100,
        op: 'no-answer',
        reason: '98',
      }),
      e,
    );
    held.hold(
      heldItem({ txnId: rec.id, kind: 'purchase', stan: rec.stan, amountMinor: 100, op: 'abort' }),
      e,
    );
    expect(held.flush(rig.journal)).toBe(2);
    expect(rig.journal.get(rec.id)!.state).toBe('reversal-pending'); // as begun: nothing written
    expect(log.lines.some((l) => l.level === 'error' && l.msg === 'held outcome cannot be written')).toBe(
      true,
    );
  });

  it('flush: a write that fails for lack of space keeps the item without that error', () => {
    rig = engineRig();
    const log = new MemoryLogger();
    const held = new HeldOutcomes(log);
    const rec = rig.journal.begin({ kind: 'purchase', amountMinor: 100, currency: '156', fields: {} });
    held.hold(
      heldItem({ txnId: rec.id, kind: 'purchase', stan: rec.stan, amountMinor: 100, op: 'abort' }),
      new PosError('JOURNAL_DISK_FULL', 'full'),
    );
    const db = rig.journal as unknown as { abort: (id: number) => never };
    const spy = vi.spyOn(db, 'abort').mockImplementation(() => {
      throw new PosError('JOURNAL_DISK_FULL', 'full');
    });
    expect(held.flush(rig.journal)).toBe(1);
    expect(log.lines.some((l) => l.msg === 'held outcome cannot be written')).toBe(false);
    spy.mockRestore();
    expect(held.flush(rig.journal)).toBe(0);
    expect(rig.journal.get(rec.id)!.state).toBe('aborted');
  });
});

describe('Lane', () => {
  it('one at a time in order, a failure does not stop the line; idle() waits for all queued', async () => {
    const lane = new Lane();
    const order: string[] = [];
    const step = (name: string, fail = false) =>
      lane.run(async () => {
        order.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 5));
        order.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      });
    const a = step('a', true);
    const b = step('b');
    const idle = lane.idle().then(() => order.push('idle'));
    await expect(a).rejects.toThrow('a');
    expect(await b).toBe('b');
    await idle;
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'idle']);
  });
});
