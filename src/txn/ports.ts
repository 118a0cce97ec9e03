/**
 * What the transaction engine needs from the reader and the host, as narrow ports. The runtime
 * adapts the reader driver and the host session to them; tests use fakes.
 */
import type { IsoMessage } from '../iso8583/message.js';
import type { EntryInterface } from '../reader/ActivateResponse.js';

export type { EntryInterface };

/** Card data as read; lives in memory only, for the authorisation. Never log it. */
export interface CardRead {
  pan: string;
  track2?: string;
  /** YYMM */
  expiry?: string;
  /** n3 */
  panSequence?: string;
  entryInterface: EntryInterface;
  /** Field 55 TLVs, uppercase hex. */
  iccData?: string;
}

export type CardReadResult =
  | { outcome: 'card'; card: CardRead; cardMs: number }
  | { outcome: 'no-card' | 'declined' | 'failed' | 'cancelled'; reason: string }
  /** The reader is not connected (missing, unplugged, not answering): answered at once. */
  | { outcome: 'unavailable'; reason: string };

export interface CardReaderPort {
  readCard(req: {
    amountMinor: number;
    type: 'purchase' | 'refund' | 'inquiry';
    timeoutS: number;
    /** Aborted: the reader cancels the read (which then ends 'cancelled'); optional for fakes. */
    signal?: AbortSignal;
  }): Promise<CardReadResult>;
}

export interface HostAnswer {
  message: IsoMessage;
  /** Time the request spent on the wire and at the host, as seen by the terminal. */
  hostMs: number;
}

/**
 * Financial messages to the acquirer; the session signs on, applies and verifies MACs.
 * `onWritten` is called right before the bytes go to the socket: an error before it means
 * nothing left the terminal (unreachable, TLS refused, sign-on failed); an error after it
 * (HOST_TIMEOUT, HOST_DISCONNECTED, HOST_BAD_MAC) leaves the outcome unknown.
 */
export interface HostPort {
  send(msg: IsoMessage, opts?: { onWritten?: () => void }): Promise<HostAnswer>;
}
