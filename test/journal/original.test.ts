import { afterEach, describe, expect, it } from 'vitest';
import { OFFLINE_CODE_MAX } from '../../src/journal/Counters.js';
import type { NewTxn } from '../../src/journal/index.js';
import { fullDisk, journalDb } from './fullDisk.js';
import { codeOf, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const orig = { batch: '000001', stan: '000001' };
const refund = (amountMinor: number): NewTxn => ({
  kind: 'refund',
  amountMinor,
  card: { pan: PAN_A },
  original: { ...orig, date: '1127' },
});

describe('originalUsage: refunds and voids of one original', () => {
  it('counts approved and unresolved refunds, not declined or aborted ones, and voids until reversed', () => {
    fx = tempJournal();
    const j = fx.journal;
    const p = j.begin({ kind: 'purchase', amountMinor: 1000, card: { pan: PAN_A }, fields: purchaseFields });
    expect(p.stan).toBe(orig.stan);
    expect(j.originalUsage(orig)).toEqual({ refundedMinor: 0, refunds: 0, voids: 0 });

    const approved = j.begin(refund(100));
    j.markSent(approved.id);
    j.recordAnswer(approved.id, { responseCode: '00' });
    const declined = j.begin(refund(200));
    j.markSent(declined.id);
    j.recordAnswer(declined.id, { responseCode: '05' });
    j.abort(j.begin(refund(300)).id);
    j.begin(refund(40)); // pending
    const lost = j.begin(refund(5));
    j.markSent(lost.id);
    j.recordNoAnswer(lost.id, '98'); // no-answer: the host may have refunded
    j.begin({ ...refund(999), original: { batch: '000001', stan: '000777' } }); // another original
    expect(j.originalUsage(orig)).toEqual({ refundedMinor: 145, refunds: 3, voids: 0 });

    const v = j.begin({ kind: 'void', amountMinor: 1000, card: { pan: PAN_A }, original: orig });
    expect(j.originalUsage(orig).voids).toBe(1); // in flight
    j.markSent(v.id);
    j.recordNoAnswer(v.id, '98');
    expect(j.originalUsage(orig).voids).toBe(1); // being reversed: not finished
    j.reversalAttempt(v.id);
    j.reversalResult(v.id, '00');
    expect(j.originalUsage(orig).voids).toBe(0);
  });

  it('is served by the txns_original index (migration 2)', () => {
    fx = tempJournal();
    const plan = journalDb(fx.journal)
      .prepare(
        `EXPLAIN QUERY PLAN SELECT count(*) FROM txns WHERE orig_batch = ? AND orig_stan = ?
           AND kind = 'refund' AND state IN ('approved', 'pending', 'sent', 'no-answer')`,
      )
      .all('000001', '000001') as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toContain('txns_original');
  });
});

describe('offline approval code counter', () => {
  it('comes with the STAN in one commit, runs on across STAN wraps and wraps itself to 1', () => {
    fx = tempJournal();
    const a = fx.journal.nextOfflineIds();
    const b = fx.journal.nextOfflineIds();
    expect(a).toEqual({ stan: '000001', codeNumber: 1 });
    expect(b).toEqual({ stan: '000002', codeNumber: 2 });
    const db = journalDb(fx.journal);
    db.prepare(`UPDATE counters SET value = ? WHERE name = 'offline_code'`).run(OFFLINE_CODE_MAX - 1);
    expect(fx.journal.nextOfflineIds().codeNumber).toBe(OFFLINE_CODE_MAX);
    expect(fx.journal.nextOfflineIds().codeNumber).toBe(1);
    fx.reopen();
    expect(fx.journal.nextOfflineIds()).toEqual({ stan: '000005', codeNumber: 2 });
  });
});

describe('a full disk', () => {
  it('is JOURNAL_DISK_FULL (SQLITE_FULL), rolls the commit back, and writes work again once space is back', () => {
    fx = tempJournal();
    const disk = fullDisk(fx.journal);
    disk.fill();
    expect(codeOf(() => fx.journal.nextStan())).toBe('JOURNAL_DISK_FULL');
    disk.free();
    expect(fx.journal.nextStan()).toBe('000001');
  });
});
