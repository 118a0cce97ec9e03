import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, MIGRATIONS, migrate } from '../../src/journal/index.js';
import { journalDb } from './fullDisk.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let dir: string | undefined;
let journal: Journal | undefined;
let fx: ReturnType<typeof tempJournal> | undefined;
afterEach(() => {
  journal?.close();
  journal = undefined;
  fx?.cleanup();
  fx = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A version-7 journal: approved purchases in batches 1, 2 and 1 again (a number used again), batch 3 open. */
function version7Journal(path: string, rows: [id: number, batch: string, stan: string][], open: number) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version <= 7),
  );
  const insert = db.prepare(
    `INSERT INTO txns (id, kind, state, approval_mode, amount_minor, stan, batch, rrn, can_send, created_wall,
       created_mono) VALUES (?, 'purchase', 'approved', 'online', 100, ?, ?, ?, 0, 1, 1)`,
  );
  for (const [id, batch, stan] of rows) insert.run(id, stan, batch, String(300_000_000_000 + id));
  db.prepare(`UPDATE counters SET value = ? WHERE name = 'batch'`).run(open);
  db.close();
}

const spans = (db: Database.Database) =>
  db.prepare('SELECT first_id, batch FROM batch_spans ORDER BY first_id').all();

describe('migration 8 (a batch is found by its spans of ids, not by an index)', () => {
  it('reads the spans off a version-7 journal: totals, batch upload, listing and voids find the same rows', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m8-'));
    const path = join(dir, 'journal.db');
    const key = randomBytes(32);
    version7Journal(
      path,
      [
        [1, '000001', '000001'],
        [2, '000001', '000002'],
        [3, '000002', '000003'],
        [4, '000002', '000004'],
        [5, '000001', '000005'],
      ],
      3,
    );
    journal = Journal.open({ path, key });
    const db = journalDb(journal);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'txns_batch_stan'`).get()).toBeUndefined();
    expect(spans(db)).toEqual([
      { first_id: 1, batch: '000001' },
      { first_id: 3, batch: '000002' },
      { first_id: 5, batch: '000001' },
      { first_id: 6, batch: '000003' },
    ]);
    expect(journal.totals('000001')).toMatchObject({ debitCount: 3, debitAmountMinor: 300 });
    expect(journal.totals('000002')).toMatchObject({ debitCount: 2, debitAmountMinor: 200 });
    expect(journal.totals('000003')).toMatchObject({ debitCount: 0 });
    expect(journal.uploadEntries('000001').map((e) => e.txnId)).toEqual([1, 2, 5]);
    expect(journal.listTransactions({ batch: '000002' }).map((t) => t.id)).toEqual([4, 3]);
    expect(journal.unsettledBatches().map((b) => b.batch)).toEqual(['000001', '000002', '000003']);

    // a void of the sale with STAN 000005 in batch 000001 marks that one, not STAN 000005 elsewhere
    const v = journal.begin({
      kind: 'void',
      amountMinor: 100,
      card: { pan: PAN_A },
      fields: purchaseFields,
      original: { batch: '000001', stan: '000005' },
    });
    journal.markSent(v.id);
    journal.recordAnswer(v.id, { responseCode: '00', rrn: '399999999999', authCode: 'A1' });
    expect(journal.get(5)?.voided).toBe(true);
    expect(journal.totals('000001')).toMatchObject({ debitCount: 2, debitAmountMinor: 200 });
    // the void itself was made in the open batch, after the last span began
    expect(journal.get(v.id)?.batch).toBe('000003');
    expect(journal.listTransactions({ batch: '000003' }).map((t) => t.id)).toEqual([v.id]);
  });

  it('adds no span for the open batch when the last rows are already in it', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m8-'));
    const path = join(dir, 'journal.db');
    version7Journal(
      path,
      [
        [1, '000004', '000001'],
        [2, '000004', '000002'],
      ],
      4,
    );
    journal = Journal.open({ path, key: randomBytes(32) });
    expect(spans(journalDb(journal))).toEqual([{ first_id: 1, batch: '000004' }]);
    expect(journal.totals()).toMatchObject({ batch: '000004', debitCount: 2 });
  });

  it('a batch found by its spans holds exactly the rows that carry its number, whatever opens batches', () => {
    type Op = { op: 'sale' } | { op: 'close' } | { op: 'host'; batch: number } | { op: 'set'; batch: number };
    const op = fc.oneof(
      { arbitrary: fc.constant<Op>({ op: 'sale' }), weight: 6 },
      { arbitrary: fc.constant<Op>({ op: 'close' }), weight: 2 },
      { arbitrary: fc.integer({ min: 1, max: 4 }).map<Op>((batch) => ({ op: 'host', batch })), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: 4 }).map<Op>((batch) => ({ op: 'set', batch })), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        fx?.cleanup();
        fx = tempJournal();
        const j = fx.journal;
        const db = journalDb(j);
        for (const o of ops) {
          if (o.op === 'sale') {
            const t = j.begin({
              kind: 'purchase',
              amountMinor: 100,
              card: { pan: PAN_A },
              fields: purchaseFields,
            });
            j.markSent(t.id);
            j.recordAnswer(t.id, { responseCode: '00', rrn: String(300_000_000_000 + t.id), authCode: 'A1' });
          } else if (o.op === 'close') j.closeBatch();
          else if (o.op === 'host') j.hostBatch(String(o.batch).padStart(6, '0'));
          else j.setBatch(String(o.batch).padStart(6, '0'));
        }
        const numbers = (db.prepare('SELECT DISTINCT batch FROM txns').all() as { batch: string }[]).map(
          (r) => r.batch,
        );
        // unsettled batches by spans: the same as grouping the whole table (the query before v8)
        const unsettled = (
          db
            .prepare(
              `SELECT t.batch, min(t.id) AS first, sum(t.voided = 0) AS counted FROM txns t
               LEFT JOIN batches b ON b.batch = t.batch WHERE coalesce(b.state, 'open') <> 'closed'
               GROUP BY t.batch ORDER BY first`,
            )
            .all() as { batch: string; counted: number }[]
        )
          .filter((r) => r.batch !== j.currentBatch() && r.counted > 0)
          .map((r) => r.batch);
        expect(j.unsettledBatches().map((b) => b.batch)).toEqual([...unsettled, j.currentBatch()]);
        for (const b of [...numbers, j.currentBatch()]) {
          const ids = (
            db.prepare('SELECT id FROM txns WHERE batch = ? ORDER BY id').all(b) as { id: number }[]
          ).map((r) => r.id);
          expect(
            j
              .listTransactions({ batch: b })
              .map((t) => t.id)
              .reverse(),
          ).toEqual(ids);
          expect(j.totals(b).debitCount).toBe(
            (
              db.prepare('SELECT count(*) AS n FROM txns WHERE batch = ? AND voided = 0').get(b) as {
                n: number;
              }
            ).n,
          );
        }
      }),
      { numRuns: 40 },
    );
  });
});
