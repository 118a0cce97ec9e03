import { afterEach, describe, expect, it } from 'vitest';
import { fullDisk } from '../journal/fullDisk.js';
import { answer, type EngineRig, engineRig, timeout } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

/** A rig whose journal disk fills up right after the request's bytes went out (before the answer is saved). */
function fullAfterWritten() {
  rig = engineRig();
  rig.forwarder.stop(); // background passes out of the way: the next transaction must do the work
  const disk = fullDisk(rig.journal);
  rig.host.afterWritten = () => {
    rig.host.afterWritten = undefined;
    disk.fill();
  };
  return disk;
}

describe('journal full between sending a request and saving its answer', () => {
  it('approved sale: failed to the till, reversal held in memory and sent first once the disk is back', async () => {
    const disk = fullAfterWritten();
    // the card in hand at 1000 ms, the answer 250 ms after the write
    rig.reader.onRead = () => rig.clock.advance(1000);
    const fill = rig.host.afterWritten!;
    rig.host.afterWritten = (m) => {
      fill(m);
      rig.clock.advance(250);
    };
    const sale = await rig.engine.sale({ amountMinor: 1234 });
    expect(sale).toMatchObject({
      outcome: 'failed',
      reason: { code: 'JOURNAL_DISK_FULL' },
      reversalPending: { reason: '06' },
    });
    expect(sale.textEn).toBe(
      'storage is full: the host approved but the journal cannot record it; it will be reversed',
    );
    expect(sale.timings).toEqual({ cardMs: 5, hostMs: 1, totalMs: 250 });
    expect(sale.textZh).toContain('存储空间不足');
    // the journal could not move the row; the terminal owes the host a reversal all the same
    expect(rig.journal.get(sale.id)!.state).toBe('sent');
    expect(rig.forwarder.held.reversals).toBe(1);
    expect(await rig.forwarder.clearReversals()).toBe('pending');
    expect(rig.logs.some((l) => l.level === 'error' && /reversal held/.test(l.msg ?? ''))).toBe(true);

    // while the disk is full: the next sale is refused before the card is read, nothing is sent
    const reads = rig.reader.reads;
    const refused = await rig.engine.sale({ amountMinor: 500 });
    expect(refused).toMatchObject({
      outcome: 'failed',
      reason: { code: 'JOURNAL_DISK_FULL' },
      reversalPending: { reason: '06' },
    });
    expect(refused.textZh).toContain('存储空间不足');
    expect(rig.reader.reads).toBe(reads);
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200']);

    // space is back: the held reversal is written, sent before the new sale, and finishes
    disk.free();
    const next = await rig.engine.sale({ amountMinor: 500 });
    expect(next.outcome).toBe('approved');
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0400', '0200']);
    const rev = rig.host.sent[1];
    expect(rev.fields[11]).toBe(sale.stan);
    expect(rev.fields[4]).toBe('000000001234');
    expect(rev.fields[39]).toBe('06');
    expect(rig.journal.get(sale.id)!.state).toBe('reversed');
    expect(rig.forwarder.held.size).toBe(0);
  });

  it('the background pass writes and sends the held reversal when the disk is back', async () => {
    const disk = fullAfterWritten();
    const sale = await rig.engine.sale({ amountMinor: 800 });
    const stuck = await rig.forwarder.forwardAll();
    expect(stuck).toMatchObject({ failed: 1, remaining: 1, reversalsDone: 0 });
    expect(rig.host.sent).toHaveLength(1);
    disk.free();
    const r = await rig.forwarder.forwardAll();
    expect(r).toMatchObject({ reversalsDone: 1, remaining: 0 });
    expect(rig.journal.get(sale.id)!.state).toBe('reversed');
  });

  it('declined sale: declined to the till, the decline is written later and nothing is reversed', async () => {
    const disk = fullAfterWritten();
    rig.host.script.push(answer('51'));
    const sale = await rig.engine.sale({ amountMinor: 5151 });
    expect(sale).toMatchObject({
      outcome: 'declined',
      responseCode: '51',
      reason: { code: 'JOURNAL_DISK_FULL' },
    });
    expect(sale.reason?.message).toBe('the journal cannot record the answer yet: kept in memory');
    expect(sale.reversalPending).toBeUndefined();
    expect(rig.forwarder.held).toMatchObject({ size: 1, reversals: 0 });
    const refused = await rig.engine.sale({ amountMinor: 100 });
    expect(refused).toMatchObject({ reason: { code: 'JOURNAL_DISK_FULL' }, amountMinor: 100 });
    expect(refused.reversalPending).toBeUndefined();
    expect(await rig.forwarder.clearReversals()).toBe('clear');
    disk.free();
    const r = await rig.forwarder.forwardAll();
    expect(r.remaining).toBe(0);
    expect(rig.journal.get(sale.id)).toMatchObject({ state: 'declined', responseCode: '51' });
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200']); // no 0400
  });

  it('timeout and the no-answer cannot be saved: reversal 98 held, sent once the disk is back', async () => {
    const disk = fullAfterWritten();
    rig.host.script.push(timeout);
    const sale = await rig.engine.sale({ amountMinor: 300 });
    expect(sale).toMatchObject({ outcome: 'failed', reversalPending: { reason: '98' } });
    expect(rig.forwarder.held.reversals).toBe(1);
    disk.free();
    await rig.forwarder.forwardAll();
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0400']);
    expect(rig.host.sent[1].fields[39]).toBe('98');
    expect(rig.journal.get(sale.id)!.state).toBe('reversed');
  });

  it('approved refund: approved to the till (money moved), counted against the original while unsaved', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const purchase = await rig.engine.sale({ amountMinor: 1000 });
    const disk = fullDisk(rig.journal);
    rig.host.afterWritten = () => {
      rig.host.afterWritten = undefined;
      disk.fill();
    };
    const refund = await rig.engine.refund({ rrn: purchase.rrn!, amountMinor: 1000 });
    expect(refund).toMatchObject({ outcome: 'approved', reason: { code: 'JOURNAL_DISK_FULL' } });
    expect(rig.journal.get(refund.id)!.state).toBe('sent');
    expect(rig.forwarder.held).toMatchObject({ size: 1, reversals: 0 });
    // not saved yet, but its row (sent) already counts against the original
    const again = await rig.engine.refund({ rrn: purchase.rrn!, amountMinor: 1 });
    expect(again.reason?.code).toBe('TXN_REFUND_TOO_LARGE');
    disk.free();
    expect(await rig.forwarder.forwardAll()).toMatchObject({ remaining: 0 });
    expect(rig.journal.get(refund.id)).toMatchObject({ state: 'approved', rrn: refund.rrn });
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0220']);
  });

  it('refund timeout and the no-answer cannot be saved: held, no reversal owed (a refund is never reversed)', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const purchase = await rig.engine.sale({ amountMinor: 1000 });
    const disk = fullDisk(rig.journal);
    rig.host.script.push(timeout);
    rig.host.afterWritten = () => {
      rig.host.afterWritten = undefined;
      disk.fill();
    };
    const refund = await rig.engine.refund({ rrn: purchase.rrn!, amountMinor: 400 });
    expect(refund).toMatchObject({ outcome: 'failed', textEn: 'no answer from the host' });
    expect(refund.reversalPending).toBeUndefined();
    expect(rig.forwarder.held).toMatchObject({ size: 1, reversals: 0 });
    disk.free();
    expect(await rig.forwarder.forwardAll()).toMatchObject({ remaining: 0 });
    expect(rig.journal.get(refund.id)!.state).toBe('no-answer');
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0220']);
  });
});

describe('journal full before the request leaves', () => {
  it('begin fails: refused with the disk-full code, nothing sent, nothing owed', async () => {
    rig = engineRig();
    const disk = fullDisk(rig.journal);
    disk.fill();
    const r = await rig.engine.sale({ amountMinor: 700 });
    expect(r).toMatchObject({
      outcome: 'failed',
      kind: 'purchase',
      amountMinor: 700,
      reason: { code: 'JOURNAL_DISK_FULL' },
    });
    expect(r.reversalPending).toBeUndefined();
    expect(rig.host.sent).toHaveLength(0);
    expect(rig.forwarder.held.size).toBe(0);
    disk.free();
    expect(rig.journal.listTransactions()).toHaveLength(0);
  });

  it('markSent fails: the bytes never leave, the row is abandoned once the disk is back', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const disk = fullDisk(rig.journal);
    rig.reader.onRead = () => rig.clock.advance(1000); // the card in hand at 1000 ms
    // the host step runs before the journal's "sent" mark: fill the disk there
    rig.host.script.push((msg) => {
      disk.fill();
      return answer('00')(msg);
    });
    const r = await rig.engine.sale({ amountMinor: 900 });
    expect(r).toMatchObject({ outcome: 'failed', reason: { code: 'JOURNAL_DISK_FULL' } });
    expect(r.textEn).toBe('storage is full: the journal cannot record the request, nothing was sent');
    expect(r.textZh).toBe('存储空间不足,交易未发送');
    expect(r.timings).toEqual({ cardMs: 5, totalMs: 0 });
    expect(r.reversalPending).toBeUndefined();
    expect(rig.host.sent).toHaveLength(0);
    expect(rig.forwarder.held).toMatchObject({ size: 1, reversals: 0 });
    disk.free();
    const next = await rig.engine.sale({ amountMinor: 100 });
    expect(next.outcome).toBe('approved');
    expect(rig.journal.get(r.id)!.state).toBe('aborted');
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200']);
  });

  it('offline approval with a full disk: refused, nothing approved', async () => {
    rig = engineRig({ floorLimitMinor: 10_000 });
    const disk = fullDisk(rig.journal);
    disk.fill();
    const r = await rig.engine.sale({ amountMinor: 700, mode: 'force-offline' });
    expect(r).toMatchObject({ outcome: 'failed', reason: { code: 'JOURNAL_DISK_FULL' } });
    disk.free();
    expect(rig.journal.listQueue()).toHaveLength(0);
  });
});

describe('journal.minFreeBytes', () => {
  it('refuses sales, refunds and voids while free space is below the minimum, before the card is read', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.disk.freeBytes = rig.profile.journal.minFreeBytes - 1;
    const reads = rig.reader.reads;
    const results = [
      await rig.engine.sale({ amountMinor: 100 }),
      await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 100 }),
      await rig.engine.voidSale({ rrn: sale.rrn! }),
      await rig.engine.inquiry(),
    ];
    for (const r of results) {
      expect(r.reason?.code).toBe('JOURNAL_DISK_FULL');
      expect(r.reversalPending).toBeUndefined();
    }
    expect(results.map((r) => [r.kind, r.amountMinor])).toEqual([
      ['purchase', 100],
      ['refund', 100],
      ['void', 1000],
      ['inquiry', undefined],
    ]);
    expect(rig.reader.reads).toBe(reads);
    expect(rig.host.sent).toHaveLength(1);
    rig.disk.freeBytes = rig.profile.journal.minFreeBytes;
    expect((await rig.engine.sale({ amountMinor: 100 })).outcome).toBe('approved');
  });

  it('defaults to 16 MiB in the profile', () => {
    rig = engineRig();
    expect(rig.profile.journal.minFreeBytes).toBe(16 * 1024 * 1024);
  });
});
