/**
 * Settlement tracking in the journal (migration 5): the append-only observations of the host's
 * 951 records per transaction, the 0800/951 inquiries sent (committed before they go out), and
 * the list of transactions being tracked. No card data: a masked PAN at most.
 */
import { PosError } from '../errors.js';
import type { JournalContext } from './JournalContext.js';
import type { NewSettlementObservation, SettlementObservationRecord, TrackedTxn, TxnKind } from './types.js';

interface ObservationRow {
  id: number;
  txn_id: number;
  rrn: string;
  learnt_wall: number;
  status: string;
  mode: string;
  expected_arrival: string | null;
  cleared_at: string | null;
  arrived_at: string | null;
  delay_reason: string;
  record: string;
}

interface TrackedRow {
  id: number;
  rrn: string;
  kind: TxnKind;
  approval_mode: 'online' | 'offline';
  amount_minor: number;
  masked_pan: string | null;
  batch: string;
  created_wall: number;
  answered_wall: number | null;
  settle_asked_wall: number | null;
  adv_created: number | null;
  adv_finished: number | null;
  batch_settled: number | null;
  obs_id: number | null;
}

const OBS_COLUMNS = `id, txn_id, rrn, learnt_wall, status, mode, expected_arrival, cleared_at, arrived_at,
  delay_reason, record`;

function toObservation(r: ObservationRow): SettlementObservationRecord {
  return {
    id: r.id,
    txnId: r.txn_id,
    rrn: r.rrn,
    learntAt: r.learnt_wall,
    status: r.status,
    mode: r.mode,
    expectedArrival: r.expected_arrival,
    clearedAt: r.cleared_at,
    arrivedAt: r.arrived_at,
    delayReason: r.delay_reason,
    record: r.record,
  };
}

/**
 * Approved sales with an RRN (the partial index txns_settle_tracked), newest observation joined.
 * advices has no index on txn_id (each index costs flash writes per offline sale, issue 13), so
 * its subqueries scan it: only for offline sales, the only ones with an advice.
 */
const TRACKED_SQL = `
  SELECT t.id, t.rrn, t.kind, t.approval_mode, t.amount_minor, t.masked_pan, t.batch, t.created_wall,
    t.answered_wall, t.settle_asked_wall,
    CASE WHEN t.approval_mode = 'offline' THEN
      (SELECT a.created_wall FROM advices a WHERE a.txn_id = t.id ORDER BY a.id LIMIT 1) END AS adv_created,
    CASE WHEN t.approval_mode = 'offline' THEN
      (SELECT a.finished_wall FROM advices a WHERE a.txn_id = t.id AND a.state = 'done' ORDER BY a.id LIMIT 1)
      END AS adv_finished,
    (SELECT coalesce(b.settle_wall, b.closed_wall) FROM batches b
       WHERE b.batch = t.batch AND b.state IN ('uploading', 'closed')) AS batch_settled,
    (SELECT max(o.id) FROM settlement_observations o WHERE o.txn_id = t.id) AS obs_id
  FROM txns t
  WHERE t.rrn IS NOT NULL AND t.state = 'approved' AND t.kind IN ('purchase', 'offline-sale')
    AND t.voided = 0 AND t.created_wall >= ?`;

export class SettlementStore {
  constructor(private readonly ctx: JournalContext) {}

  /**
   * Transactions created at or after `sinceWall` (oldest first): those whose money has not
   * arrived (latest status not A), or all of them with `includeArrived`.
   */
  tracked(sinceWall: number, includeArrived = false): TrackedTxn[] {
    return this.ctx.guard(() => {
      const sql = `${TRACKED_SQL}${includeArrived ? '' : ` AND coalesce(t.settle_status, '') <> 'A'`} ORDER BY t.id`;
      const rows = this.ctx.stmt(sql).all(sinceWall) as TrackedRow[];
      const byId = this.ctx.stmt(`SELECT ${OBS_COLUMNS} FROM settlement_observations WHERE id = ?`);
      return rows.map((r) => {
        const offline = r.approval_mode === 'offline';
        const out: TrackedTxn = {
          txnId: r.id,
          rrn: r.rrn,
          kind: r.kind,
          approvalMode: r.approval_mode,
          amountMinor: r.amount_minor,
          maskedPan: r.masked_pan,
          batch: r.batch,
          authorisedAt: offline ? r.created_wall : (r.answered_wall ?? r.created_wall),
        };
        if (offline) {
          out.queuedOffline = {
            from: r.adv_created ?? r.created_wall,
            ...(r.adv_finished !== null ? { forwardedAt: r.adv_finished } : {}),
          };
        }
        if (r.batch_settled !== null) out.batchSettledAt = r.batch_settled;
        if (r.settle_asked_wall !== null) out.askedAt = r.settle_asked_wall;
        if (r.obs_id !== null) out.latest = toObservation(byId.get(r.obs_id) as ObservationRow);
        return out;
      });
    });
  }

  /** Every observation of one transaction, in the order learnt. */
  observations(txnId: number): SettlementObservationRecord[] {
    return this.ctx.guard(() =>
      (
        this.ctx
          .stmt(`SELECT ${OBS_COLUMNS} FROM settlement_observations WHERE txn_id = ? ORDER BY id`)
          .all(txnId) as ObservationRow[]
      ).map(toObservation),
    );
  }

  /**
   * One commit right before an 0800/951 goes out: the inquiry row, and each transaction's
   * "asked at" (so a restart does not ask again at once). Returns the inquiry's id.
   */
  inquiryAttempt(stan: string, txns: readonly { txnId: number; rrn: string }[]): number {
    if (txns.length < 1 || txns.length > 8) {
      throw new PosError('JOURNAL_BAD_INPUT', 'a settlement inquiry asks about 1 to 8 transactions', {
        key: 'rrns',
      });
    }
    const now = this.ctx.clock.now();
    return this.ctx.atomic(() => {
      const id = this.ctx
        .stmt(`INSERT INTO settlement_inquiries (stan, rrns, sent_wall) VALUES (?, ?, ?) RETURNING id`)
        .get(stan, txns.map((t) => t.rrn).join(','), now) as { id: number };
      const asked = this.ctx.stmt('UPDATE txns SET settle_asked_wall = ? WHERE id = ?');
      for (const t of txns) asked.run(now, t.txnId);
      return id.id;
    });
  }

  /**
   * The answer to an inquiry, in one commit: its result and the observations (appended; each
   * transaction's latest status follows the newest one).
   */
  inquiryResult(
    inquiryId: number,
    result: string,
    observations: readonly (NewSettlementObservation & { txnId: number })[] = [],
  ): void {
    this.ctx.atomic(() => {
      const changed = this.ctx
        .stmt('UPDATE settlement_inquiries SET result = ? WHERE id = ?')
        .run(result, inquiryId).changes;
      if (changed !== 1) {
        throw new PosError('JOURNAL_NOT_FOUND', 'no such settlement inquiry', {
          key: `settlement_inquiry:${inquiryId}`,
        });
      }
      const add = this.ctx.stmt(
        `INSERT INTO settlement_observations (txn_id, rrn, learnt_wall, status, mode, expected_arrival,
           cleared_at, arrived_at, delay_reason, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const status = this.ctx.stmt('UPDATE txns SET settle_status = ? WHERE id = ?');
      for (const o of observations) {
        add.run(
          o.txnId,
          o.rrn,
          o.learntAt,
          o.status,
          o.mode,
          o.expectedArrival,
          o.clearedAt,
          o.arrivedAt,
          o.delayReason,
          o.record,
        );
        status.run(o.status, o.txnId);
      }
    });
  }

  /** Wall times of the inquiries sent at or after `sinceWall`, oldest first (the hourly ceiling). */
  inquiriesSince(sinceWall: number): number[] {
    return this.ctx.guard(() =>
      (
        this.ctx
          .stmt('SELECT sent_wall FROM settlement_inquiries WHERE sent_wall >= ? ORDER BY sent_wall')
          .all(sinceWall) as { sent_wall: number }[]
      ).map((r) => r.sent_wall),
    );
  }
}
