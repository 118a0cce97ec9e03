import { PosError } from '../errors.js';
import { maskPan } from '../mask.js';
import type { BatchStore } from './BatchStore.js';
import { checkCardData } from './CardVault.js';
import { type Counters, LAST_STAN_COLUMNS, type LastStanRow } from './Counters.js';
import type { JournalContext } from './JournalContext.js';
import {
  ADVICE_COLUMNS,
  type AdviceRow,
  adviceRecordId,
  checkAmount,
  checkAnswer,
  checkClearFields,
  checkDigits,
  checkTillId,
  notSentResult,
  parseFields,
  stepNow,
  toAdviceRecord,
} from './records.js';
import type {
  AdviceRecord,
  AdviceState,
  Answer,
  NewAdvice,
  OfflineTotals,
  StoredRequest,
  TxnRecord,
} from './types.js';

/**
 * The batch, both new ids and the last STAN, in one statement. Built once: a template with a
 * substitution inside the call would build and hash a new string on every enqueue.
 */
const NEXT_IDS_SQL = `SELECT (SELECT printf('%06d', value) FROM counters WHERE name = 'batch') AS batch,
  (SELECT coalesce(max(id), 0) + 1 FROM txns) AS txnId,
  (SELECT coalesce(max(id), 0) + 1 FROM advices) AS adviceId, ${LAST_STAN_COLUMNS}`;

/** Responses to an 0220 advice that finish it (94: the host already has it). */
const ADVICE_DONE = new Set(['00', '94']);

/**
 * Store-and-forward queue of offline-sale advices (0220). Each advice keeps its STAN and
 * content across retries; its card data is encrypted until the host has it.
 */
export class AdviceQueue {
  /**
   * Every advice with a smaller id is finished (done or refused), so queries for open advices
   * start here instead of following an index that every enqueue and every state change would
   * write (issue 13). Finished is final and new advices get larger ids, so it only moves up;
   * in memory only: this connection holds the journal alone (locking_mode = EXCLUSIVE).
   */
  private openFrom: number | undefined;

  constructor(
    private readonly ctx: JournalContext,
    private readonly counters: Counters,
    private readonly batches?: BatchStore,
  ) {}

  /**
   * Records an offline approval: the transaction row and its queued advice, in one commit. Hot
   * path (one fsync each): ids are taken inside the write lock so each row is one INSERT with its
   * sealed card data, and the records returned are built without reading them back.
   */
  enqueue(input: NewAdvice): { txn: TxnRecord; advice: AdviceRecord } {
    const amount = checkAmount(input.amountMinor);
    const card = checkCardData(input.card);
    const fields = checkClearFields(input.fields, card.pan);
    if (typeof input.authCode !== 'string' || !/^[0-9A-Za-z ]{1,6}$/.test(input.authCode)) {
      throw new PosError('JOURNAL_BAD_INPUT', 'offline approval code must be 1..6 characters', { field: 38 });
    }
    if (input.stan !== undefined) checkDigits(input.stan, 6, 'stan');
    const masked = maskPan(card.pan);
    const tillId = input.tillId === undefined ? undefined : checkTillId(input.tillId);
    const { ctx } = this;
    return ctx.atomic(() => {
      // one statement for the batch, both ids and the last STAN
      const next = ctx.stmt(NEXT_IDS_SQL).get() as {
        batch: string;
        txnId: number;
        adviceId: number;
      } & LastStanRow;
      // a STAN taken here is recorded by the row itself (stan_alloc), not in the counters page
      const stan = input.stan ?? this.counters.stanAfter(next);
      if (fields[11] !== undefined && fields[11] !== stan) {
        throw new PosError('JOURNAL_BAD_INPUT', 'field 11 differs from the advice STAN', { field: 11 });
      }
      const t = stepNow(ctx.clock);
      const txn: TxnRecord = {
        id: next.txnId,
        kind: 'offline-sale',
        state: 'offline-approved',
        approvalMode: 'offline',
        amountMinor: amount,
        currency: input.currency ?? null,
        stan,
        batch: next.batch,
        rrn: null,
        authCode: input.authCode,
        responseCode: null,
        maskedPan: masked,
        entryMode: input.entryMode ?? null,
        original: null,
        attempts: 0,
        lastResult: null,
        reversal: null,
        voided: false,
        hasCardData: false,
        times: { created: t },
      };
      ctx
        .stmt(
          `INSERT INTO txns (id, kind, state, approval_mode, amount_minor, currency, stan, batch, auth_code, masked_pan,
             entry_mode, can_send, created_wall, created_mono, till_id, stan_alloc)
           VALUES (?, 'offline-sale', 'offline-approved', 'offline', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
        )
        .run(
          txn.id,
          amount,
          txn.currency,
          stan,
          next.batch,
          input.authCode,
          masked,
          txn.entryMode,
          t.wallMs,
          t.monoMs,
          tillId ?? null,
          // no batch-upload PAN sealed here (one seal per enqueue, issue 13): while the advice is
          // open the batch upload reads the PAN from the advice's card data; its result seals it
          input.stan === undefined ? 1 : 0,
        );
      const advice: AdviceRecord = {
        id: next.adviceId,
        txnId: txn.id,
        state: 'pending',
        stan,
        batch: next.batch,
        amountMinor: amount,
        maskedPan: masked,
        attempts: 0,
        lastAttempt: null,
        lastResult: null,
        created: t,
        finished: null,
        hasCardData: true,
      };
      ctx
        .stmt(
          `INSERT INTO advices (id, txn_id, state, stan, batch, amount_minor, masked_pan, fields_json, card_blob,
             created_wall, created_mono)
           VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          advice.id,
          txn.id,
          stan,
          next.batch,
          amount,
          masked,
          JSON.stringify({ ...fields, 11: stan }),
          ctx.vault.seal(adviceRecordId(advice.id), card),
          t.wallMs,
          t.monoMs,
        );
      return { txn, advice };
    });
  }

  get(id: number): AdviceRecord | undefined {
    return this.ctx.guard(() => {
      const row = this.ctx.stmt(`SELECT ${ADVICE_COLUMNS} FROM advices WHERE id = ?`).get(id) as
        | AdviceRow
        | undefined;
      return row ? toAdviceRecord(row) : undefined;
    });
  }

  /** Commit this before the advice's bytes go out (first send or retry). */
  attempt(id: number): AdviceRecord {
    const t = stepNow(this.ctx.clock);
    this.ctx.atomic(() => {
      this.expect(id, ['pending', 'sent'], 'attempt');
      this.ctx
        .stmt(
          `UPDATE advices SET state = 'sent', attempts = attempts + 1, last_attempt_wall = ?, last_attempt_mono = ?
           WHERE id = ?`,
        )
        .run(t.wallMs, t.monoMs, id);
    });
    return this.mustGet(id);
  }

  /**
   * An advice that could not be sent (sign-on, TLS or connect failed before any byte of it was
   * written): no attempt is counted, it stays pending, `cause` (an error code) is kept as its
   * last result, `not-sent: CAUSE`.
   */
  notSent(id: number, cause: string): AdviceRecord {
    const result = notSentResult(cause);
    this.ctx.atomic(() => {
      this.expect(id, ['pending'], 'not-sent');
      this.ctx.stmt('UPDATE advices SET last_result = ? WHERE id = ?').run(result, id);
    });
    return this.mustGet(id);
  }

  /**
   * The host's answer to a sent advice, or null for no answer (back to pending, retried later).
   * 00 / 94 finish it; any other code means the host refused it after the fact.
   */
  result(id: number, answer: Answer | null): AdviceRecord {
    const t = stepNow(this.ctx.clock);
    const a = answer === null ? null : checkAnswer(answer);
    this.ctx.atomic(() => {
      const row = this.expect(id, ['sent'], 'result');
      if (a === null) {
        this.ctx.stmt(`UPDATE advices SET state = 'pending', last_result = 'no-answer' WHERE id = ?`).run(id);
        return;
      }
      const code = a.responseCode;
      const done = ADVICE_DONE.has(code);
      // the approved offline sale keeps its PAN for a batch upload, sealed apart, from now on
      const upload = done ? this.uploadPanInTxn(row) : null;
      this.ctx
        .stmt(
          `UPDATE advices SET state = ?, last_result = ?, card_blob = NULL, finished_wall = ?, finished_mono = ?
           WHERE id = ?`,
        )
        .run(done ? 'done' : 'refused', code, t.wallMs, t.monoMs, id);
      this.ctx
        .stmt(
          `UPDATE txns SET state = ?, response_code = ?, rrn = coalesce(?, rrn), last_result = ?,
             answered_wall = ?, answered_mono = ?, finished_wall = ?, finished_mono = ?,
             upload_pan_blob = coalesce(?, upload_pan_blob)
           WHERE id = ?`,
        )
        .run(
          done ? 'approved' : 'refused',
          code,
          a.rrn,
          done ? 'forwarded' : 'refused-after-the-fact',
          t.wallMs,
          t.monoMs,
          t.wallMs,
          t.monoMs,
          upload,
          row.txn_id,
        );
    });
    return this.mustGet(id);
  }

  /**
   * The batch-upload PAN of a forwarded offline sale, taken from the advice's card data before it
   * is dropped: null when its row already has one (sealed at enqueue by versions before this
   * change), when the batch has closed meanwhile, or without card data.
   */
  private uploadPanInTxn(advice: AdviceRow): Buffer | null {
    if (!this.batches) return null;
    const r = this.ctx
      .stmt(
        `SELECT a.card_blob, t.batch, t.upload_pan_blob IS NOT NULL AS has_upload
         FROM advices a JOIN txns t ON t.id = a.txn_id WHERE a.id = ?`,
      )
      .get(advice.id) as { card_blob: Buffer | null; batch: string; has_upload: number } | undefined;
    if (!r?.card_blob || r.has_upload === 1 || this.batches.stateInTxn(r.batch) === 'closed') return null;
    return this.batches.sealUploadPan(
      advice.txn_id,
      this.ctx.vault.open(adviceRecordId(advice.id), r.card_blob).pan,
    );
  }

  /** The smallest id an open advice can have (for the batch upload's look-up of open advices). */
  openFromId(): number {
    return this.ctx.guard(() => this.openFromInTxn());
  }

  /** Oldest advice still to forward, with its stored content (card data decrypted). */
  next(): { advice: AdviceRecord; request: StoredRequest } | undefined {
    return this.ctx.guard(() => {
      const row = this.ctx
        .stmt(
          `SELECT ${ADVICE_COLUMNS} FROM advices WHERE id >= ? AND state IN ('pending', 'sent') ORDER BY id LIMIT 1`,
        )
        .get(this.openFromInTxn()) as AdviceRow | undefined;
      this.openFrom = row ? row.id : this.nextIdInTxn();
      return row ? { advice: toAdviceRecord(row), request: this.request(row) } : undefined;
    });
  }

  /** The low-water mark of open advices (openFrom), found by one scan on first use. */
  private openFromInTxn(): number {
    if (this.openFrom === undefined) {
      const r = this.ctx
        .stmt(`SELECT min(id) AS id FROM advices WHERE state IN ('pending', 'sent')`)
        .get() as { id: number | null };
      this.openFrom = r.id ?? this.nextIdInTxn();
    }
    return this.openFrom;
  }

  private nextIdInTxn(): number {
    return (this.ctx.stmt('SELECT coalesce(max(id), 0) + 1 AS id FROM advices').get() as { id: number }).id;
  }

  /** Stored content of an advice: same STAN and fields on every retry. */
  requestOf(id: number): StoredRequest {
    return this.ctx.guard(() =>
      this.request(this.expect(id, ['pending', 'sent', 'done', 'refused'], 'read')),
    );
  }

  /** How many advices are pending and sent (counts only: no rows are read). */
  openCounts(): { pending: number; sent: number } {
    return this.ctx.guard(() => {
      const from = this.openFromInTxn();
      return this.ctx
        .stmt(
          `SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
                  count(*) FILTER (WHERE state = 'sent') AS sent
           FROM advices WHERE id >= ? AND state IN ('pending', 'sent')`,
        )
        .get(from) as { pending: number; sent: number };
    });
  }

  list(state?: AdviceState): AdviceRecord[] {
    return this.ctx.guard(() => {
      // open states start at the low-water mark; finished ones need the whole table
      const from = state === 'pending' || state === 'sent' ? this.openFromInTxn() : 0;
      const rows = (
        state
          ? this.ctx
              .stmt(`SELECT ${ADVICE_COLUMNS} FROM advices WHERE id >= ? AND state = ? ORDER BY id`)
              .all(from, state)
          : this.ctx.stmt(`SELECT ${ADVICE_COLUMNS} FROM advices ORDER BY id`).all()
      ) as AdviceRow[];
      return rows.map(toAdviceRecord);
    });
  }

  /** Offline approvals not yet accepted by the host (for the profile's offline limits). */
  offlineTotals(): OfflineTotals {
    return this.ctx.guard(() => {
      const r = this.ctx
        .stmt(
          `SELECT count(*) AS n, coalesce(sum(amount_minor), 0) AS amount, min(created_wall) AS oldest
           FROM advices WHERE id >= ? AND state IN ('pending', 'sent')`,
        )
        .get(this.openFromInTxn()) as { n: number; amount: number; oldest: number | null };
      return {
        count: r.n,
        amountMinor: r.amount,
        oldestAgeMs: r.oldest === null ? 0 : Math.max(0, this.ctx.clock.now() - r.oldest),
      };
    });
  }

  /** After a crash: advices caught in flight go back to pending (same STAN; 94 covers a duplicate). */
  requeueInFlightInTxn(): number[] {
    const from = this.openFromInTxn();
    const rows = this.ctx
      .stmt(`SELECT id FROM advices WHERE id >= ? AND state = 'sent' ORDER BY id`)
      .all(from) as {
      id: number;
    }[];
    this.ctx
      .stmt(
        `UPDATE advices SET state = 'pending', last_result = 'interrupted' WHERE id >= ? AND state = 'sent'`,
      )
      .run(from);
    return rows.map((r) => r.id);
  }

  private request(row: { id: number; fields_json: string }): StoredRequest {
    const rid = adviceRecordId(row.id);
    const blob = this.ctx.stmt('SELECT card_blob FROM advices WHERE id = ?').get(row.id) as {
      card_blob: Buffer | null;
    };
    return {
      fields: parseFields(row.fields_json, rid),
      card: blob?.card_blob ? this.ctx.vault.open(rid, blob.card_blob) : null,
    };
  }

  private expect(id: number, states: AdviceState[], action: string): AdviceRow {
    const row = this.ctx.stmt(`SELECT ${ADVICE_COLUMNS} FROM advices WHERE id = ?`).get(id) as
      | AdviceRow
      | undefined;
    if (!row) throw new PosError('JOURNAL_NOT_FOUND', 'no such advice', { key: adviceRecordId(id) });
    if (!states.includes(row.state)) {
      throw new PosError('JOURNAL_ILLEGAL_TRANSITION', `advice ${action} not allowed in state ${row.state}`, {
        key: adviceRecordId(id),
        state: row.state,
        action,
      });
    }
    return row;
  }

  private mustGet(id: number): AdviceRecord {
    const rec = this.get(id);
    if (!rec) throw new PosError('JOURNAL_NOT_FOUND', 'no such advice', { key: adviceRecordId(id) });
    return rec;
  }
}
