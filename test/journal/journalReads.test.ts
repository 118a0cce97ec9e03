/**
 * The journal's public reads and counters, value by value (issue 15: mutants that no test saw):
 * runs, STANs, batches, the till's results, listing filters, reversals past their limit, the key
 * check and the quick check.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/Journal.js';
import { codeOf, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal> | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

function sent(
  kind: 'purchase' | 'refund' = 'purchase',
  extra: { tillId?: string; amountMinor?: number } = {},
) {
  const t = fx!.journal.begin({
    kind,
    amountMinor: extra.amountMinor ?? 1000,
    card: { pan: PAN_A },
    fields: purchaseFields,
    tillId: extra.tillId,
  });
  return fx!.journal.markSent(t.id);
}

describe('counters', () => {
  it('runs count up from 1, one per call', () => {
    fx = tempJournal();
    expect([fx.journal.nextRun(), fx.journal.nextRun(), fx.journal.nextRun()]).toEqual([1, 2, 3]);
    expect(fx.reopen().nextRun()).toBe(4);
  });

  it('the STAN: 000001 first, then one up, from a row or the counter; a row given its own STAN takes none', () => {
    fx = tempJournal();
    expect(fx.journal.nextStan()).toBe('000001');
    const t = sent();
    expect(t.stan).toBe('000002');
    expect(fx.journal.nextOfflineIds()).toEqual({ stan: '000003', codeNumber: 1 });
    expect(fx.journal.nextOfflineIds()).toEqual({ stan: '000004', codeNumber: 2 });
    expect(
      fx.journal.begin({ kind: 'purchase', amountMinor: 1, stan: '999999', fields: purchaseFields }).stan,
    ).toBe('999999');
    expect(fx.journal.nextStan()).toBe('000005');
    expect(sent().stan).toBe('000006');
  });

  it('batches: set, closed one up, 999999 wraps to 000001; 000000 and non-digits refused', () => {
    fx = tempJournal();
    expect(fx.journal.currentBatch()).toBe('000001');
    fx.journal.setBatch('000041');
    expect(fx.journal.currentBatch()).toBe('000041');
    expect(fx.journal.closeBatch()).toBe('000042');
    fx.journal.setBatch('999999');
    expect(fx.journal.closeBatch()).toBe('000001');
    expect(codeOf(() => fx!.journal.setBatch('000000'))).toBe('JOURNAL_BAD_INPUT');
    expect(codeOf(() => fx!.journal.setBatch('12345'))).toBe('JOURNAL_BAD_INPUT');
    expect(codeOf(() => fx!.journal.hostBatch('000000'))).toBe('JOURNAL_BAD_INPUT');
    expect(fx.journal.currentBatch()).toBe('000001');
  });
});

describe('what the till was told', () => {
  it('byTillId: the row of the till id that is not aborted, with the stored result', () => {
    fx = tempJournal();
    expect(fx.journal.byTillId('till-1')).toBeUndefined();
    const first = sent('purchase', { tillId: 'till-1' });
    fx.journal.recordAnswer(first.id, { responseCode: '05', rrn: '000000000001' });
    expect(fx.journal.byTillId('till-1')).toMatchObject({ txn: { id: first.id }, result: null });
    fx.journal.storeResult(first.id, '{"outcome":"declined"}');
    expect(fx.journal.byTillId('till-1')).toMatchObject({
      txn: { id: first.id, state: 'declined' },
      result: '{"outcome":"declined"}',
    });
    // an aborted request gives its till id up: the till may use it again
    const aborted = fx.journal.begin({
      kind: 'purchase',
      amountMinor: 5,
      fields: purchaseFields,
      tillId: 'till-3',
    });
    fx.journal.abort(aborted.id);
    expect(fx.journal.byTillId('till-3')).toBeUndefined();
    const again = sent('purchase', { tillId: 'till-3' });
    expect(fx.journal.byTillId('till-3')).toMatchObject({
      txn: { id: again.id, state: 'sent' },
      result: null,
    });
    expect(fx.journal.byTillId('till-2')).toBeUndefined();
  });
});

describe('listTransactions', () => {
  it('newest first, filtered by batch, state and kind together; the limit is clamped to 1 .. 100000', () => {
    fx = tempJournal();
    const a = sent('purchase');
    fx.journal.recordAnswer(a.id, { responseCode: '00', rrn: '000000000001', authCode: 'A1B2C3' });
    const b = sent('refund');
    fx.journal.recordAnswer(b.id, { responseCode: '00', rrn: '000000000002', authCode: 'A1B2C3' });
    fx.journal.closeBatch();
    const c = sent('purchase');
    fx.journal.recordAnswer(c.id, { responseCode: '05', rrn: '000000000003' });
    const ids = (f: Parameters<Journal['listTransactions']>[0]) =>
      fx!.journal.listTransactions(f).map((t) => t.id);
    expect(ids({})).toEqual([c.id, b.id, a.id]);
    expect(ids({ batch: '000001' })).toEqual([b.id, a.id]);
    expect(ids({ state: 'approved' })).toEqual([b.id, a.id]);
    expect(ids({ kind: 'purchase' })).toEqual([c.id, a.id]);
    expect(ids({ kind: 'purchase', state: 'approved', batch: '000001' })).toEqual([a.id]);
    expect(ids({ kind: 'purchase', batch: '000002' })).toEqual([c.id]);
    expect(ids({ limit: 2 })).toEqual([c.id, b.id]);
    expect(ids({ limit: 2.9 })).toEqual([c.id, b.id]);
    expect(ids({ limit: 0 })).toEqual([c.id]);
    expect(ids({ limit: -5 })).toEqual([c.id]);
    expect(ids({ limit: Number.NaN })).toEqual([c.id, b.id, a.id]);
    expect(ids({ limit: 1e9 })).toEqual([c.id, b.id, a.id]);
  });
});

describe('reversals and requests', () => {
  it('a reversal past the attempt limit stays listed, marked over the limit', () => {
    fx = tempJournal({ reversalAttemptLimit: 2 });
    const t = sent();
    fx.journal.recordNoAnswer(t.id, '98');
    const at = (_attempts: number) => fx!.journal.pendingReversals()[0];
    expect(at(0)).toMatchObject({ reason: '98', attempts: 0, overLimit: false });
    fx.journal.reversalAttempt(t.id);
    fx.journal.reversalResult(t.id, null);
    expect(at(1)).toMatchObject({ attempts: 1, overLimit: false });
    fx.journal.reversalAttempt(t.id);
    fx.journal.reversalResult(t.id, '96');
    expect(at(2)).toMatchObject({ attempts: 2, overLimit: true });
    expect(fx.journal.nextToForward()).toMatchObject({ type: 'reversal', overLimit: true, reason: '98' });
  });

  it('the request of an unknown id is JOURNAL_NOT_FOUND', () => {
    fx = tempJournal();
    expect(codeOf(() => fx!.journal.requestOf(99))).toBe('JOURNAL_NOT_FOUND');
  });
});

describe('checks for diagnostics', () => {
  it('keyCheck: unverifiable with no card data, ok with the right key, mismatch with another', () => {
    fx = tempJournal();
    expect(fx.journal.keyCheck()).toEqual({ status: 'unverifiable', checked: 0 });
    sent();
    sent();
    expect(fx.journal.keyCheck()).toEqual({ status: 'ok', checked: 2 });
    for (let i = 0; i < 3; i++) sent();
    expect(fx.journal.keyCheck()).toEqual({ status: 'ok', checked: 3 });
    fx.journal.close();
    const other = Journal.open({ path: fx.path, key: randomBytes(32), clock: fx.clock });
    expect(other.keyCheck()).toEqual({ status: 'mismatch', checked: 3 });
    other.close();
    fx.reopen();
  });

  it('quickCheck: ok on a sound journal; a damaged index page is not ok, with what SQLite found', () => {
    fx = tempJournal();
    for (let i = 0; i < 30; i++) sent('purchase', { tillId: `till-${i}` });
    expect(fx.journal.quickCheck()).toEqual({ ok: true, messages: ['ok'] });
    fx.journal.close();
    const raw = new Database(fx.path);
    const { rootpage } = raw
      .prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'txns_till_id'`)
      .get() as {
      rootpage: number;
    };
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const fd = openSync(fx.path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize - 20, 0x41), 0, pageSize - 20, (rootpage - 1) * pageSize + 20);
    closeSync(fd);
    const check = fx.reopen().quickCheck();
    expect(check.ok).toBe(false);
    expect(check.messages.join('\n')).toContain(`Tree ${rootpage} page`); // the damaged index's root
  });

  it('quickCheck: damage SQLite reports in one row (pages lost from the freelist) is not ok either', () => {
    fx = tempJournal();
    sent();
    fx.journal.close();
    const raw = new Database(fx.path);
    raw.exec(`CREATE TABLE scratch(a); INSERT INTO scratch VALUES (zeroblob(4000)); DROP TABLE scratch;`);
    expect(raw.pragma('freelist_count', { simple: true })).toBeGreaterThan(0);
    raw.close(); // checkpoints the WAL into the file
    // Header bytes 32..39: the first freelist trunk page and the freelist's page count. Zeroed,
    // the free pages belong to nothing: quick_check reports them in a single row.
    const fd = openSync(fx.path, 'r+');
    writeSync(fd, Buffer.alloc(8), 0, 8, 32);
    closeSync(fd);
    const check = fx.reopen().quickCheck();
    expect(check.messages).toHaveLength(1);
    expect(check.messages[0]).toMatch(/Page \d+: never used/);
    expect(check.ok).toBe(false);
  });
});
