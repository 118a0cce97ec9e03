/**
 * The journal's coded refusals read whole (code, message, context), the batch rules at their
 * edges, and a damaged counters table (issue 15: mutants in these paths survived).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError, type PosError } from '../../src/errors.js';
import { Journal } from '../../src/journal/Journal.js';
import { journalDb } from './fullDisk.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal> | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

function errorOf(fn: () => unknown): PosError {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const coded = (e: PosError) => ({ code: e.code, message: e.message, context: e.context });

function answered(responseCode: string, rrn: string) {
  const j = fx!.journal;
  const t = j.begin({ kind: 'purchase', amountMinor: 1000, card: { pan: PAN_A }, fields: purchaseFields });
  j.markSent(t.id);
  return j.recordAnswer(t.id, { responseCode, rrn, authCode: responseCode === '00' ? 'A1B2C3' : undefined });
}

describe('coded refusals, whole', () => {
  it('batch numbers: not 6 digits, 000000', () => {
    fx = tempJournal();
    const j = fx.journal;
    const digits = {
      code: 'JOURNAL_BAD_INPUT',
      message: 'batch must be 6 digits',
      context: { field: 'batch' },
    };
    expect(coded(errorOf(() => j.settlementAttempt('1')))).toEqual(digits);
    expect(coded(errorOf(() => j.closeBatch('00000A')))).toEqual(digits);
    expect(coded(errorOf(() => j.hostBatch('1234567')))).toEqual(digits);
    expect(coded(errorOf(() => j.setBatch('12345')))).toEqual(digits);
    const zero = {
      code: 'JOURNAL_BAD_INPUT',
      message: 'batch 000000 is not valid',
      context: { field: 'batch' },
    };
    expect(coded(errorOf(() => j.hostBatch('000000')))).toEqual(zero);
    expect(coded(errorOf(() => j.setBatch('000000')))).toEqual(zero);
  });

  it('settling a batch that is closed or uploading', () => {
    fx = tempJournal();
    const j = fx.journal;
    answered('00', '000000000001');
    j.settlementAttempt('000001');
    j.uploadDue('000001', '2', 1);
    expect(coded(errorOf(() => j.settlementAttempt('000001')))).toEqual({
      code: 'JOURNAL_ILLEGAL_TRANSITION',
      message: 'settlement not allowed in batch state uploading',
      context: { key: 'batch:000001', state: 'uploading', action: 'settle' },
    });
    j.closeBatch('000001');
    expect(coded(errorOf(() => j.settlementAttempt('000001')))).toEqual({
      code: 'JOURNAL_ILLEGAL_TRANSITION',
      message: 'settlement not allowed in batch state closed',
      context: { key: 'batch:000001', state: 'closed', action: 'settle' },
    });
  });

  it('settlement inquiries: 1 to 8 transactions, a known inquiry', () => {
    fx = tempJournal();
    const j = fx.journal;
    const a = answered('00', '000000000001');
    const eight = Array.from({ length: 8 }, () => ({ txnId: a.id, rrn: '000000000001' }));
    const id = j.settlementInquiryAttempt('000001', eight);
    expect(coded(errorOf(() => j.settlementInquiryAttempt('000002', [...eight, eight[0]])))).toEqual({
      code: 'JOURNAL_BAD_INPUT',
      message: 'a settlement inquiry asks about 1 to 8 transactions',
      context: { key: 'rrns' },
    });
    expect(coded(errorOf(() => j.settlementInquiryResult(id + 1, 'ok')))).toEqual({
      code: 'JOURNAL_NOT_FOUND',
      message: 'no such settlement inquiry',
      context: { key: `settlement_inquiry:${id + 1}` },
    });
    // an inquiry that got no answer: its result, no observation
    j.settlementInquiryResult(id, 'no-answer');
    expect(j.settlementObservations(a.id)).toEqual([]);
    expect(j.settlementInquiriesSince(0)).toHaveLength(1);
  });

  it('the request of an unknown transaction', () => {
    fx = tempJournal();
    expect(coded(errorOf(() => fx!.journal.requestOf(42)))).toEqual({
      code: 'JOURNAL_NOT_FOUND',
      message: 'no such transaction',
      context: { key: 'txn:42' },
    });
  });

  it('a second open is refused at once, names the file and keeps the cause', () => {
    fx = tempJournal();
    const started = Date.now();
    const e = errorOf(() => Journal.open({ path: fx!.path, key: fx!.key }));
    expect(e.code).toBe('JOURNAL_LOCKED');
    // at once: SQLite's busy wait (5 s by default) is off when the journal is opened
    expect(Date.now() - started).toBeLessThan(2500);
    expect(e.context).toMatchObject({ file: fx.path });
    expect((e as Error & { cause?: unknown }).cause).toBeDefined();
  });
});

describe('batches at their edges', () => {
  it('a host batch number that became the open one by hand is not taken twice: the close moves one up', () => {
    fx = tempJournal();
    const j = fx.journal;
    answered('00', '000000000001');
    expect(j.hostBatch('000050')).toBe('deferred');
    j.setBatch('000050');
    expect(j.closeBatch('000050')).toBe('000051');
  });

  it('an empty open batch under settlement keeps its number: the host number waits', () => {
    fx = tempJournal();
    const j = fx.journal;
    j.settlementAttempt('000001');
    expect(j.hostBatch('000077')).toBe('deferred');
    expect(j.currentBatch()).toBe('000001');
    expect(j.pendingHostBatch()).toBe('000077');
  });

  it('unsettled: an old batch with declines only is left out, unless a settlement is under way', () => {
    fx = tempJournal();
    const j = fx.journal;
    answered('05', '000000000001');
    j.setBatch('000002');
    expect(j.unsettledBatches().map((b) => b.batch)).toEqual(['000002']);
    j.settlementAttempt('000001');
    expect(j.unsettledBatches().map((b) => [b.batch, b.state])).toEqual([
      ['000001', 'settling'],
      ['000002', 'open'],
    ]);
  });
});

describe('a damaged counters table', () => {
  it('a missing counter is JOURNAL_DB_CORRUPT naming it, never a made-up number', () => {
    fx = tempJournal();
    const j = fx.journal;
    const db = journalDb(j);
    db.prepare(`DELETE FROM counters WHERE name = 'offline_code'`).run();
    expect(coded(errorOf(() => j.nextOfflineIds()))).toMatchObject({
      code: 'JOURNAL_DB_CORRUPT',
      message: 'offline code counter is missing',
    });
    db.prepare(`DELETE FROM counters WHERE name = 'stan_at'`).run();
    expect(coded(errorOf(() => j.nextStan()))).toMatchObject({
      code: 'JOURNAL_DB_CORRUPT',
      message: 'stan_at counter is missing',
    });
    db.prepare(`INSERT INTO counters (name, value) VALUES ('stan_at', 0)`).run();
    db.prepare(`DELETE FROM counters WHERE name = 'stan'`).run();
    expect(coded(errorOf(() => j.nextStan()))).toMatchObject({
      code: 'JOURNAL_DB_CORRUPT',
      message: 'stan counter is missing',
    });
    db.prepare(`INSERT INTO counters (name, value) VALUES ('stan', 7)`).run();
    // a row took the last STAN: the counter is not read, only written, and its write misses
    expect(answered('00', '000000000009').stan).toBe('000008');
    db.prepare(`DELETE FROM counters WHERE name = 'stan'`).run();
    expect(coded(errorOf(() => j.nextStan()))).toMatchObject({
      code: 'JOURNAL_DB_CORRUPT',
      message: 'STAN counter is missing',
    });
    db.prepare(`INSERT INTO counters (name, value) VALUES ('stan', 7)`).run();
    db.prepare(`UPDATE counters SET name = 'stan_at_old' WHERE name = 'stan_at'`).run();
    expect(coded(errorOf(() => j.nextStan()))).toMatchObject({ code: 'JOURNAL_DB_CORRUPT' });
  });
});

describe('diagnostics reads', () => {
  it('pageLimit reads without changing, or sets the cap; freeBytes is a positive whole number', () => {
    fx = tempJournal();
    const j = fx.journal;
    const before = j.pageLimit();
    expect(before.pages).toBeGreaterThan(0);
    expect(j.pageLimit()).toEqual(before);
    expect(j.pageLimit(before.pages + 10.7)).toEqual({ pages: before.pages, max: before.pages + 10 });
    const free = j.freeBytes();
    expect(Number.isSafeInteger(free) && free > 0).toBe(true);
  });
});
