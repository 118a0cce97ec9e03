import type { Clock } from '../clock.js';
import { PosError } from '../errors.js';
import type {
  AdviceRecord,
  AdviceState,
  Answer,
  ApprovalMode,
  ClearFields,
  ReversalReason,
  StepTime,
  TxnKind,
  TxnRecord,
  TxnState,
} from './types.js';

/** A row of `txns` as SQLite returns it. */
export interface TxnRow {
  id: number;
  kind: TxnKind;
  state: TxnState;
  approval_mode: ApprovalMode;
  amount_minor: number;
  currency: string | null;
  stan: string;
  batch: string;
  rrn: string | null;
  auth_code: string | null;
  response_code: string | null;
  masked_pan: string | null;
  entry_mode: string | null;
  orig_batch: string | null;
  orig_stan: string | null;
  orig_date: string | null;
  attempts: number;
  last_result: string | null;
  can_send: number;
  reversal_reason: ReversalReason | null;
  reversal_attempts: number;
  reversal_result: string | null;
  voided: number;
  fields_json: string;
  has_card: number;
  created_wall: number;
  created_mono: number;
  sent_wall: number | null;
  sent_mono: number | null;
  answered_wall: number | null;
  answered_mono: number | null;
  reversal_sent_wall: number | null;
  reversal_sent_mono: number | null;
  finished_wall: number | null;
  finished_mono: number | null;
}

export interface AdviceRow {
  id: number;
  txn_id: number;
  state: AdviceState;
  stan: string;
  batch: string;
  amount_minor: number;
  masked_pan: string;
  attempts: number;
  last_result: string | null;
  fields_json: string;
  has_card: number;
  created_wall: number;
  created_mono: number;
  last_attempt_wall: number | null;
  last_attempt_mono: number | null;
  finished_wall: number | null;
  finished_mono: number | null;
}

/** Columns selected for records: everything but the blob, plus whether it is there. */
export const TXN_COLUMNS = `id, kind, state, approval_mode, amount_minor, currency, stan, batch, rrn, auth_code,
  response_code, masked_pan, entry_mode, orig_batch, orig_stan, orig_date, attempts, last_result, can_send,
  reversal_reason, reversal_attempts, reversal_result, voided, fields_json, card_blob IS NOT NULL AS has_card,
  created_wall, created_mono, sent_wall, sent_mono, answered_wall, answered_mono, reversal_sent_wall,
  reversal_sent_mono, finished_wall, finished_mono`;

export const ADVICE_COLUMNS = `id, txn_id, state, stan, batch, amount_minor, masked_pan, attempts, last_result,
  fields_json, card_blob IS NOT NULL AS has_card, created_wall, created_mono, last_attempt_wall,
  last_attempt_mono, finished_wall, finished_mono`;

/** AAD / record ids used by the vault: the table is part of the id. */
export const txnRecordId = (id: number) => `txn:${id}`;
export const adviceRecordId = (id: number) => `advice:${id}`;

export function stepNow(clock: Clock): StepTime {
  return { wallMs: clock.now(), monoMs: clock.monotonic() };
}

function step(wall: number | null, mono: number | null): StepTime | undefined {
  return wall === null ? undefined : { wallMs: wall, monoMs: mono ?? 0 };
}

export function toTxnRecord(r: TxnRow): TxnRecord {
  const times: TxnRecord['times'] = { created: { wallMs: r.created_wall, monoMs: r.created_mono } };
  const sent = step(r.sent_wall, r.sent_mono);
  const answered = step(r.answered_wall, r.answered_mono);
  const reversalSent = step(r.reversal_sent_wall, r.reversal_sent_mono);
  const finished = step(r.finished_wall, r.finished_mono);
  if (sent) times.sent = sent;
  if (answered) times.answered = answered;
  if (reversalSent) times.reversalSent = reversalSent;
  if (finished) times.finished = finished;
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    approvalMode: r.approval_mode,
    amountMinor: r.amount_minor,
    currency: r.currency,
    stan: r.stan,
    batch: r.batch,
    rrn: r.rrn,
    authCode: r.auth_code,
    responseCode: r.response_code,
    maskedPan: r.masked_pan,
    entryMode: r.entry_mode,
    original:
      r.orig_batch !== null && r.orig_stan !== null
        ? { batch: r.orig_batch, stan: r.orig_stan, ...(r.orig_date ? { date: r.orig_date } : {}) }
        : null,
    attempts: r.attempts,
    lastResult: r.last_result,
    reversal: r.reversal_reason
      ? { reason: r.reversal_reason, attempts: r.reversal_attempts, lastResult: r.reversal_result }
      : null,
    voided: r.voided === 1,
    hasCardData: r.has_card === 1,
    times,
  };
}

export function toAdviceRecord(r: AdviceRow): AdviceRecord {
  return {
    id: r.id,
    txnId: r.txn_id,
    state: r.state,
    stan: r.stan,
    batch: r.batch,
    amountMinor: r.amount_minor,
    maskedPan: r.masked_pan,
    attempts: r.attempts,
    lastAttempt: step(r.last_attempt_wall, r.last_attempt_mono) ?? null,
    lastResult: r.last_result,
    created: { wallMs: r.created_wall, monoMs: r.created_mono },
    finished: step(r.finished_wall, r.finished_mono) ?? null,
    hasCardData: r.has_card === 1,
  };
}

/**
 * Fields that must never be stored in clear: PAN (2), expiry (14), card sequence (23) and chip
 * data (55) go into the encrypted StoredCard; track data (35, 36, 45), PIN block (52) and
 * CVV-bearing fields are never stored at all.
 */
const SENSITIVE_FIELDS = new Set([2, 14, 23, 35, 36, 45, 52, 55]);

/** Validates clear fields; refuses card-data fields, and any value holding the card's PAN. */
export function checkClearFields(fields: unknown, pan?: string): ClearFields {
  if (fields === undefined) return {};
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new PosError('JOURNAL_BAD_INPUT', 'request fields must be an object');
  }
  const out: ClearFields = {};
  for (const [k, v] of Object.entries(fields)) {
    const n = Number(k);
    if (!Number.isInteger(n) || n < 2 || n > 128) {
      throw new PosError('JOURNAL_BAD_INPUT', 'bad field number', { field: k });
    }
    if (SENSITIVE_FIELDS.has(n)) {
      throw new PosError('JOURNAL_SENSITIVE_FIELD', 'card data field cannot be stored in clear', {
        field: n,
      });
    }
    if (typeof v !== 'string')
      throw new PosError('JOURNAL_BAD_INPUT', 'field value must be a string', { field: n });
    // a value shorter than the PAN cannot hold it (most fields: no regex on the hot path)
    if (pan && v.length >= pan.length && v.replace(/[^0-9]/g, '').includes(pan)) {
      throw new PosError('JOURNAL_SENSITIVE_FIELD', 'field holds the card number', { field: n });
    }
    out[n] = v;
  }
  return out;
}

export function parseFields(json: string, recordId: string): ClearFields {
  try {
    return checkClearFields(JSON.parse(json));
  } catch (e) {
    throw new PosError(
      'JOURNAL_RECORD_CORRUPT',
      'stored request fields are not valid',
      { key: recordId },
      { cause: e },
    );
  }
}

export function checkDigits(v: unknown, len: number, field: string): string {
  if (typeof v !== 'string' || v.length !== len || !/^\d+$/.test(v)) {
    throw new PosError('JOURNAL_BAD_INPUT', `${field} must be ${len} digits`, { field });
  }
  return v;
}

export function checkAmount(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > 999_999_999_999) {
    throw new PosError('JOURNAL_BAD_INPUT', 'amount must be a non-negative integer of minor units (n12)', {
      field: 'amountMinor',
    });
  }
  return v;
}

/** Field 39: two characters. */
export const RESPONSE_CODE = /^[0-9A-Za-z]{2}$/;

/** `not-sent: CAUSE` for an item whose message never left the terminal (cause: an error code). */
export function notSentResult(cause: string): string {
  if (typeof cause !== 'string' || !/^[A-Z][A-Z0-9_]{0,63}$/.test(cause)) {
    throw new PosError('JOURNAL_BAD_INPUT', 'not-sent cause must be an error code', { field: 'cause' });
  }
  return `not-sent: ${cause}`;
}

/**
 * Validates a host answer and normalises it (an empty or all-space RRN / auth code is absent).
 * Lenient on the optional fields (printable ASCII), so an odd but approved answer still records.
 */
export function checkAnswer(answer: Answer): {
  responseCode: string;
  rrn: string | null;
  authCode: string | null;
} {
  const code = answer?.responseCode;
  if (typeof code !== 'string' || !RESPONSE_CODE.test(code)) {
    throw new PosError('JOURNAL_BAD_INPUT', 'response code must be 2 characters', { field: 39 });
  }
  return {
    responseCode: code,
    rrn: optionalText(answer.rrn, 12, 37),
    authCode: optionalText(answer.authCode, 6, 38),
  };
}

function optionalText(v: unknown, max: number, field: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max || !/^[\x20-\x7E]*$/.test(v)) {
    throw new PosError('JOURNAL_BAD_INPUT', `field ${field} must be up to ${max} printable characters`, {
      field,
    });
  }
  return v.trim() === '' ? null : v;
}

/** The till's request id: 1..64 characters of [A-Za-z0-9._:-]. */
export function checkTillId(tillId: string): string {
  if (typeof tillId !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(tillId)) {
    throw new PosError('JOURNAL_BAD_INPUT', 'till id must be 1..64 characters of A-Z a-z 0-9 . _ : -', {
      field: 'tillId',
    });
  }
  return tillId;
}
