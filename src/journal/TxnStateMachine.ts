import { PosError } from '../errors.js';
import { maskPan } from '../mask.js';
import type { AdviceQueue } from './AdviceQueue.js';
import { type BatchStore, IN_BATCH_SQL, inBatch } from './BatchStore.js';
import { checkCardData } from './CardVault.js';
import { type Counters, LAST_STAN_COLUMNS, type LastStanRow } from './Counters.js';
import type { JournalContext } from './JournalContext.js';
import {
  checkAmount,
  checkAnswer,
  checkClearFields,
  checkDigits,
  checkTillId,
  notSentResult,
  RESPONSE_CODE,
  stepNow,
  TXN_COLUMNS,
  type TxnRow,
  toTxnRecord,
  txnRecordId,
} from './records.js';
import {
  type Answer,
  type NewTxn,
  REVERSIBLE_KINDS,
  type RecoveryReport,
  type ReversalReason,
  type TxnRecord,
  type TxnState,
} from './types.js';

const KINDS = new Set(['purchase', 'void', 'refund', 'inquiry']);
/** The batch, the new id and the last STAN, in one statement (built once, see AdviceQueue). */
const NEXT_ID_SQL = `SELECT (SELECT printf('%06d', value) FROM counters WHERE name = 'batch') AS batch,
  (SELECT coalesce(max(id), 0) + 1 FROM txns) AS id, ${LAST_STAN_COLUMNS}`;
/** 0410 codes that finish a reversal (25: the original never reached the host). */
const REVERSAL_DONE = new Set(['00', '25']);

/**
 * The transaction state machine (see docs/journal.md for the table). Each method checks the
 * current state and applies the change in one committed SQLite transaction; an illegal step
 * throws JOURNAL_ILLEGAL_TRANSITION and changes nothing.
 */
export class TxnStateMachine {
  constructor(
    private readonly ctx: JournalContext,
    private readonly counters: Counters,
    private readonly queue: AdviceQueue,
    private readonly batches?: BatchStore,
  ) {}

  /**
   * Commits a new transaction before anything is sent. Reversible kinds (purchase, void) start
   * as 'reversal-pending' with reason 06, so a crash from here on leaves a reversal to send;
   * others start as 'pending'. Allocates the STAN in the same commit unless given.
   */
  begin(txn: NewTxn): TxnRecord {
    if (!KINDS.has(txn?.kind))
      throw new PosError('JOURNAL_BAD_INPUT', 'unknown transaction kind', { field: 'kind' });
    const amount = checkAmount(txn.amountMinor);
    const card = txn.card === undefined ? undefined : checkCardData(txn.card);
    const fields = checkClearFields(txn.fields, card?.pan);
    if (txn.stan !== undefined) checkDigits(txn.stan, 6, 'stan');
    const orig = txn.original;
    if (orig !== undefined) {
      checkDigits(orig.batch, 6, 'original.batch');
      checkDigits(orig.stan, 6, 'original.stan');
      if (orig.date !== undefined) checkDigits(orig.date, 4, 'original.date');
    }
    const reversible = REVERSIBLE_KINDS.includes(txn.kind);
    const tillId = txn.tillId === undefined ? undefined : checkTillId(txn.tillId);
    const { ctx } = this;
    const id = ctx.atomic(() => {
      // the id is taken inside the write lock so the card data is sealed to it in the same INSERT;
      // one statement for the batch, the id and the last STAN
      const next = ctx.stmt(NEXT_ID_SQL).get() as { batch: string; id: number } & LastStanRow;
      // a STAN taken here is recorded by the row itself (stan_alloc), not in the counters page
      const stan = txn.stan ?? this.counters.stanAfter(next);
      if (fields[11] !== undefined && fields[11] !== stan) {
        throw new PosError('JOURNAL_BAD_INPUT', 'field 11 differs from the transaction STAN', { field: 11 });
      }
      const t = stepNow(ctx.clock);
      ctx
        .stmt(
          `INSERT INTO txns (id, kind, state, approval_mode, amount_minor, currency, stan, batch, masked_pan, entry_mode,
             orig_batch, orig_stan, orig_date, reversal_reason, fields_json, card_blob, created_wall, created_mono,
             till_id, stan_alloc)
           VALUES (?, ?, ?, 'online', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          next.id,
          txn.kind,
          reversible ? 'reversal-pending' : 'pending',
          amount,
          txn.currency ?? null,
          stan,
          next.batch,
          card ? maskPan(card.pan) : null,
          txn.entryMode ?? null,
          orig?.batch ?? null,
          orig?.stan ?? null,
          orig?.date ?? null,
          reversible ? '06' : null,
          JSON.stringify({ ...fields, 11: stan }),
          card ? ctx.vault.seal(txnRecordId(next.id), card) : null,
          t.wallMs,
          t.monoMs,
          tillId ?? null,
          txn.stan === undefined ? 1 : 0,
        );
      return next.id;
    });
    return this.mustGet(id);
  }

  /**
   * Commit when the request's bytes go out (right before or right after the write: begin has
   * already armed the reversal). Only once per transaction.
   *
   * Not fsynced by itself (issue 13: two fsyncs per purchase, not three): the outcome's commit
   * makes it durable. Its loss in a power cut changes nothing: crash recovery turns a row begun
   * and maybe sent (`reversal-pending` never sent, `pending`) into exactly what it makes of a
   * `sent` one (a reversal 06; `no-answer` for a refund or inquiry), so a request whose outcome
   * is unknown is still reversed. A process crash (no power cut) keeps it: its frames are in the
   * WAL file when this returns.
   */
  markSent(id: number): TxnRecord {
    return this.transition(
      id,
      'send',
      (row) => {
        if (row.can_send !== 1 || (row.state !== 'pending' && row.state !== 'reversal-pending')) return false;
        const t = stepNow(this.ctx.clock);
        this.ctx
          .stmt(
            `UPDATE txns SET state = 'sent', can_send = 0, attempts = attempts + 1, sent_wall = ?, sent_mono = ?
           WHERE id = ?`,
          )
          .run(t.wallMs, t.monoMs, id);
        return true;
      },
      true,
    );
  }

  /** Abandons a request whose bytes never went out (e.g. the connection failed). */
  abort(id: number): TxnRecord {
    return this.transition(id, 'abort', (row) => {
      if (row.can_send !== 1) return false;
      const t = stepNow(this.ctx.clock);
      this.ctx
        .stmt(
          `UPDATE txns SET state = 'aborted', can_send = 0, reversal_reason = NULL, card_blob = NULL,
             last_result = 'aborted', aborted_till_id = till_id, till_id = NULL, finished_wall = ?,
             finished_mono = ? WHERE id = ?`,
        )
        .run(t.wallMs, t.monoMs, id);
      return true;
    });
  }

  /** The host answered (approved with 00, declined otherwise): no reversal needed. */
  recordAnswer(id: number, answer: Answer): TxnRecord {
    const { responseCode: code, rrn, authCode } = checkAnswer(answer);
    return this.transition(id, 'answer', (row) => {
      if (row.state !== 'sent') return false;
      const approved = code === '00';
      const t = stepNow(this.ctx.clock);
      // a batch upload may need the PAN of an approved sale or refund until its batch closes;
      // written in the same statement that drops the card data (one rewrite of the row)
      const upload =
        approved && (row.kind === 'purchase' || row.kind === 'refund')
          ? (this.batches?.sealUploadPanOfTxn(id, this.cardBlob(id)) ?? null)
          : null;
      this.ctx
        .stmt(
          `UPDATE txns SET state = ?, response_code = ?, rrn = ?, auth_code = ?, last_result = ?,
             reversal_reason = NULL, card_blob = NULL, upload_pan_blob = ?, uploaded = 0, answered_wall = ?,
             answered_mono = ?, finished_wall = ?, finished_mono = ? WHERE id = ?`,
        )
        .run(
          approved ? 'approved' : 'declined',
          code,
          rrn,
          authCode,
          approved ? 'approved' : 'declined',
          upload,
          t.wallMs,
          t.monoMs,
          t.wallMs,
          t.monoMs,
          id,
        );
      if (approved && row.kind === 'void' && row.orig_batch && row.orig_stan) {
        this.ctx
          .stmt(
            `UPDATE txns AS t SET voided = 1 WHERE ${IN_BATCH_SQL} AND t.stan = ?
               AND t.kind IN ('purchase', 'offline-sale') AND t.id <> ?`,
          )
          .run(...inBatch(row.orig_batch), row.orig_stan, id);
      }
      return true;
    });
  }

  /**
   * No valid answer: '98' (timeout) or 'A0' (bad MAC). A reversible request becomes a pending
   * reversal with that reason; any other ends as 'no-answer'.
   */
  recordNoAnswer(id: number, reason: Exclude<ReversalReason, '06'>): TxnRecord {
    if (reason !== '98' && reason !== 'A0') {
      throw new PosError('JOURNAL_BAD_INPUT', 'no-answer reason must be 98 or A0', { field: 39 });
    }
    return this.transition(id, 'no-answer', (row) => {
      if (row.state !== 'sent') return false;
      const t = stepNow(this.ctx.clock);
      const result = reason === '98' ? 'timeout' : 'bad-mac';
      if (REVERSIBLE_KINDS.includes(row.kind)) {
        this.ctx
          .stmt(
            `UPDATE txns SET state = 'reversal-pending', reversal_reason = ?, last_result = ? WHERE id = ?`,
          )
          .run(reason, result, id);
      } else {
        this.ctx
          .stmt(
            `UPDATE txns SET state = 'no-answer', card_blob = NULL, last_result = ?, finished_wall = ?,
               finished_mono = ? WHERE id = ?`,
          )
          .run(result, t.wallMs, t.monoMs, id);
      }
      return true;
    });
  }

  /**
   * The terminal gives up on a reversible request after sending it (card pulled, card declined
   * after an online approval ...): a pending reversal with reason 06. The host's answer, if one
   * came, is kept. Call this instead of recordAnswer: the card data stays for the 0400.
   */
  recordTerminalAbort(id: number, answer?: Answer): TxnRecord {
    const a = answer === undefined ? undefined : checkAnswer(answer);
    return this.transition(id, 'terminal-abort', (row) => {
      if (row.state !== 'sent' || !REVERSIBLE_KINDS.includes(row.kind)) return false;
      const t = stepNow(this.ctx.clock);
      this.ctx
        .stmt(
          `UPDATE txns SET state = 'reversal-pending', reversal_reason = '06', last_result = 'terminal-abort',
             response_code = ?, rrn = ?, auth_code = ?, answered_wall = ?, answered_mono = ? WHERE id = ?`,
        )
        .run(
          a?.responseCode ?? null,
          a?.rrn ?? null,
          a?.authCode ?? null,
          answer ? t.wallMs : null,
          answer ? t.monoMs : null,
          id,
        );
      return true;
    });
  }

  /** Commit right before each 0400 goes out; counts the attempt. */
  reversalAttempt(id: number): TxnRecord {
    return this.transition(id, 'reversal-attempt', (row) => {
      if (row.state !== 'reversal-pending' || row.can_send !== 0) return false;
      const t = stepNow(this.ctx.clock);
      this.ctx
        .stmt(
          `UPDATE txns SET reversal_attempts = reversal_attempts + 1, reversal_sent_wall = ?, reversal_sent_mono = ?
           WHERE id = ?`,
        )
        .run(t.wallMs, t.monoMs, id);
      return true;
    });
  }

  /**
   * A reversal that could not be sent (sign-on, TLS or connect failed before any byte of it was
   * written): not an attempt; `cause` (an error code) is kept as its last result,
   * `not-sent: CAUSE`. The reversal stays pending.
   */
  reversalNotSent(id: number, cause: string): TxnRecord {
    const result = notSentResult(cause);
    return this.transition(id, 'reversal-not-sent', (row) => {
      if (row.state !== 'reversal-pending' || row.can_send !== 0) return false;
      this.ctx.stmt('UPDATE txns SET reversal_result = ? WHERE id = ?').run(result, id);
      return true;
    });
  }

  /** The 0410 (or null: no answer). 00 / 25 finish the reversal; anything else keeps it pending. */
  reversalResult(id: number, responseCode: string | null): TxnRecord {
    if (responseCode !== null && (typeof responseCode !== 'string' || !RESPONSE_CODE.test(responseCode))) {
      throw new PosError('JOURNAL_BAD_INPUT', 'response code must be 2 characters', { field: 39 });
    }
    return this.transition(id, 'reversal-result', (row) => {
      if (row.state !== 'reversal-pending' || row.reversal_attempts < 1) return false;
      const t = stepNow(this.ctx.clock);
      if (responseCode !== null && REVERSAL_DONE.has(responseCode)) {
        this.ctx
          .stmt(
            `UPDATE txns SET state = 'reversed', reversal_result = ?, card_blob = NULL, last_result = 'reversed',
               finished_wall = ?, finished_mono = ? WHERE id = ?`,
          )
          .run(responseCode, t.wallMs, t.monoMs, id);
      } else {
        this.ctx
          .stmt('UPDATE txns SET reversal_result = ? WHERE id = ?')
          .run(responseCode ?? 'no-answer', id);
      }
      return true;
    });
  }

  /**
   * Run once at start-up, before any new transaction: whatever the last run left in flight is
   * settled. Reversible requests that may have gone out become pending reversals (reason 06,
   * unless 98 / A0 was already recorded). Non-reversible ones left pending or sent end as
   * 'no-answer' (outcome unknown: markSent may come right after the write). In-flight advices go
   * back to pending.
   */
  recoverAfterCrash(): RecoveryReport {
    const t = stepNow(this.ctx.clock);
    const { ctx } = this;
    const ids = ctx.atomic(() => {
      // Requests in flight are newer than the last recovery's mark: older ones were settled by it
      // and can never be sent again (markSent needs a row begun since). A bounded range of ids,
      // so no index has to follow every state change of a sale.
      const from = this.counters.read('recovered_upto');
      const ofState = (where: string) =>
        (
          ctx.stmt(`SELECT id FROM txns WHERE id > ? AND ${where} ORDER BY id`).all(from) as { id: number }[]
        ).map((r) => r.id);
      const reversals = ofState(
        `kind IN ('purchase', 'void') AND (state = 'sent' OR (state = 'reversal-pending' AND can_send = 1))`,
      );
      const noAnswer = ofState(`state IN ('pending', 'sent') AND kind NOT IN ('purchase', 'void')`);
      ctx
        .stmt(
          `UPDATE txns SET state = 'reversal-pending', reversal_reason = coalesce(reversal_reason, '06'), can_send = 0,
             last_result = 'recovered-after-crash'
           WHERE id > ? AND kind IN ('purchase', 'void')
             AND (state = 'sent' OR (state = 'reversal-pending' AND can_send = 1))`,
        )
        .run(from);
      ctx
        .stmt(
          `UPDATE txns SET state = 'no-answer', can_send = 0, card_blob = NULL, last_result = 'recovered-after-crash',
             finished_wall = ?, finished_mono = ?
           WHERE id > ? AND state IN ('pending', 'sent') AND kind NOT IN ('purchase', 'void')`,
        )
        .run(t.wallMs, t.monoMs, from);
      ctx
        .stmt(
          `UPDATE counters SET value = (SELECT coalesce(max(id), 0) FROM txns) WHERE name = 'recovered_upto'
             AND value <> (SELECT coalesce(max(id), 0) FROM txns)`,
        )
        .run();
      return { reversals, noAnswer, advicesRequeued: this.queue.requeueInFlightInTxn() };
    });
    return { ...ids, reversals: ids.reversals.map((id) => this.mustGet(id)) };
  }

  /** One state change in one commit; `unsynced`: not fsynced by itself (markSent only). */
  private transition(
    id: number,
    action: string,
    apply: (row: TxnRow) => boolean,
    unsynced = false,
  ): TxnRecord {
    const step = () => {
      const row = this.ctx.stmt(`SELECT ${TXN_COLUMNS} FROM txns WHERE id = ?`).get(id) as TxnRow | undefined;
      if (!row) throw new PosError('JOURNAL_NOT_FOUND', 'no such transaction', { key: txnRecordId(id) });
      if (!apply(row)) {
        throw new PosError('JOURNAL_ILLEGAL_TRANSITION', `${action} not allowed in state ${row.state}`, {
          key: txnRecordId(id),
          state: row.state as TxnState,
          action,
        });
      }
    };
    if (unsynced) this.ctx.atomicUnsynced(step);
    else this.ctx.atomic(step);
    return this.mustGet(id);
  }

  private cardBlob(id: number): Buffer | null {
    const row = this.ctx.stmt('SELECT card_blob FROM txns WHERE id = ?').get(id) as
      | { card_blob: Buffer | null }
      | undefined;
    return row?.card_blob ?? null;
  }

  get(id: number): TxnRecord | undefined {
    return this.ctx.guard(() => {
      const row = this.ctx.stmt(`SELECT ${TXN_COLUMNS} FROM txns WHERE id = ?`).get(id) as TxnRow | undefined;
      return row ? toTxnRecord(row) : undefined;
    });
  }

  private mustGet(id: number): TxnRecord {
    const rec = this.get(id);
    if (!rec) throw new PosError('JOURNAL_NOT_FOUND', 'no such transaction', { key: txnRecordId(id) });
    return rec;
  }
}
