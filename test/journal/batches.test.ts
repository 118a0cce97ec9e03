/** Batches in the journal: host batch numbers, unsettled batches, batch-upload PANs (issue 8 items 10, 11). */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CardVault } from '../../src/journal/CardVault.js';
import { Journal, type NewTxn } from '../../src/journal/index.js';
import { MIGRATIONS } from '../../src/journal/migrations.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { journalDb } from './fullDisk.js';
import { codeOf, ICC, PAN_A, PAN_B, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const card = (pan: string) => ({ pan, expiry: '3012', panSeq: '001', iccData: ICC });
const purchase = (pan: string, amountMinor = 100): NewTxn => ({
  kind: 'purchase',
  amountMinor,
  card: card(pan),
  fields: purchaseFields,
});

function approve(pan: string, amountMinor = 100, code = '00') {
  const j = fx.journal;
  const t = j.begin(purchase(pan, amountMinor));
  j.markSent(t.id);
  return j.recordAnswer(t.id, { responseCode: code, rrn: String(100000000000 + t.id) });
}

describe('batch numbers the host hands (0810 60.2)', () => {
  it('switches at once while the open batch has no transaction', () => {
    fx = tempJournal();
    expect(fx.journal.hostBatch('000001')).toBe('same');
    expect(fx.journal.hostBatch('000042')).toBe('switched');
    expect(fx.journal.currentBatch()).toBe('000042');
    expect(fx.journal.pendingHostBatch()).toBeUndefined();
  });

  it('keeps the open batch while it has transactions and takes the host number when it closes', () => {
    fx = tempJournal();
    const sale = approve(PAN_A, 700);
    // a sale only begun (reversal armed) also holds the batch: it may still be approved in it
    expect(fx.journal.hostBatch('000042')).toBe('deferred');
    expect(fx.journal.currentBatch()).toBe('000001');
    expect(fx.journal.pendingHostBatch()).toBe('000042');
    expect(fx.journal.unsettledBatches()).toMatchObject([
      { batch: '000001', current: true, state: 'open', totals: { debitCount: 1, debitAmountMinor: 700 } },
    ]);
    expect(sale.batch).toBe('000001');
    expect(fx.journal.closeBatch('000001')).toBe('000042');
    expect(fx.journal.currentBatch()).toBe('000042');
    expect(fx.journal.pendingHostBatch()).toBeUndefined();
    expect(fx.journal.batchState('000001')).toBe('closed');
    expect(fx.journal.unsettledBatches().map((b) => b.batch)).toEqual(['000042']);
    // with no host number waiting, the next number follows
    expect(fx.journal.closeBatch()).toBe('000043');
  });

  it('lists a batch left behind with approved sales (oldest first) until it is closed', () => {
    fx = tempJournal();
    approve(PAN_A, 500);
    fx.journal.setBatch('000007'); // what releases before this fix did on a host number
    approve(PAN_B, 300);
    expect(fx.journal.unsettledBatches()).toMatchObject([
      { batch: '000001', current: false, totals: { debitCount: 1, debitAmountMinor: 500 } },
      { batch: '000007', current: true, totals: { debitCount: 1, debitAmountMinor: 300 } },
    ]);
    // closing the old batch leaves the open one alone
    expect(fx.journal.closeBatch('000001')).toBe('000007');
    expect(fx.journal.unsettledBatches().map((b) => b.batch)).toEqual(['000007']);
  });
});

describe('batch-upload PANs', () => {
  it('are kept, sealed, for approved sales, refunds and offline sales until the batch closes', () => {
    fx = tempJournal();
    const a = approve(PAN_A, 100);
    const declined = approve(PAN_B, 205, '05');
    const off = fx.journal.enqueueAdvice({
      amountMinor: 50,
      authCode: 'OFF1',
      card: card(PAN_B),
      fields: {},
    });
    const r = fx.journal.begin({
      kind: 'refund',
      amountMinor: 40,
      card: card(PAN_B),
      fields: { 3: '200000' },
    });
    fx.journal.markSent(r.id);
    fx.journal.recordAnswer(r.id, { responseCode: '00', rrn: '200000000001' });
    // the transaction's own card data goes as before; only the PAN is kept, apart
    expect(fx.journal.get(a.id)?.hasCardData).toBe(false);
    expect(fx.journal.get(declined.id)?.hasCardData).toBe(false);
    fx.journal.purge(); // the periodic sweep keeps them: the batch is open
    expect(fx.journal.uploadEntries('000001')).toEqual([
      { txnId: a.id, stan: a.stan, amountMinor: 100, credit: false, pan: PAN_A, uploaded: false },
      { txnId: off.txn.id, stan: off.txn.stan, amountMinor: 50, credit: false, pan: PAN_B, uploaded: false },
      { txnId: r.id, stan: r.stan, amountMinor: 40, credit: true, pan: PAN_B, uploaded: false },
    ]);
    expect(scanFilesForCardData([fx.path, `${fx.path}-wal`], [PAN_A, PAN_B])).toEqual([]);
    fx.journal.markUploaded([a.id]);
    expect(fx.journal.uploadEntries('000001').map((e) => e.uploaded)).toEqual([true, false, false]);
  });

  it("of an offline sale: one seal at enqueue (the advice's), the upload PAN sealed apart once it is forwarded", () => {
    fx = tempJournal();
    const db = journalDb(fx.journal);
    const seal = vi.spyOn(CardVault.prototype, 'seal');
    const off = fx.journal.enqueueAdvice({
      amountMinor: 50,
      authCode: 'OFF1',
      card: card(PAN_B),
      fields: {},
    });
    expect(seal).toHaveBeenCalledTimes(1);
    seal.mockRestore();
    const uploadBlob = () =>
      (
        db.prepare('SELECT upload_pan_blob AS b FROM txns WHERE id = ?').get(off.txn.id) as {
          b: Buffer | null;
        }
      ).b;
    expect(uploadBlob()).toBeNull();
    // an 0330 may acknowledge it while the advice is open: kept as uploaded after the advice is done
    expect(fx.journal.uploadEntries('000001')).toMatchObject([
      { txnId: off.txn.id, pan: PAN_B, uploaded: false },
    ]);
    fx.journal.markUploaded([off.txn.id]);
    fx.journal.adviceAttempt(off.advice.id);
    fx.journal.adviceResult(off.advice.id, { responseCode: '00', rrn: '200000000009' });
    expect(fx.journal.getAdvice(off.advice.id)?.hasCardData).toBe(false);
    expect(uploadBlob()).not.toBeNull();
    expect(fx.journal.uploadEntries('000001')).toEqual([
      { txnId: off.txn.id, stan: off.txn.stan, amountMinor: 50, credit: false, pan: PAN_B, uploaded: true },
    ]);
    expect(fx.journal.closeBatch()).toBe('000002');
    expect(uploadBlob()).toBeNull();
    expect(fx.journal.uploadEntries('000001')).toMatchObject([{ pan: null, uploaded: false }]);
  });

  it('of an offline sale forwarded after its batch closed, or refused, are not sealed', () => {
    fx = tempJournal();
    const db = journalDb(fx.journal);
    const late = fx.journal.enqueueAdvice({
      amountMinor: 50,
      authCode: 'OFF1',
      card: card(PAN_B),
      fields: {},
    });
    const refused = fx.journal.enqueueAdvice({
      amountMinor: 60,
      authCode: 'OFF2',
      card: card(PAN_A),
      fields: {},
    });
    fx.journal.closeBatch();
    fx.journal.adviceAttempt(late.advice.id);
    fx.journal.adviceResult(late.advice.id, { responseCode: '00', rrn: '200000000010' });
    fx.journal.adviceAttempt(refused.advice.id);
    fx.journal.adviceResult(refused.advice.id, { responseCode: '05', rrn: '200000000011' });
    expect(db.prepare('SELECT count(*) AS n FROM txns WHERE upload_pan_blob IS NOT NULL').get()).toEqual({
      n: 0,
    });
    expect(fx.journal.get(late.txn.id)?.state).toBe('approved');
  });

  it('survive a restart, then are erased with their ciphertext when the batch closes', () => {
    fx = tempJournal();
    approve(PAN_A);
    approve(PAN_B);
    fx.journal.settlementAttempt('000001');
    fx.journal.uploadDue('000001', '2', 2);
    fx.reopen();
    expect(fx.journal.batchState('000001')).toBe('uploading');
    expect(fx.journal.uploadEntries('000001').map((e) => e.pan)).toEqual([PAN_A, PAN_B]);
    const db = (fx.journal as unknown as { ctx: { db: Database.Database } }).ctx.db;
    const blobs = (
      db.prepare('SELECT upload_pan_blob AS b FROM txns WHERE upload_pan_blob IS NOT NULL').all() as {
        b: Buffer;
      }[]
    ).map((r) => r.b);
    expect(blobs).toHaveLength(2);
    // no second 0500 once the upload is due
    expect(codeOf(() => fx.journal.settlementAttempt('000001'))).toBe('JOURNAL_ILLEGAL_TRANSITION');
    expect(fx.journal.closeBatch('000001')).toBe('000002');
    expect(fx.journal.purge()).toMatchObject({ walTruncated: true });
    expect(fx.journal.uploadEntries('000001').map((e) => e.pan)).toEqual([null, null]);
    const files = [fx.path, `${fx.path}-wal`, `${fx.path}-shm`];
    fx.journal.close();
    for (const f of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      for (const b of blobs)
        expect(bytes.includes(b.subarray(13, 45)), `ciphertext left in ${f}`).toBe(false);
    }
    fx.reopen();
  });

  it('of a voided sale are dropped by the next purge', () => {
    fx = tempJournal();
    const a = approve(PAN_A);
    const v = fx.journal.begin({
      kind: 'void',
      amountMinor: 100,
      card: card(PAN_A),
      fields: { 3: '200000' },
      original: { batch: a.batch, stan: a.stan },
    });
    fx.journal.markSent(v.id);
    fx.journal.recordAnswer(v.id, { responseCode: '00', rrn: '300000000001' });
    expect(fx.journal.purge().uploadCards).toBe(1);
    expect(fx.journal.uploadEntries('000001')).toEqual([]);
  });
});

describe('migration 3', () => {
  it('takes a version-1 journal: old batches closed, the open one open, host batch none', () => {
    fx = tempJournal();
    const path = fx.path;
    approve(PAN_A);
    fx.journal.closeBatch();
    approve(PAN_B);
    fx.journal.close();
    // the same file as version 1 had it: no batch state at all
    const old = new Database(path);
    old.exec(`DROP INDEX txns_reversals; CREATE INDEX txns_open ON txns (state) WHERE state IN ('pending', 'sent', 'reversal-pending');
      CREATE INDEX advices_open ON advices (state) WHERE state IN ('pending', 'sent');
      ALTER TABLE txns DROP COLUMN upload_pan_blob; ALTER TABLE txns DROP COLUMN uploaded;
      ALTER TABLE txns DROP COLUMN aborted_till_id; ALTER TABLE txns DROP COLUMN stan_alloc;
      DELETE FROM counters WHERE name = 'stan_at';
      DELETE FROM counters WHERE name = 'recovered_upto';
      DROP TABLE settlement_observations; DROP TABLE settlement_inquiries; DROP INDEX txns_settle_tracked;
      ALTER TABLE txns DROP COLUMN settle_asked_wall; ALTER TABLE txns DROP COLUMN settle_status;
      DROP TABLE batches; DROP INDEX txns_original;
      DELETE FROM counters WHERE name IN ('host_batch', 'offline_code', 'run');
      DROP INDEX txns_till_id; ALTER TABLE txns DROP COLUMN till_id; ALTER TABLE txns DROP COLUMN result_json;
      DROP TABLE batch_spans; CREATE INDEX txns_batch_stan ON txns (batch, stan);`);
    old.pragma('user_version = 1');
    old.close();
    expect(MIGRATIONS.map((m) => m.version)).toContain(3);
    fx.journal = Journal.open({ path, key: fx.key, clock: fx.clock });
    expect(fx.journal.batchState('000001')).toBe('closed');
    expect(fx.journal.unsettledBatches().map((b) => b.batch)).toEqual(['000002']);
    expect(fx.journal.pendingHostBatch()).toBeUndefined();
  });
});
