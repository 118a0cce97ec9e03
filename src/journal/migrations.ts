import type BetterSqlite3 from 'better-sqlite3';
import { PosError } from '../errors.js';

export interface Migration {
  version: number;
  sql: string;
}

const step = (name: string) => `${name}_wall REAL, ${name}_mono REAL`;

/**
 * Numbered schema migrations. The applied version is `PRAGMA user_version`; each migration runs
 * in its own transaction together with the version bump. Append only: never edit a shipped one.
 * Rows are never deleted (only their card data), so plain INTEGER PRIMARY KEY ids are never
 * reused; indexes are partial where possible so that a commit touches few pages.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO counters (name, value) VALUES ('stan', 0), ('batch', 1);

      CREATE TABLE txns (
        id                INTEGER PRIMARY KEY,
        kind              TEXT NOT NULL,
        state             TEXT NOT NULL,
        approval_mode     TEXT NOT NULL,
        amount_minor      INTEGER NOT NULL,
        currency          TEXT,
        stan              TEXT NOT NULL,
        batch             TEXT NOT NULL,
        rrn               TEXT,
        auth_code         TEXT,
        response_code     TEXT,
        masked_pan        TEXT,
        entry_mode        TEXT,
        orig_batch        TEXT,
        orig_stan         TEXT,
        orig_date         TEXT,
        attempts          INTEGER NOT NULL DEFAULT 0,
        last_result       TEXT,
        can_send          INTEGER NOT NULL DEFAULT 1,
        reversal_reason   TEXT,
        reversal_attempts INTEGER NOT NULL DEFAULT 0,
        reversal_result   TEXT,
        voided            INTEGER NOT NULL DEFAULT 0,
        fields_json       TEXT NOT NULL DEFAULT '{}',
        card_blob         BLOB,
        ${step('created')}, ${step('sent')}, ${step('answered')}, ${step('reversal_sent')}, ${step('finished')}
      );
      CREATE INDEX txns_open ON txns (state) WHERE state IN ('pending', 'sent', 'reversal-pending');
      CREATE INDEX txns_batch_stan ON txns (batch, stan);
      CREATE INDEX txns_rrn ON txns (rrn) WHERE rrn IS NOT NULL;

      CREATE TABLE advices (
        id            INTEGER PRIMARY KEY,
        txn_id        INTEGER NOT NULL REFERENCES txns (id),
        state         TEXT NOT NULL,
        stan          TEXT NOT NULL,
        batch         TEXT NOT NULL,
        amount_minor  INTEGER NOT NULL,
        masked_pan    TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_result   TEXT,
        fields_json   TEXT NOT NULL,
        card_blob     BLOB,
        ${step('created')}, ${step('last_attempt')}, ${step('finished')}
      );
      CREATE INDEX advices_open ON advices (state) WHERE state IN ('pending', 'sent');
    `,
  },
  {
    // Refunds and voids looked up by their original (refund totals, void after refund), and
    // the counter behind the terminal's offline approval codes (Y + 5 base-36 characters).
    version: 2,
    sql: `
      CREATE INDEX txns_original ON txns (orig_batch, orig_stan) WHERE orig_stan IS NOT NULL;
      INSERT OR IGNORE INTO counters (name, value) VALUES ('offline_code', 0);
    `,
  },
  {
    // Batches and batch upload (issue 8 items 9-11).
    version: 3,
    sql: `
      -- host_batch: a batch number the host handed in an 0810 while the open batch had
      -- transactions; taken when that batch closes (0 = none).
      INSERT INTO counters (name, value) VALUES ('host_batch', 0);

      -- One row per batch number the terminal has settled or is settling. A batch with no row
      -- is open. state: 'settling' (0500 committed before it went out), 'uploading' (0510 said 2:
      -- batch upload due), 'closed'.
      CREATE TABLE batches (
        batch            TEXT PRIMARY KEY,
        state            TEXT NOT NULL,
        settle_attempts  INTEGER NOT NULL DEFAULT 0,
        reconciliation   TEXT,
        upload_total     INTEGER,
        ${step('settle')}, ${step('closed')}
      ) WITHOUT ROWID;
      -- Journals from before this version kept no batch state: every batch but the open one is
      -- taken as closed (those releases only moved on after a balanced settlement or a host switch).
      INSERT INTO batches (batch, state)
        SELECT DISTINCT batch, 'closed' FROM txns
        WHERE batch <> (SELECT printf('%06d', value) FROM counters WHERE name = 'batch');

      -- What a batch upload (0320) needs of an approved transaction: its PAN, sealed with the
      -- card vault (AAD 'upload:<txn id>'), kept until the batch closes; uploaded = 1 once an
      -- 0330 acknowledged the message that carried it.
      CREATE TABLE batch_cards (
        txn_id    INTEGER PRIMARY KEY REFERENCES txns (id),
        batch     TEXT NOT NULL,
        pan_blob  BLOB NOT NULL,
        uploaded  INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX batch_cards_batch ON batch_cards (batch);
    `,
  },
  {
    // The till's own request id (issue 9): stored with the transaction in the commit that
    // begins it, unique among the requests that were not abandoned before sending (an aborted
    // row never charged anything, so the till may use its id again). result_json: the answer
    // the till was given (masked: no card data), written once the request has finished.
    // counters.run: one per start of the runtime (the epoch of the event sequence numbers).
    version: 4,
    sql: `
      ALTER TABLE txns ADD COLUMN till_id TEXT;
      ALTER TABLE txns ADD COLUMN result_json TEXT;
      CREATE UNIQUE INDEX txns_till_id ON txns (till_id) WHERE till_id IS NOT NULL AND state <> 'aborted';
      INSERT OR IGNORE INTO counters (name, value) VALUES ('run', 0);
    `,
  },
  {
    // Settlement tracking (issue 10 section 2). settlement_observations: append only, one row
    // per 951 record the host answered for one of our transactions (history, not just the last
    // status): when the terminal learnt it, the record's parts (host times YYYYMMDDhhmmss) and
    // the raw 59 bytes. settlement_inquiries: one row per 0800/951, committed before it goes out
    // (the hourly ceiling counts them across restarts); result: null while in flight, 'ok',
    // 'declined RC', 'bad-answer CODE' or 'no-answer CODE'. On txns: when the terminal last asked
    // about it and the latest status seen ('A': tracking done), so the tracked list is one
    // partial index.
    version: 5,
    sql: `
      CREATE TABLE settlement_observations (
        id                INTEGER PRIMARY KEY,
        txn_id            INTEGER NOT NULL REFERENCES txns (id),
        rrn               TEXT NOT NULL,
        learnt_wall       REAL NOT NULL,
        status            TEXT NOT NULL,
        mode              TEXT NOT NULL,
        expected_arrival  TEXT,
        cleared_at        TEXT,
        arrived_at        TEXT,
        delay_reason      TEXT NOT NULL,
        record            TEXT NOT NULL
      );
      CREATE INDEX settlement_observations_txn ON settlement_observations (txn_id, id);

      CREATE TABLE settlement_inquiries (
        id         INTEGER PRIMARY KEY,
        stan       TEXT NOT NULL,
        rrns       TEXT NOT NULL,
        sent_wall  REAL NOT NULL,
        result     TEXT
      );
      CREATE INDEX settlement_inquiries_sent ON settlement_inquiries (sent_wall);

      ALTER TABLE txns ADD COLUMN settle_asked_wall REAL;
      ALTER TABLE txns ADD COLUMN settle_status TEXT;
      CREATE INDEX txns_settle_tracked ON txns (created_wall)
        WHERE rrn IS NOT NULL AND state = 'approved' AND kind IN ('purchase', 'offline-sale');
    `,
  },
  {
    // Fewer pages per commit (issue 13: bytes written per sale). Every b-tree a commit touches
    // costs one page in the WAL, so:
    // - txns_open (every open state) gave way to txns_reversals (only reversals due): a purchase
    //   that is answered never enters it. Crash recovery finds requests in flight by id instead:
    //   all of them are newer than counters.recovered_upto, the newest id at the last recovery.
    // - The batch-upload PAN moved from batch_cards (a table and an index) into the transaction's
    //   own row, written in the commit that approves it (same AAD 'upload:<txn id>').
    // - advices_open gave way to a low-water mark in memory (AdviceQueue.openFrom).
    // - The STAN a transaction takes in its own commit stays in its row (counters.ts).
    // - txns_till_id named state in its WHERE, so SQLite rewrote its entry at every state change
    //   of a till's sale (three pages a sale). It is unique among rows with a till id now, and an
    //   aborted request gives its id up (kept in aborted_till_id) so the till may use it again.
    version: 6,
    sql: `
      DROP INDEX txns_till_id;
      ALTER TABLE txns ADD COLUMN aborted_till_id TEXT;
      UPDATE txns SET aborted_till_id = till_id, till_id = NULL WHERE state = 'aborted' AND till_id IS NOT NULL;
      CREATE UNIQUE INDEX txns_till_id ON txns (till_id) WHERE till_id IS NOT NULL;

      DROP INDEX txns_open;
      DROP INDEX advices_open;
      CREATE INDEX txns_reversals ON txns (id) WHERE state = 'reversal-pending' AND can_send = 0;
      INSERT OR IGNORE INTO counters (name, value) VALUES ('recovered_upto', 0);

      ALTER TABLE txns ADD COLUMN upload_pan_blob BLOB;
      ALTER TABLE txns ADD COLUMN uploaded INTEGER NOT NULL DEFAULT 0;
      UPDATE txns SET
        upload_pan_blob = (SELECT c.pan_blob FROM batch_cards c WHERE c.txn_id = txns.id),
        uploaded = (SELECT c.uploaded FROM batch_cards c WHERE c.txn_id = txns.id)
        WHERE id IN (SELECT txn_id FROM batch_cards);
      DROP TABLE batch_cards;

      -- The STAN a transaction takes in its own commit is recorded in its row (stan_alloc = 1),
      -- not in the counters page; counters.stan keeps the STANs handed out alone (sign-on,
      -- settlement, offline ids), with stan_at, the newest row id when it was written.
      ALTER TABLE txns ADD COLUMN stan_alloc INTEGER NOT NULL DEFAULT 0;
      INSERT OR IGNORE INTO counters (name, value) VALUES ('stan_at', (SELECT coalesce(max(id), 0) FROM txns));
    `,
  },
  {
    // Card blobs of version 2 (CardVault: compact plaintext, issue 13). Nothing to convert: the
    // version 1 blobs stay readable. The bump makes older software refuse the journal
    // (JOURNAL_SCHEMA_NEWER) instead of failing on every new blob, which its key check would
    // take for a wrong key.
    version: 7,
    sql: `-- card blobs of version 2 from now on`,
  },
  {
    // The rows of a batch found by id range instead of the index txns_batch_stan, which every
    // begin and every offline sale wrote (1.5 to 1.9 WAL pages of 9 to 5, issue 13). A row takes
    // the batch open when it is inserted and ids only grow, so each batch's rows lie in the id
    // spans during which it was open: batch_spans has one row per change of the open batch (the
    // first id of the span), written with the change (Counters.setBatchInTxn), never per sale.
    // Queries keep `t.batch = ?` beside the range, so a number used again (wrap-around, a host
    // handing an old one) still finds exactly the rows it did. Older journals: the spans are
    // read off their rows, and the open batch starts a span after the last row.
    version: 8,
    sql: `
      CREATE TABLE batch_spans (
        first_id INTEGER PRIMARY KEY,
        batch    TEXT NOT NULL
      );
      INSERT INTO batch_spans (first_id, batch)
        SELECT id, batch FROM (SELECT id, batch, lag(batch) OVER (ORDER BY id) AS prev FROM txns)
        WHERE prev IS NULL OR prev <> batch;
      INSERT INTO batch_spans (first_id, batch)
        SELECT (SELECT coalesce(max(id), 0) + 1 FROM txns), printf('%06d', value) FROM counters
        WHERE name = 'batch' AND printf('%06d', value) IS NOT (SELECT batch FROM txns ORDER BY id DESC LIMIT 1);
      DROP INDEX txns_batch_stan;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Brings the schema up to the newest migration; a no-op when already there. Returns the version. */
export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new PosError('JOURNAL_SCHEMA_NEWER', 'journal schema is newer than this software', {
      found: current,
      supported: latest,
    });
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    const apply = db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    });
    try {
      apply.immediate();
    } catch (e) {
      throw new PosError(
        'JOURNAL_MIGRATION',
        'journal schema migration failed',
        { version: m.version },
        { cause: e },
      );
    }
  }
  return db.pragma('user_version', { simple: true }) as number;
}
