import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../clock.js';
import { PosError } from '../errors.js';
import { AdviceQueue } from './AdviceQueue.js';
import { BatchStore, IN_BATCH_SQL, inBatch } from './BatchStore.js';
import { CardVault } from './CardVault.js';
import { Counters } from './Counters.js';
import { JournalContext, toJournalError } from './JournalContext.js';
import { journalCorrupt, prepareJournalFiles } from './journalFiles.js';
import { migrate } from './migrations.js';
import { convertPageSize, JOURNAL_PAGE_SIZE, type PageSizeOutcome } from './pageSize.js';
import { parseFields, TXN_COLUMNS, type TxnRow, toTxnRecord, txnRecordId } from './records.js';
import { SettlementStore } from './SettlementStore.js';
import { TxnStateMachine } from './TxnStateMachine.js';
import type {
  AdviceRecord,
  AdviceState,
  Answer,
  BatchInfo,
  BatchState,
  BatchTotals,
  ForwardItem,
  NewAdvice,
  NewSettlementObservation,
  NewTxn,
  OfflineTotals,
  PendingReversal,
  RecoveryReport,
  ReversalReason,
  SettlementObservationRecord,
  StoredRequest,
  TrackedTxn,
  TxnFilter,
  TxnRecord,
  UploadEntry,
} from './types.js';

export interface JournalOptions {
  /** database file; its directory must exist */
  path: string;
  /** 32-byte card-data key (see loadKeyFile); never stored in the database */
  key: Buffer;
  clock?: Clock;
  /** profile limit: reversal sends before a pending reversal is reported as over the limit */
  reversalAttemptLimit?: number;
  /** profile limit: advice sends before an advice is reported as over the limit */
  adviceAttemptLimit?: number;
  /** an older journal up to this size is rebuilt at JOURNAL_PAGE_SIZE when opened (pageSize.ts) */
  pageSizeConversionMaxBytes?: number;
}

/** WAL frames after which a commit checkpoints (SQLite's default: 1,000). */
export const WAL_AUTOCHECKPOINT_FRAMES = 4000;

/**
 * The terminal's journal (SQLite, WAL, synchronous = FULL): transactions, pending reversals,
 * the store-and-forward queue and the STAN / batch counters. Every method that changes state
 * commits before it returns ("journal before wire"); none of them awaits.
 */
export class Journal {
  private readonly ctx: JournalContext;
  private readonly counters: Counters;
  private readonly queue: AdviceQueue;
  private readonly txns: TxnStateMachine;
  private readonly batches: BatchStore;
  private readonly settlement: SettlementStore;
  private readonly reversalLimit: number;
  private readonly adviceLimit: number;

  /** What open did about the file's page size (an older journal may keep a larger one). */
  readonly pageSize: PageSizeOutcome;

  private constructor(db: Database.Database, opts: JournalOptions, pageSize: PageSizeOutcome) {
    this.pageSize = pageSize;
    this.ctx = new JournalContext(db, new CardVault(opts.key), opts.clock ?? systemClock);
    this.counters = new Counters(this.ctx);
    this.batches = new BatchStore(this.ctx, this.counters);
    this.queue = new AdviceQueue(this.ctx, this.counters, this.batches);
    this.txns = new TxnStateMachine(this.ctx, this.counters, this.queue, this.batches);
    this.settlement = new SettlementStore(this.ctx);
    this.reversalLimit = opts.reversalAttemptLimit ?? 3;
    this.adviceLimit = opts.adviceAttemptLimit ?? 3;
  }

  /**
   * Opens (creating and migrating as needed) the journal at opts.path. Idempotent. The files are
   * 0600 (see journalFiles.ts). The connection holds the kernel's exclusive lock on the file
   * until close() or the process dies (even by SIGKILL): a second open anywhere fails with
   * JOURNAL_LOCKED instead of sharing the journal.
   */
  static open(opts: JournalOptions): Journal {
    new CardVault(opts.key); // refuse a bad key before touching the file
    prepareJournalFiles(opts.path);
    let db: Database.Database | undefined;
    try {
      db = new Database(opts.path, { timeout: 0 }); // a held lock is refused at once, not after 5 s
      // Before the first access: the first read takes the lock and keeps it; in WAL mode the
      // WAL index then lives in this process's memory (no -shm file, no shared readers).
      db.pragma('locking_mode = EXCLUSIVE');
      // New files only (existing ones: convertPageSize below): see pageSize.ts.
      db.pragma(`page_size = ${JOURNAL_PAGE_SIZE}`);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new PosError('JOURNAL_OPEN', 'journal cannot use WAL mode', { mode });
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 2000');
      // Checkpoint every 4,000 WAL frames (about 2 MB at 512-byte pages) instead of 1,000: pages
      // that every sale touches (counters, index ends) reach the database file a quarter as often
      // (-14% checkpoint bytes per sale, measured) and fewer sales wait for a checkpoint.
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_FRAMES}`);
      migrate(db);
      const pageSize = convertPageSize(db, {
        maxBytes: opts.pageSizeConversionMaxBytes,
        freeBytes: () => freeBytesOf(opts.path),
      });
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
        throw new PosError('JOURNAL_OPEN', 'journal cannot use WAL mode', { mode: 'after page size' });
      }
      return new Journal(db, opts, pageSize);
    } catch (e) {
      db?.close();
      throw openError(toJournalError(e), opts.path, e);
    }
  }

  close(): void {
    if (this.ctx.db.open) this.ctx.db.close();
  }

  // ---- counters ----

  nextStan(): string {
    return this.counters.nextStan();
  }
  /**
   * For an offline sale, in one commit: its STAN and the number of its terminal approval code
   * (a counter of its own, so codes do not repeat when the STAN comes round again).
   */
  nextOfflineIds(): { stan: string; codeNumber: number } {
    return this.ctx.atomic(() => ({
      stan: this.counters.nextStanInTxn(),
      codeNumber: this.counters.nextOfflineCodeInTxn(),
    }));
  }
  currentBatch(): string {
    return this.counters.currentBatch();
  }
  /** Counts one more start of the runtime (its own commit) and returns the number of this run. */
  nextRun(): number {
    return this.ctx.atomic(
      () =>
        (
          this.ctx.stmt(`UPDATE counters SET value = value + 1 WHERE name = 'run' RETURNING value`).get() as {
            value: number;
          }
        ).value,
    );
  }
  setBatch(batch: string): void {
    this.counters.setBatch(batch);
  }
  /**
   * Closes a batch (after a balanced settlement or a finished batch upload) and erases its
   * batch-upload PANs in the same commit. Closing the open batch opens the next one: the number
   * the host handed meanwhile (hostBatch), else the next number. Returns the batch now open.
   */
  closeBatch(batch: string = this.currentBatch()): string {
    return this.batches.close(batch);
  }
  /**
   * A batch number the host handed in an 0810 (60.2): taken at once when the open batch has no
   * transaction; otherwise kept until that batch closes, so its sales settle under their own number.
   */
  hostBatch(batch: string): 'same' | 'switched' | 'deferred' {
    return this.batches.hostBatch(batch);
  }
  /** The host's batch number waiting for the open batch to close, if any. */
  pendingHostBatch(): string | undefined {
    return this.batches.pendingHostBatch();
  }

  // ---- settlement and batch upload ----

  /** Batches not settled yet, oldest first; the open batch is always the last one. */
  unsettledBatches(): BatchInfo[] {
    return this.batches.unsettled();
  }
  batchState(batch: string): BatchState {
    return this.batches.state(batch);
  }
  /** Commit right before each 0500 goes out (state 'settling'; refused once uploading or closed). */
  settlementAttempt(batch: string): void {
    this.batches.settlementAttempt(batch);
  }
  /** The 0510 answered reconciliation 2: a batch upload of `total` entries is due. */
  uploadDue(batch: string, reconciliation: string, total: number): void {
    this.batches.uploadDue(batch, reconciliation, total);
  }
  /** What the batch upload carries: the counted transactions, PANs decrypted (never log them). */
  uploadEntries(batch: string): UploadEntry[] {
    return this.batches.uploadEntries(batch, this.queue.openFromId());
  }
  /** Commit after each 0330 00: these entries need not be sent again. */
  markUploaded(txnIds: readonly number[]): void {
    this.batches.markUploaded(txnIds);
  }

  // ---- settlement tracking (issue 10) ----

  /**
   * Approved sales (online, or offline once forwarded) with an RRN, created at or after
   * `sinceWall`, oldest first: those whose money has not arrived (latest host status not A), or
   * all of them with `includeArrived`. Masked PAN only.
   */
  trackedSettlements(sinceWall: number, includeArrived = false): TrackedTxn[] {
    return this.settlement.tracked(sinceWall, includeArrived);
  }
  /** Every host observation of one transaction's settlement, in the order learnt. */
  settlementObservations(txnId: number): SettlementObservationRecord[] {
    return this.settlement.observations(txnId);
  }
  /** Commit right before an 0800/951 goes out (1 to 8 transactions); returns the inquiry's id. */
  settlementInquiryAttempt(stan: string, txns: readonly { txnId: number; rrn: string }[]): number {
    return this.settlement.inquiryAttempt(stan, txns);
  }
  /** Commit right after the answer (or its absence): the result and the observations appended. */
  settlementInquiryResult(
    inquiryId: number,
    result: string,
    observations: readonly (NewSettlementObservation & { txnId: number })[] = [],
  ): void {
    this.settlement.inquiryResult(inquiryId, result, observations);
  }
  /** Wall times of the settlement inquiries sent at or after `sinceWall` (the hourly ceiling). */
  settlementInquiriesSince(sinceWall: number): number[] {
    return this.settlement.inquiriesSince(sinceWall);
  }

  // ---- transactions ----

  /**
   * Commits a new transaction before anything is sent. Reversible kinds (purchase, void) start
   * as 'reversal-pending' with reason 06, so a crash from here on leaves a reversal to send;
   * others start as 'pending'. Allocates the STAN in the same commit unless given.
   */
  begin(txn: NewTxn): TxnRecord {
    return this.txns.begin(txn);
  }
  /** Commit when the request's bytes go out (right before the write). Once. */
  markSent(id: number): TxnRecord {
    return this.txns.markSent(id);
  }
  /** Abandons a request whose bytes never went out (e.g. the connection failed). */
  abort(id: number): TxnRecord {
    return this.txns.abort(id);
  }
  /** The host answered (approved with 00, declined otherwise): no reversal needed. */
  recordAnswer(id: number, answer: Answer): TxnRecord {
    return this.txns.recordAnswer(id, answer);
  }
  /** No valid answer ('98' timeout, 'A0' bad MAC): reversible requests become pending reversals. */
  recordNoAnswer(id: number, reason: Exclude<ReversalReason, '06'>): TxnRecord {
    return this.txns.recordNoAnswer(id, reason);
  }
  /**
   * The terminal gives up on a sent reversible request (card pulled, card declined after an
   * online approval ...): pending reversal with reason 06; the host's answer, if any, is kept.
   */
  recordTerminalAbort(id: number, answer?: Answer): TxnRecord {
    return this.txns.recordTerminalAbort(id, answer);
  }
  /** Commit right before each 0400 goes out; counts the attempt. */
  reversalAttempt(id: number): TxnRecord {
    return this.txns.reversalAttempt(id);
  }
  /** A reversal whose bytes never left (not an attempt): last result `not-sent: CAUSE`. */
  reversalNotSent(id: number, cause: string): TxnRecord {
    return this.txns.reversalNotSent(id, cause);
  }
  /** The 0410 (or null: no answer). 00 / 25 finish the reversal; anything else keeps it pending. */
  reversalResult(id: number, responseCode: string | null): TxnRecord {
    return this.txns.reversalResult(id, responseCode);
  }
  /** Run once at start-up before any new transaction: settles what the last run left in flight. */
  recoverAfterCrash(): RecoveryReport {
    return this.txns.recoverAfterCrash();
  }

  /**
   * What the terminal still owes the host, as counts (status, queue depth, settlement checks):
   * reversals due (as pendingReversals() lists them), advices pending and sent. Reads no rows.
   */
  owedCounts(): { reversals: number; advicesPending: number; advicesSent: number } {
    const reversals = this.ctx.guard(
      () =>
        (
          this.ctx
            .stmt(`SELECT count(*) AS n FROM txns WHERE state = 'reversal-pending' AND can_send = 0`)
            .get() as { n: number }
        ).n,
    );
    const open = this.queue.openCounts();
    return { reversals, advicesPending: open.pending, advicesSent: open.sent };
  }

  /** Reversals still due (oldest first), including those past the attempt limit: never dropped. */
  pendingReversals(): PendingReversal[] {
    return this.ctx.guard(() =>
      (
        this.ctx
          .stmt(
            `SELECT ${TXN_COLUMNS} FROM txns WHERE state = 'reversal-pending' AND can_send = 0 ORDER BY id`,
          )
          .all() as TxnRow[]
      ).map((row) => ({
        txn: toTxnRecord(row),
        reason: row.reversal_reason ?? '06',
        attempts: row.reversal_attempts,
        overLimit: row.reversal_attempts >= this.reversalLimit,
      })),
    );
  }

  get(id: number): TxnRecord | undefined {
    return this.ctx.guard(() => {
      const row = this.ctx.stmt(`SELECT ${TXN_COLUMNS} FROM txns WHERE id = ?`).get(id) as TxnRow | undefined;
      return row ? toTxnRecord(row) : undefined;
    });
  }

  /**
   * The transaction the till's request id names (not an aborted one: nothing of it left the
   * terminal), with the answer stored for it once it finished (JSON, masked), if any.
   */
  byTillId(tillId: string): { txn: TxnRecord; result: string | null } | undefined {
    return this.ctx.guard(() => {
      const row = this.ctx
        .stmt(
          `SELECT ${TXN_COLUMNS}, result_json FROM txns WHERE till_id = ? AND state <> 'aborted'
           ORDER BY id DESC LIMIT 1`,
        )
        .get(tillId) as (TxnRow & { result_json: string | null }) | undefined;
      return row ? { txn: toTxnRecord(row), result: row.result_json } : undefined;
    });
  }

  /**
   * Keeps the answer the till was given with its transaction: JSON of a result that holds no
   * card data (a masked PAN at most; the caller's duty, see runtime/TillRequests).
   */
  storeResult(id: number, resultJson: string): void {
    this.ctx.atomic(() => this.ctx.stmt('UPDATE txns SET result_json = ? WHERE id = ?').run(resultJson, id));
  }

  byRrn(rrn: string): TxnRecord | undefined {
    return this.ctx.guard(() => {
      const row = this.ctx
        .stmt(`SELECT ${TXN_COLUMNS} FROM txns WHERE rrn = ? ORDER BY id DESC LIMIT 1`)
        .get(rrn) as TxnRow | undefined;
      return row ? toTxnRecord(row) : undefined;
    });
  }

  /**
   * What was done against an original (batch + STAN): the total and count of its refunds that
   * were approved or whose outcome is not known (pending, sent, no answer), and the count of its
   * voids approved or not finished (a void being reversed still counts until it is reversed).
   * Declined, aborted and reversed ones do not count.
   */
  originalUsage(original: { batch: string; stan: string }): {
    refundedMinor: number;
    refunds: number;
    voids: number;
  } {
    return this.ctx.guard(() => {
      const r = this.ctx
        .stmt(
          `SELECT
             coalesce(sum(CASE WHEN kind = 'refund' THEN amount_minor END), 0) AS refunded,
             count(CASE WHEN kind = 'refund' THEN 1 END) AS refunds,
             count(CASE WHEN kind = 'void' THEN 1 END) AS voids
           FROM txns WHERE orig_batch = ? AND orig_stan = ?
             AND ((kind = 'refund' AND state IN ('approved', 'pending', 'sent', 'no-answer'))
               OR (kind = 'void' AND state IN ('approved', 'pending', 'sent', 'reversal-pending')))`,
        )
        .get(original.batch, original.stan) as { refunded: number; refunds: number; voids: number };
      return { refundedMinor: r.refunded, refunds: r.refunds, voids: r.voids };
    });
  }

  /** Newest first. */
  listTransactions(filter: TxnFilter = {}): TxnRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.batch !== undefined) {
      where.push(IN_BATCH_SQL); // by id range: no index on batch (migration 8)
      args.push(...inBatch(filter.batch));
    }
    for (const col of ['state', 'kind'] as const) {
      if (filter[col] === undefined) continue;
      where.push(`t.${col} = ?`);
      args.push(filter[col]);
    }
    const wanted = Number.isFinite(filter.limit) ? Math.trunc(filter.limit as number) : 1000;
    const limit = Math.max(1, Math.min(wanted, 100_000));
    const sql = `SELECT ${TXN_COLUMNS} FROM txns t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.id DESC LIMIT ${limit}`;
    return this.ctx.guard(() => (this.ctx.stmt(sql).all(...args) as TxnRow[]).map(toTxnRecord));
  }

  /** Stored content of a transaction's request (for its reversal); card data decrypted. */
  requestOf(id: number): StoredRequest {
    return this.ctx.guard(() => {
      const row = this.ctx.stmt('SELECT fields_json, card_blob FROM txns WHERE id = ?').get(id) as
        | { fields_json: string; card_blob: Buffer | null }
        | undefined;
      if (!row) throw new PosError('JOURNAL_NOT_FOUND', 'no such transaction', { key: txnRecordId(id) });
      const rid = txnRecordId(id);
      return {
        fields: parseFields(row.fields_json, rid),
        card: row.card_blob ? this.ctx.vault.open(rid, row.card_blob) : null,
      };
    });
  }

  /**
   * Batch totals for settlement field 48: debits are approved purchases and offline sales not
   * voided (offline sales refused by the host are out); credits are approved refunds.
   */
  totals(batch: string = this.currentBatch()): BatchTotals {
    return this.ctx.guard(() => this.batches.totalsInTxn(batch));
  }

  // ---- store-and-forward ----

  /** Records an offline approval and queues its 0220 advice, in one commit. */
  enqueueAdvice(input: NewAdvice): { txn: TxnRecord; advice: AdviceRecord } {
    return this.queue.enqueue(input);
  }
  /** Commit before each send of the advice. */
  adviceAttempt(id: number): AdviceRecord {
    return this.queue.attempt(id);
  }
  /** An advice whose bytes never left (not an attempt): last result `not-sent: CAUSE`. */
  adviceNotSent(id: number, cause: string): AdviceRecord {
    return this.queue.notSent(id, cause);
  }
  /** The 0230 (or null: no answer). 00 / 94 finish it; other codes: refused after the fact. */
  adviceResult(id: number, answer: Answer | null): AdviceRecord {
    return this.queue.result(id, answer);
  }
  getAdvice(id: number): AdviceRecord | undefined {
    return this.queue.get(id);
  }
  adviceRequest(id: number): StoredRequest {
    return this.queue.requestOf(id);
  }
  listQueue(state?: AdviceState): AdviceRecord[] {
    return this.queue.list(state);
  }
  offlineTotals(): OfflineTotals {
    return this.queue.offlineTotals();
  }

  /** What to send next: pending reversals first (oldest first), then advices oldest first. */
  nextToForward(): ForwardItem | undefined {
    const rev = this.pendingReversals()[0];
    if (rev) {
      return {
        type: 'reversal',
        txn: rev.txn,
        reason: rev.reason,
        overLimit: rev.overLimit,
        request: this.requestOf(rev.txn.id),
      };
    }
    const adv = this.queue.next();
    if (!adv) return undefined;
    return { type: 'advice', ...adv, overLimit: adv.advice.attempts >= this.adviceLimit };
  }

  // ---- hygiene ----

  /**
   * Deletes the encrypted card data of every finished transaction and advice (only the masked
   * PAN stays) and the batch-upload PANs of closed batches (those of open batches stay until
   * they close), then checkpoints and truncates the WAL so nothing lingers in it.
   */
  purge(): { txns: number; advices: number; uploadCards: number; walTruncated: boolean } {
    const counts = this.ctx.atomic(() => ({
      txns: this.ctx
        .stmt(
          `UPDATE txns SET card_blob = NULL WHERE card_blob IS NOT NULL
             AND state NOT IN ('pending', 'sent', 'reversal-pending')`,
        )
        .run().changes,
      advices: this.ctx
        .stmt(
          `UPDATE advices SET card_blob = NULL WHERE card_blob IS NOT NULL AND state IN ('done', 'refused')`,
        )
        .run().changes,
      // batch-upload PANs stay until their batch closes (or the transaction no longer counts)
      uploadCards: this.batches.purgeInTxn(),
    }));
    const cp = this.ctx.guard(
      () => this.ctx.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[],
    );
    // busy: another connection kept the WAL from being truncated; the next purge retries
    return { ...counts, walTruncated: cp[0]?.busy === 0 && cp[0]?.log === 0 };
  }

  /**
   * For diagnostics: does the key open the stored card data? Tries the newest sealed records
   * (up to 3). 'unverifiable' when none is stored; 'mismatch' when none of them opens.
   */
  keyCheck(): { status: 'ok' | 'unverifiable' | 'mismatch'; checked: number } {
    return this.ctx.guard(() => {
      const rows = this.ctx
        .stmt(
          `SELECT * FROM (SELECT 'txn:' || id AS rid, card_blob FROM txns WHERE card_blob IS NOT NULL
             ORDER BY id DESC LIMIT 3)
           UNION ALL SELECT * FROM (SELECT 'advice:' || id, card_blob FROM advices WHERE card_blob IS NOT NULL
             ORDER BY id DESC LIMIT 3)
           LIMIT 3`,
        )
        .all() as { rid: string; card_blob: Buffer }[];
      if (rows.length === 0) return { status: 'unverifiable', checked: 0 };
      for (const r of rows) {
        try {
          this.ctx.vault.open(r.rid, r.card_blob);
          return { status: 'ok', checked: rows.length };
        } catch {
          // try the next one: a single bad record is not a wrong key
        }
      }
      return { status: 'mismatch', checked: rows.length };
    });
  }

  /** Bytes free for an unprivileged writer on the journal's filesystem (statfs). */
  freeBytes(): number {
    return freeBytesOf(this.ctx.db.name);
  }

  /**
   * The database's size cap in pages (PRAGMA max_page_count, this connection only): read it, or
   * set it first (SQLite never sets it below the current size). Only the test-only fault hook
   * (journalFaults.ts) sets it, to make the next writes that need a new page fail SQLITE_FULL.
   */
  pageLimit(max?: number): { pages: number; max: number } {
    return this.ctx.guard(() => {
      if (max !== undefined) this.ctx.db.pragma(`max_page_count = ${Math.floor(max)}`);
      return {
        pages: this.ctx.db.pragma('page_count', { simple: true }) as number,
        max: this.ctx.db.pragma('max_page_count', { simple: true }) as number,
      };
    });
  }

  /** SQLite's quick_check, for diagnostics. */
  quickCheck(): { ok: boolean; messages: string[] } {
    return this.ctx.guard(() => {
      const rows = this.ctx.db.pragma('quick_check') as { quick_check: string }[];
      const messages = rows.map((r) => r.quick_check);
      return { ok: messages.length === 1 && messages[0] === 'ok', messages };
    });
  }
}

/** Bytes free for an unprivileged writer on the filesystem of `path` (statfs of its directory). */
function freeBytesOf(path: string): number {
  const st = statfsSync(dirname(path));
  return st.bavail * st.bsize;
}

/** What Journal.open reports: which file, and what to do about it. */
function openError(err: PosError, path: string, cause: unknown): PosError {
  const ctx = { ...err.context, file: path };
  if (err.code === 'JOURNAL_BUSY')
    return new PosError('JOURNAL_LOCKED', `journal ${path} is in use by another process`, ctx, { cause });
  if (err.code === 'JOURNAL_DB_CORRUPT') return journalCorrupt(path, ctx, cause);
  if (err.code === 'JOURNAL_IO')
    return new PosError('JOURNAL_OPEN', `cannot open the journal ${path}`, ctx, { cause });
  return err;
}
