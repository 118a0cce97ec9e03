import { PosError } from '../errors.js';
import type { Counters } from './Counters.js';
import type { JournalContext } from './JournalContext.js';
import { adviceRecordId, checkDigits, stepNow, txnRecordId } from './records.js';
import type { BatchInfo, BatchState, BatchTotals, UploadEntry } from './types.js';

const pad6 = (n: number) => String(n).padStart(6, '0');

/** AAD of a batch-upload PAN: its own record id, so a transaction's blob does not open here. */
export const uploadRecordId = (txnId: number) => `upload:${txnId}`;

/** The transactions settlement field 48 counts (and a batch upload carries), as SQL on `txns t`. */
export const COUNTED_SQL = `((t.kind IN ('purchase', 'offline-sale') AND t.state IN ('approved', 'offline-approved')
  AND t.voided = 0) OR (t.kind = 'refund' AND t.state = 'approved'))`;

/**
 * The rows of one batch, as SQL on `txns t` (three parameters, each the batch): ids from the
 * batch's first span to the end of its last one (batch_spans, migration 8), and of that batch
 * (a number used again has spans far apart; rows of other batches between them are left out).
 */
export const IN_BATCH_SQL = `t.id BETWEEN (SELECT min(first_id) FROM batch_spans WHERE batch = ?)
  AND (SELECT coalesce(min(n.first_id) - 1, 9223372036854775807) FROM batch_spans n
    WHERE n.first_id > (SELECT max(first_id) FROM batch_spans WHERE batch = ?))
  AND t.batch = ?`;

/** The parameters of IN_BATCH_SQL. */
export const inBatch = (batch: string) => [batch, batch, batch];

/**
 * Batches: their settlement state, the batch number the host handed while a batch was open, and
 * what a batch upload needs (the PAN of each counted transaction, sealed, until the batch
 * closes). Methods that end in `InTxn` must run inside `ctx.atomic`.
 */
export class BatchStore {
  constructor(
    private readonly ctx: JournalContext,
    private readonly counters: Counters,
  ) {}

  /**
   * The sealed PAN a batch upload may need, for the transaction's own row (own record id
   * 'upload:<txn id>'). The caller writes it in the same statement that changes the row
   * otherwise: a second UPDATE could first grow the row past the page (an overflow page
   * allocated) and then shrink it (freed), two more pages in the commit.
   */
  sealUploadPan(txnId: number, pan: string): Buffer {
    return this.ctx.vault.seal(uploadRecordId(txnId), { pan });
  }

  /** Same, with the PAN taken from the transaction's own sealed card data (before it is dropped). */
  sealUploadPanOfTxn(txnId: number, cardBlob: Buffer | null): Buffer | null {
    if (!cardBlob) return null;
    return this.sealUploadPan(txnId, this.ctx.vault.open(txnRecordId(txnId), cardBlob).pan);
  }

  state(batch: string): BatchState {
    return this.ctx.guard(() => this.stateInTxn(batch));
  }

  stateInTxn(batch: string): BatchState {
    const row = this.ctx.stmt('SELECT state FROM batches WHERE batch = ?').get(batch) as
      | { state: BatchState }
      | undefined;
    return row?.state ?? 'open';
  }

  /** Commit right before each 0500 of the batch goes out. */
  settlementAttempt(batch: string): void {
    checkDigits(batch, 6, 'batch');
    const t = stepNow(this.ctx.clock);
    this.ctx.atomic(() => {
      const state = this.stateInTxn(batch);
      if (state === 'closed' || state === 'uploading') {
        throw new PosError('JOURNAL_ILLEGAL_TRANSITION', `settlement not allowed in batch state ${state}`, {
          key: `batch:${batch}`,
          state,
          action: 'settle',
        });
      }
      this.ctx
        .stmt(
          `INSERT INTO batches (batch, state, settle_attempts, settle_wall, settle_mono) VALUES (?, 'settling', 1, ?, ?)
           ON CONFLICT (batch) DO UPDATE SET settle_attempts = settle_attempts + 1, settle_wall = excluded.settle_wall,
             settle_mono = excluded.settle_mono`,
        )
        .run(batch, t.wallMs, t.monoMs);
    });
  }

  /** The 0510 said 2 (unbalanced): a batch upload of `total` entries is due. */
  uploadDue(batch: string, reconciliation: string, total: number): void {
    this.ctx.atomic(() => {
      this.ctx
        .stmt(
          `UPDATE batches SET state = 'uploading', reconciliation = ?, upload_total = ? WHERE batch = ? AND state = 'settling'`,
        )
        .run(reconciliation, total, batch);
    });
  }

  /**
   * The counted transactions of a batch, oldest first, with their PAN (decrypted) when kept: the
   * row's own upload PAN, or, for an offline sale whose advice is still open (no upload PAN yet),
   * the advice's card data. `openAdvicesFrom`: no open advice has a smaller id (AdviceQueue);
   * an advice's id is never larger than its transaction's (both taken in one commit).
   */
  uploadEntries(batch: string, openAdvicesFrom = 1): UploadEntry[] {
    return this.ctx.guard(() => {
      const rows = this.ctx
        .stmt(
          `SELECT t.id, t.stan, t.amount_minor, t.kind, t.upload_pan_blob AS pan_blob, a.id AS advice_id,
             a.card_blob AS advice_blob,
             ((t.upload_pan_blob IS NOT NULL OR a.card_blob IS NOT NULL) AND t.uploaded = 1) AS uploaded
           FROM txns t LEFT JOIN advices a ON t.upload_pan_blob IS NULL AND t.state = 'offline-approved'
             AND a.id BETWEEN ? AND t.id AND a.txn_id = t.id
           WHERE ${IN_BATCH_SQL} AND ${COUNTED_SQL} ORDER BY t.id`,
        )
        .all(openAdvicesFrom, ...inBatch(batch)) as {
        id: number;
        stan: string;
        amount_minor: number;
        kind: string;
        pan_blob: Buffer | null;
        advice_id: number | null;
        advice_blob: Buffer | null;
        uploaded: number;
      }[];
      return rows.map((r) => ({
        txnId: r.id,
        stan: r.stan,
        amountMinor: r.amount_minor,
        credit: r.kind === 'refund',
        pan: r.pan_blob
          ? this.ctx.vault.open(uploadRecordId(r.id), r.pan_blob).pan
          : r.advice_blob && r.advice_id !== null
            ? this.ctx.vault.open(adviceRecordId(r.advice_id), r.advice_blob).pan
            : null,
        uploaded: r.uploaded === 1,
      }));
    });
  }

  /** An 0330 acknowledged the 0320 that carried these transactions. */
  markUploaded(txnIds: readonly number[]): void {
    this.ctx.atomic(() => {
      // an offline sale not yet forwarded has its PAN in its advice (see uploadEntries)
      const s = this.ctx.stmt(
        `UPDATE txns SET uploaded = 1 WHERE id = ? AND (upload_pan_blob IS NOT NULL OR state = 'offline-approved')`,
      );
      for (const id of txnIds) s.run(id);
    });
  }

  /**
   * Closes a batch (balanced, or batch upload finished): its upload PANs are erased in the same
   * commit. When it is the open batch, the next one opens: the number the host handed, if any,
   * else the next number (999999 wraps to 000001). Returns the batch open afterwards.
   */
  close(batch: string): string {
    checkDigits(batch, 6, 'batch');
    const t = stepNow(this.ctx.clock);
    return this.ctx.atomic(() => {
      this.ctx
        .stmt(
          `INSERT INTO batches (batch, state, closed_wall, closed_mono) VALUES (?, 'closed', ?, ?)
           ON CONFLICT (batch) DO UPDATE SET state = 'closed', closed_wall = excluded.closed_wall,
             closed_mono = excluded.closed_mono`,
        )
        .run(batch, t.wallMs, t.monoMs);
      this.ctx
        .stmt(
          `UPDATE txns AS t SET upload_pan_blob = NULL, uploaded = 0
           WHERE ${IN_BATCH_SQL} AND t.upload_pan_blob IS NOT NULL`,
        )
        .run(...inBatch(batch));
      const current = this.counters.read('batch');
      if (pad6(current) !== batch) return pad6(current);
      const host = this.counters.read('host_batch');
      const next = host > 0 && host !== current ? host : current >= 999999 || current < 1 ? 1 : current + 1;
      this.openInTxn(next);
      return pad6(next);
    });
  }

  /**
   * The host handed `batch` in an 0810. Switches at once when the open batch has no
   * transaction at all (and no settlement under way); otherwise remembers it for when the open
   * batch closes, so that every transaction is settled under the batch number it was made in.
   */
  hostBatch(batch: string): 'same' | 'switched' | 'deferred' {
    const value = Number(checkDigits(batch, 6, 'batch'));
    if (value === 0) throw new PosError('JOURNAL_BAD_INPUT', 'batch 000000 is not valid', { field: 'batch' });
    return this.ctx.atomic(() => {
      const current = this.counters.read('batch');
      if (value === current) {
        this.ctx.stmt(`UPDATE counters SET value = 0 WHERE name = 'host_batch'`).run();
        return 'same';
      }
      const used =
        this.ctx.stmt(`SELECT 1 FROM txns t WHERE ${IN_BATCH_SQL} LIMIT 1`).get(...inBatch(pad6(current))) !==
        undefined;
      if (used || this.stateInTxn(pad6(current)) !== 'open') {
        this.ctx.stmt(`UPDATE counters SET value = ? WHERE name = 'host_batch'`).run(value);
        return 'deferred';
      }
      this.openInTxn(value);
      return 'switched';
    });
  }

  /** The batch number the host handed that waits for the open batch to close. */
  pendingHostBatch(): string | undefined {
    return this.ctx.guard(() => {
      const v = this.counters.read('host_batch');
      return v > 0 ? pad6(v) : undefined;
    });
  }

  /**
   * Batches not settled yet, oldest first: every batch with counted transactions (or a
   * settlement under way) that is not closed, and always the open batch (last).
   */
  unsettled(): BatchInfo[] {
    return this.ctx.guard(() => {
      const current = pad6(this.counters.read('batch'));
      const rows = this.ctx
        .stmt(
          // the spans of the batches not closed, not the whole table (every row of a batch lies in
          // one of its spans)
          `SELECT s.batch AS batch, coalesce(b.state, 'open') AS state, min(t.id) AS first,
             sum(${COUNTED_SQL}) AS counted
           FROM batch_spans s LEFT JOIN batches b ON b.batch = s.batch
             JOIN txns t ON t.id >= s.first_id AND t.id < coalesce(
               (SELECT min(n.first_id) FROM batch_spans n WHERE n.first_id > s.first_id), 9223372036854775807)
               AND t.batch = s.batch
           WHERE coalesce(b.state, 'open') <> 'closed'
           GROUP BY s.batch ORDER BY first`,
        )
        .all() as { batch: string; state: BatchState; counted: number }[];
      const out: BatchInfo[] = rows
        .filter((r) => r.batch !== current && (r.counted > 0 || r.state !== 'open'))
        .map((r) => ({ batch: r.batch, state: r.state, current: false, totals: this.totalsInTxn(r.batch) }));
      out.push({
        batch: current,
        state: this.stateInTxn(current),
        current: true,
        totals: this.totalsInTxn(current),
      });
      return out;
    });
  }

  /** Settlement field 48 figures of a batch (see Journal.totals). */
  totalsInTxn(batch: string): BatchTotals {
    const r = this.ctx
      .stmt(
        `SELECT
           sum(t.kind IN ('purchase', 'offline-sale') AND ${COUNTED_SQL}) AS dn,
           sum(CASE WHEN t.kind IN ('purchase', 'offline-sale') AND ${COUNTED_SQL} THEN t.amount_minor ELSE 0 END) AS da,
           sum(t.kind = 'refund' AND ${COUNTED_SQL}) AS cn,
           sum(CASE WHEN t.kind = 'refund' AND ${COUNTED_SQL} THEN t.amount_minor ELSE 0 END) AS ca
         FROM txns t WHERE ${IN_BATCH_SQL}`,
      )
      .get(...inBatch(batch)) as {
      dn: number | null;
      da: number | null;
      cn: number | null;
      ca: number | null;
    };
    return {
      batch,
      debitCount: r.dn ?? 0,
      debitAmountMinor: r.da ?? 0,
      creditCount: r.cn ?? 0,
      creditAmountMinor: r.ca ?? 0,
    };
  }

  /** Erases upload PANs no batch upload can need: closed batches, transactions no longer counted. */
  purgeInTxn(): number {
    return this.ctx
      .stmt(
        `UPDATE txns AS t SET upload_pan_blob = NULL, uploaded = 0 WHERE t.upload_pan_blob IS NOT NULL
           AND (t.batch IN (SELECT batch FROM batches WHERE state = 'closed') OR NOT ${COUNTED_SQL})`,
      )
      .run().changes;
  }

  private openInTxn(value: number): void {
    this.counters.setBatchInTxn(value);
    this.ctx.stmt(`UPDATE counters SET value = 0 WHERE name = 'host_batch'`).run();
    // a number used before (wrap-around, or a host handing an old one) opens afresh
    this.ctx.stmt('DELETE FROM batches WHERE batch = ?').run(pad6(value));
  }
}
