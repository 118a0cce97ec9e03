/** What the transaction engine returns to the till, the CLI and the control API. */
import type { PosErrorCode } from '../errors.js';
import type { TxnKind } from '../journal/types.js';
import type { EntryInterface } from '../reader/ActivateResponse.js';

export type { TxnKind };

/** prefer-online: online, offline only when the host cannot be reached and the limits allow it. */
export type SaleMode = 'prefer-online' | 'require-online' | 'force-offline';

export interface SaleRequest {
  amountMinor: number;
  mode?: SaleMode;
}

export interface VoidRequest {
  rrn: string;
}

export interface RefundRequest {
  rrn: string;
  amountMinor: number;
}

export type TxnOutcome = 'approved' | 'declined' | 'failed';

export interface TxnTimings {
  /** Card tap (activate sent) to card data in hand. */
  cardMs?: number;
  /** Card data in hand to request handed to the host link (journal commit, packing, MAC). */
  prepareMs?: number;
  /** Request written to answer parsed, as seen by the terminal. */
  hostMs?: number;
  /** Answer parsed to outcome committed. */
  commitMs?: number;
  /** Card data in hand to result. */
  totalMs?: number;
}

export interface TxnResult {
  id: number;
  kind: TxnKind;
  outcome: TxnOutcome;
  /** Online (host answered) or offline (terminal approved under the offline policy). */
  approval?: 'online' | 'offline';
  /** Field 39, or a local code (e.g. 'Z1' declined offline) when the host was not asked. */
  responseCode?: string;
  textEn: string;
  textZh: string;
  amountMinor?: number;
  stan?: string;
  batch?: string;
  rrn?: string;
  authCode?: string;
  maskedPan?: string;
  entryInterface?: EntryInterface;
  /** A reversal was left pending (timeout or bad MAC), to be sent before the next financial message. */
  reversalPending?: { reason: string };
  /** Balance (inquiry), as the host sent it in field 54. */
  balance?: string;
  /** Why the host was not asked, or why the terminal declined locally (coded). */
  reason?: { code: PosErrorCode; message: string };
  timings: TxnTimings;
}
