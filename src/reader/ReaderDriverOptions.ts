/** Options, state, counters and events of the ReaderDriver. */
import type { Clock } from '../clock.js';
import type { NeoParserCounters, NeoParserEvent } from './NeoFrameParser.js';
import type { ReaderTimeouts } from './ReaderCommands.js';
import type { ReaderPortOpener, SerialBindingLike } from './ReaderPort.js';

export type ReaderState = 'stopped' | 'connecting' | 'connected' | 'disconnected' | 'restarting';

export interface ReaderDriverOptions {
  /** Device path (/dev/ttyUSB0, /dev/serial/by-id/...) or tcp://host:port. */
  path: string;
  baud?: number;
  binding?: SerialBindingLike;
  /** Replaces the transport entirely (tests). */
  opener?: ReaderPortOpener;
  clock?: Clock;
  timeouts?: Partial<ReaderTimeouts>;
  /** Parser inter-byte timeout, ms (default 200). */
  interByteTimeoutMs?: number;
  /** Ping after this many ms without traffic to notice a dead line (default 2000, 0 = off). */
  idlePingMs?: number;
  /** Reopen backoff: initialMs * 2^(attempt-1), capped at maxMs (defaults 100 / 5000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** start() rejects with READER_UNAVAILABLE after this long without a connection (default 10000). */
  startTimeoutMs?: number;
  /** Resends of an idempotent command (ping, version, serial) after a timeout (default 1). */
  retries?: number;
}

export interface ReaderCounters extends NeoParserCounters {
  unexpectedFrames: number;
  commandTimeouts: number;
  disconnects: number;
  restarts: number;
  bytesIn: number;
  bytesOut: number;
}

export interface ReaderDriverEvents {
  state: [state: ReaderState, reason: string];
  connected: [info: { firmware: string; reconnect: boolean }];
  disconnected: [info: { reason: string }];
  reconnecting: [info: { attempt: number; delayMs: number; reason: string }];
  restarted: [info: { platform: string }];
  'frame-dropped': [event: NeoParserEvent];
  'unexpected-frame': [info: { command: number; status: number }];
  /**
   * NEO 2 has no presence notifications: a card is 'presented' when Activate answers with its
   * data, 'removed' when Activate ends 0A (card removed, declined offline or terminated).
   */
  card: [info: { state: 'presented' | 'removed'; entryInterface?: string }];
}
