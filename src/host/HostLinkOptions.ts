/** Options, results, statistics and events of HostLink. */
import type { Clock } from '../clock.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { Logger } from '../log.js';
import type { BackoffPolicy } from './Backoff.js';
import type { Header, Tpdu } from './framing.js';
import type { HostCodec } from './HostCodec.js';
import type { ConnectFn, HostEndpoint } from './HostEndpoint.js';

export interface HostLinkTimeouts {
  /** TCP (and TLS handshake) per endpoint attempt. */
  connectMs: number;
  /** Until the request frame is flushed to the socket. */
  sendMs: number;
  /** From the frame sent until the matching response. */
  readMs: number;
}

export interface FailoverPolicy {
  /**
   * Consecutive response timeouts that drop the connection: the link moves to the backup when
   * on the primary with a backup, else it reconnects for the next request.
   */
  afterTimeouts: number;
  /** While on the backup, how often the primary is tried again (0: never). */
  failbackIntervalMs: number;
}

export interface HostLinkOptions {
  primary: HostEndpoint;
  backup?: HostEndpoint;
  /** The terminal's TPDU, hex (`6000030000`) or parsed. */
  tpdu: string | Tpdu;
  softwareVersion?: string;
  /** Terminal status nibble 1 (test) instead of 0 (normal). */
  testMode?: boolean;
  /** Default: the cup-pos codec. */
  codec?: HostCodec;
  connect?: ConnectFn;
  clock?: Clock;
  logger?: Logger;
  timeouts?: Partial<HostLinkTimeouts>;
  backoff?: Partial<BackoffPolicy>;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  /** Rounds over [active, other] endpoints one request may spend connecting (default 1). */
  connectRounds?: number;
  failover?: Partial<FailoverPolicy>;
  /** Requests allowed to wait behind the one in flight before HOST_BUSY (default 16). */
  maxQueued?: number;
}

export interface HostRequestOptions {
  /** The packed message (from the MTI) to send instead of packing `msg` (e.g. with a MAC). */
  packed?: Buffer;
  /** Overrides the link's read timeout for this request. */
  readTimeoutMs?: number;
  /**
   * Called once, right before the request's bytes are handed to the socket: from then on the
   * host may have them (the caller's journal marks the request sent; a failure before this
   * point means nothing left the terminal).
   */
  onWritten?: () => void;
}

export interface HostTimings {
  queueMs: number;
  connectMs: number;
  sendMs: number;
  waitMs: number;
}

export interface HostResponse {
  message: IsoMessage;
  /** Response header; `processingRequirement` 3 asks for a sign-on. */
  header: Header;
  tpdu: Tpdu;
  /** The response from the MTI on, as received (MAC verification runs on it). */
  rawBody: Buffer;
  endpoint: string;
  timings: HostTimings;
}

export interface HostLinkStats {
  requests: number;
  responses: number;
  timeouts: number;
  disconnects: number;
  connects: number;
  connectFailures: number;
  late: number;
  stray: number;
  badTpdu: number;
  badFrames: number;
  failovers: number;
  failbacks: number;
}

export interface HostLinkEvents {
  connected: [{ endpoint: string }];
  disconnected: [{ endpoint: string; reason: string; partialBytes: number }];
  failover: [{ from: string; to: string; reason: string }];
  failback: [{ from: string; to: string }];
  'late-response': [{ endpoint: string; summary: string }];
  stray: [{ endpoint: string; reason: string; summary?: string }];
}
