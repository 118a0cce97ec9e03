/**
 * The runtime's one typed surface. Every transport maps onto it and re-declares nothing: the
 * till's protobuf control socket (`src/control/`), the CLI (through the socket), tests, and an
 * embedding terminal maker (in-process). `Runtime` implements it.
 *
 * Idempotency: sale, void and refund carry the till's own id (`tillId`, unique per terminal).
 * The same id again returns the first result and never charges twice, also after a restart;
 * `transactionStatus(tillId)` tells a till that crashed mid-sale what happened.
 * - The id is stored with the transaction in the journal commit that begins it; the answer
 *   (masked) is kept with the row when the request finishes. Once stored, the id is used up: the
 *   same request again gets the first answer (a request whose outcome was unknown and that was
 *   reversed, also by the recovery after a crash, answers failed with TXN_REVERSED or, while
 *   the reversal is still owed, TXN_REVERSAL_PENDING); another request (other kind, amount or
 *   original) with it is refused with a PosError TXN_TILL_ID_REUSED.
 * - The same id while the first is still running waits for the first and gets its answer.
 * - A request refused before anything was committed (bad amount, reader unavailable, no card,
 *   aborted, a reversal pending, host unreachable before sending ...) does not use the id up:
 *   the till may send it again with the same id once the cause is fixed. Nothing about such a
 *   refusal is stored (and so no card data).
 * - A malformed id (not 1..64 characters of [A-Za-z0-9._:-]) is a PosError TXN_BAD_TILL_ID.
 *
 * Events: `seq` is `run * 2^32 + n`, where `run` is a counter in the journal counted up at
 * each start and `n` counts this run's events from 1. So seqs only grow, across restarts too;
 * a till that resumes with a seq from an earlier run gets this run's whole kept history (the
 * events between its seq and the restart are lost with the old process: it asks
 * `transactionStatus` for its requests). `Math.floor(seq / 2 ** 32)` tells the run. The last
 * 1,000 events are kept in memory.
 */
import type { HostFailureCause } from '../host/hostFailureCause.js';
import type { ReportSelection } from '../settlement/report/buildSettlementReport.js';
import type { ReportFormat } from '../settlement/report/reportFormat.js';
import type { ReportLang } from '../settlement/report/reportText.js';
import type { SettlementStatusChange, SettlementTrackReport } from '../settlement/SettlementTracker.js';
import type { SettlementResult } from '../settlement/settleBatch.js';
import type {
  SettlementStatusResponse,
  SettlementTimelineRequest,
  SettlementTimelineResponse,
} from '../settlement/settlementReports.js';
import type { ForwardReport } from '../txn/Forwarder.js';
import type { RefundRequest, SaleRequest, TxnKind, TxnResult, VoidRequest } from '../txn/types.js';
import type { RuntimeStatus } from './runtimeStatus.js';

export type {
  ForwardReport,
  RefundRequest,
  RuntimeStatus,
  SaleRequest,
  SettlementResult,
  SettlementStatusResponse,
  SettlementTimelineRequest,
  SettlementTimelineResponse,
  SettlementTrackReport,
  TxnResult,
  VoidRequest,
};

/** The till's own id for a request: 1..64 characters of [A-Za-z0-9._:-], unique per terminal. */
export type TillId = string;

export interface TillRequest {
  /** Idempotency key (see the module comment). Optional for the CLI; a till should always set it. */
  tillId?: TillId;
}

export type SaleCall = SaleRequest & TillRequest;
export type VoidCall = VoidRequest & TillRequest;
export type RefundCall = RefundRequest & TillRequest;
export type InquiryCall = TillRequest;

export interface TransactionStatusRequest {
  tillId: TillId;
}

export interface TransactionStatusResponse {
  tillId: TillId;
  /**
   * unknown: no request with this id reached the runtime; in-progress: still running (waiting
   * for a card or for the host); done: `result` is the answer the till was (or would have been) given.
   */
  state: 'unknown' | 'in-progress' | 'done';
  result?: TxnResult;
}

export interface AbortRequest {
  /** The request to abort; without it, whatever is waiting for a card. */
  tillId?: TillId;
}

export interface AbortResponse {
  /**
   * aborted: it was waiting in line or for a card and has stopped; its result is declined with
   * READER_CANCELLED (as for a cancel on the reader) and nothing was committed or sent;
   * too-late: the request already left the terminal (its result will come as usual);
   * nothing: no such request is running.
   */
  outcome: 'aborted' | 'too-late' | 'nothing';
}

/** One row of what the terminal owes the host (masked). */
export interface QueueRow {
  type: 'reversal' | 'advice';
  id: number;
  state: string;
  stan: string;
  amountMinor: number;
  maskedPan: string | null;
  ageS: number;
  attempts: number;
  lastResult: string | null;
  /** reversal reason (06, 98, A0) */
  reason?: string;
  /** reversal past its attempt limit: raised to the merchant */
  overLimit?: boolean;
}

export interface SettlementReportRequest extends ReportSelection {
  format: ReportFormat;
  /** Default en. */
  lang?: ReportLang;
  /** ISO 8601 time the report is as of; default now. */
  asOf?: string;
}

export interface SettlementReportResponse {
  format: ReportFormat;
  /** Sales in the report. */
  transactions: number;
  /** The rendered report: UTF-8 text (table, json, html) or the protobuf stream. */
  content: Uint8Array;
}

export interface QueueListRequest {
  /** finished advices too */
  all?: boolean;
}

export interface RuntimeEventBase {
  /** Increasing per runtime journal; a reconnecting till resumes from the last one it saw. */
  seq: number;
  /** ISO time */
  at: string;
}

export type RuntimeEvent = RuntimeEventBase &
  (
    | {
        type: 'reader';
        state: 'connected' | 'unavailable' | 'card-presented' | 'card-removed';
        reason?: string;
      }
    | {
        type: 'transaction';
        tillId?: TillId;
        /** The journal's id, once the request has a row (not for started / card-read / local refusals). */
        id?: number;
        kind: TxnKind;
        state:
          | 'started'
          | 'card-read'
          | 'sent'
          | 'approved'
          | 'declined'
          | 'failed'
          | 'reversal-pending'
          | 'reversed';
        amountMinor?: number;
      }
    | { type: 'link'; state: 'up' | 'down'; endpoint: string; cause?: HostFailureCause }
    | { type: 'sign-on'; ok: boolean; code?: string }
    | { type: 'queue'; reversals: number; advices: number }
    | { type: 'settlement'; batch: string; outcome: SettlementResult['outcome'] }
    | ({ type: 'settlement-status' } & SettlementStatusChange)
  );

export type RuntimeEventType = RuntimeEvent['type'];

/** An event before it is numbered (what the runtime's parts emit). */
export type RuntimeEventBody = RuntimeEvent extends infer E
  ? E extends RuntimeEvent
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

export interface Subscription {
  close(): void;
}

export interface RuntimeApi {
  sale(req: SaleCall): Promise<TxnResult>;
  void(req: VoidCall): Promise<TxnResult>;
  refund(req: RefundCall): Promise<TxnResult>;
  inquiry(req?: InquiryCall): Promise<TxnResult>;
  transactionStatus(req: TransactionStatusRequest): Promise<TransactionStatusResponse>;
  abort(req?: AbortRequest): Promise<AbortResponse>;
  queueList(req?: QueueListRequest): Promise<QueueRow[]>;
  queueForward(): Promise<ForwardReport>;
  settle(): Promise<SettlementResult>;
  status(): Promise<RuntimeStatus>;
  /**
   * Settlement tracking (issue 10, docs/settlement.md): every approved sale within
   * `settlement.trackDays` with its stage, expected and actual arrival, delay and main cause
   * (masked card). Times are ISO instants; `timeZone` names the host's zone for display.
   */
  settlementStatus(): Promise<SettlementStatusResponse>;
  /** One sale's timeline, delay segments, causes and remedies (en/zh); SETTLE_NOT_TRACKED if unknown. */
  settlementTimeline(req: SettlementTimelineRequest): Promise<SettlementTimelineResponse>;
  /** Ask the host now (0800/951) about every sale whose money has not arrived. */
  settlementTrack(): Promise<SettlementTrackReport>;
  /**
   * The settlement report (docs/reports.md) of this terminal's journal, rendered in `format`:
   * what `posterm report settlement` prints while the runtime runs. At most 3 MiB
   * (SETTLE_REPORT_TOO_LARGE: narrow the selection).
   */
  settlementReport(req: SettlementReportRequest): Promise<SettlementReportResponse>;
  /**
   * Events from `fromSeq` (exclusive) on: the kept history first (bounded; see docs), then live
   * ones. `fromSeq` older than the history: the listener first gets what is kept. The history is
   * delivered synchronously inside `subscribe` (a transport may subscribe, take the replay and
   * close at once to poll). A listener that throws is logged and stays subscribed; it never
   * disturbs the runtime or other listeners. `close()` stops delivery at once.
   */
  subscribe(fromSeq: number, listener: (e: RuntimeEvent) => void): Subscription;
}
