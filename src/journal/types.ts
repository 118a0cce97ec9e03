/**
 * Typed views of what the journal stores. Card data that must be kept to forward a message
 * (PAN, expiry, card sequence, chip data) only exists in `StoredCard`, which is encrypted at rest;
 * there is deliberately no place for track data, PIN blocks or CVV.
 */

/** The one home of the transaction kinds; txn/types re-exports it. */
export type TxnKind = 'purchase' | 'void' | 'refund' | 'inquiry' | 'offline-sale';

/** Kinds whose request needs a reversal (0400) when its outcome is unknown. */
export const REVERSIBLE_KINDS: readonly TxnKind[] = ['purchase', 'void'];

export type TxnState =
  /** committed, not sent (non-reversible kinds) */
  | 'pending'
  /** a reversal is due (reason 06 from `begin` until the answer is recorded, or 98 / A0 / 06 after) */
  | 'reversal-pending'
  /** on the wire, waiting for the answer */
  | 'sent'
  | 'approved'
  | 'declined'
  /** non-reversible request without an answer (outcome unknown, nothing to reverse) */
  | 'no-answer'
  /** never sent: the request was abandoned before its bytes went out */
  | 'aborted'
  /** reversal answered 00 or 25 */
  | 'reversed'
  /** offline sale approved by the terminal, its advice is queued */
  | 'offline-approved'
  /** offline sale whose advice the host refused after the fact */
  | 'refused';

export type ApprovalMode = 'online' | 'offline';

/** Field 39 of a reversal: 06 terminal aborted after sending, 98 no answer, A0 bad MAC. */
export type ReversalReason = '06' | '98' | 'A0';

export type AdviceState = 'pending' | 'sent' | 'done' | 'refused';

/**
 * Sensitive card data kept (encrypted) only until the message is finished. A subset of the card
 * as read (`CardData` in iso8583/views); `panSeq` is the at-rest name of `panSequence`.
 */
export interface StoredCard {
  /** field 2, 12..19 digits */
  pan: string;
  /** field 14, YYMM */
  expiry?: string;
  /** field 23, card sequence number n3 */
  panSeq?: string;
  /** field 55, chip data, uppercase hex */
  iccData?: string;
}

/** Clear (non-sensitive) ISO 8583 fields of a request, by field number. */
export type ClearFields = Record<number, string>;

export interface OriginalRef {
  batch: string;
  stan: string;
  /** MMDD, for refunds */
  date?: string;
}

export interface NewTxn {
  kind: Exclude<TxnKind, 'offline-sale'>;
  amountMinor: number;
  currency?: string;
  entryMode?: string;
  /** STAN to use; allocated in the same commit when absent. */
  stan?: string;
  card?: StoredCard;
  /** Non-sensitive request fields needed to rebuild a reversal (3, 4, 22, 25, 41, 42, 49, 60 ...). */
  fields?: ClearFields;
  /** void / refund: the original transaction */
  original?: OriginalRef;
  /** The till's own id for the request (idempotency key), stored in the same commit. */
  tillId?: string;
}

export interface NewAdvice {
  amountMinor: number;
  currency?: string;
  entryMode?: string;
  /** terminal's offline approval code (field 38) */
  authCode: string;
  /** STAN of the advice; allocated in the same commit when absent. Kept on every retry. */
  stan?: string;
  card: StoredCard;
  /** Non-sensitive advice fields (3, 4, 12, 13, 22, 25, 38, 41, 42, 49, 60 ...). */
  fields: ClearFields;
  /** The till's own id for the sale (idempotency key), stored with its transaction. */
  tillId?: string;
}

export interface Answer {
  /** field 39 */
  responseCode: string;
  /** field 37 */
  rrn?: string;
  /** field 38 */
  authCode?: string;
}

export interface StepTime {
  /** wall clock, ms since the epoch */
  wallMs: number;
  /** monotonic ms of the process that wrote it (only comparable within one run) */
  monoMs: number;
}

export interface TxnTimes {
  created: StepTime;
  sent?: StepTime;
  answered?: StepTime;
  reversalSent?: StepTime;
  finished?: StepTime;
}

export interface ReversalInfo {
  reason: ReversalReason;
  attempts: number;
  /** field 39 of the last 0410, or 'no-answer' */
  lastResult: string | null;
}

export interface TxnRecord {
  id: number;
  kind: TxnKind;
  state: TxnState;
  approvalMode: ApprovalMode;
  amountMinor: number;
  currency: string | null;
  stan: string;
  batch: string;
  rrn: string | null;
  authCode: string | null;
  responseCode: string | null;
  /** first 6 / last 4 only */
  maskedPan: string | null;
  entryMode: string | null;
  original: OriginalRef | null;
  /** times the request itself was sent */
  attempts: number;
  lastResult: string | null;
  /** set while a reversal is due or was done */
  reversal: ReversalInfo | null;
  /** a later void of this transaction was approved */
  voided: boolean;
  /** encrypted card data still held */
  hasCardData: boolean;
  times: TxnTimes;
}

export interface AdviceRecord {
  id: number;
  txnId: number;
  state: AdviceState;
  stan: string;
  batch: string;
  amountMinor: number;
  maskedPan: string;
  attempts: number;
  lastAttempt: StepTime | null;
  /** field 39 of the last 0230, or 'no-answer' */
  lastResult: string | null;
  created: StepTime;
  finished: StepTime | null;
  hasCardData: boolean;
}

/** Everything needed to (re)send a stored message; card data decrypted. Never log it. */
export interface StoredRequest {
  fields: ClearFields;
  card: StoredCard | null;
}

export type ForwardItem =
  | { type: 'reversal'; txn: TxnRecord; reason: ReversalReason; overLimit: boolean; request: StoredRequest }
  | { type: 'advice'; advice: AdviceRecord; overLimit: boolean; request: StoredRequest };

export interface PendingReversal {
  txn: TxnRecord;
  reason: ReversalReason;
  attempts: number;
  /** past the profile's attempt limit: still pending, must be shown to the merchant */
  overLimit: boolean;
}

/** Unforwarded offline approvals; the one home (txn/OfflinePolicy re-exports it). */
export interface OfflineTotals {
  count: number;
  amountMinor: number;
  /** age of the oldest unforwarded advice (wall clock), 0 when none */
  oldestAgeMs: number;
}

export interface BatchTotals {
  batch: string;
  debitCount: number;
  debitAmountMinor: number;
  creditCount: number;
  creditAmountMinor: number;
}

export interface TxnFilter {
  batch?: string;
  state?: TxnState;
  kind?: TxnKind;
  limit?: number;
}

export interface RecoveryReport {
  /** transactions now waiting for a reversal with reason 06 */
  reversals: TxnRecord[];
  /** non-reversible requests left pending or sent: outcome unknown */
  noAnswer: number[];
  /** advices that were in flight, back to pending */
  advicesRequeued: number[];
}

/** A batch's settlement state: no row yet = 'open'. */
export type BatchState = 'open' | 'settling' | 'uploading' | 'closed';

export interface BatchInfo {
  batch: string;
  state: BatchState;
  /** the batch new transactions go into */
  current: boolean;
  totals: BatchTotals;
}

/** One transaction a batch upload (0320) carries. PAN decrypted: never log it. */
export interface UploadEntry {
  txnId: number;
  stan: string;
  amountMinor: number;
  /** a refund (credit) rather than a sale */
  credit: boolean;
  /** null when the journal holds no PAN for it (e.g. made before batch upload was kept) */
  pan: string | null;
  /** an 0330 already acknowledged it */
  uploaded: boolean;
}

/** One 951 record the host answered for a transaction, as journalled (settlement_observations). */
export interface SettlementObservationRecord {
  id: number;
  txnId: number;
  rrn: string;
  /** wall ms when the terminal learnt it (the 0810 arrived) */
  learntAt: number;
  /** P, C, A, H, F, X (host-cup-pos.md section 5) */
  status: string;
  /** D0, T1, D1 */
  mode: string;
  /** host times 'YYYYMMDDhhmmss' */
  expectedArrival: string | null;
  clearedAt: string | null;
  arrivedAt: string | null;
  /** 00 .. 09 */
  delayReason: string;
  /** the raw 59-character record */
  record: string;
}

/** A new observation to append (the journal adds the id and the transaction). */
export type NewSettlementObservation = Omit<SettlementObservationRecord, 'id' | 'txnId'>;

/**
 * A transaction whose way to the merchant's account is followed: an approved sale (online or
 * offline) with an RRN, with what the settlement timeline needs (no card data, a masked PAN).
 */
export interface TrackedTxn {
  txnId: number;
  rrn: string;
  kind: TxnKind;
  approvalMode: ApprovalMode;
  amountMinor: number;
  maskedPan: string | null;
  batch: string;
  /** wall ms: the host's answer (online) or the terminal's approval (offline) */
  authorisedAt: number;
  /** offline sales: queued from, forwarded to the host at */
  queuedOffline?: { from: number; forwardedAt?: number };
  /** wall ms of the 0500 that settled its batch (absent while the batch is open) */
  batchSettledAt?: number;
  /** wall ms the terminal last asked the host about it (absent: never) */
  askedAt?: number;
  /** the newest observation, if any */
  latest?: SettlementObservationRecord;
}
