/**
 * What `status` answers: sign-on, reader, host (with the last failure's real cause), journal
 * and disk health, and everything the terminal still owes the host. One type for every
 * transport (control socket, CLI).
 */

import type { HostLinkStats } from '../host/HostLinkOptions.js';
import type { HostFailureCause } from '../host/hostFailureCause.js';
import type { ReaderStatus } from './ReaderMonitor.js';

export interface RuntimeStatus {
  profile: string;
  terminalId: string;
  signedOn: boolean;
  /** The start-up sign-on is still running (the socket answers before it ends). */
  signingOn: boolean;
  reader: ReaderStatus;
  batch: string;
  host: {
    endpoint: string;
    connected: boolean;
    onBackup: boolean;
    /** ISO time of the last accepted answer */
    lastOkAt: string | null;
    lastError: {
      code: string;
      cause: HostFailureCause;
      detail?: string;
      message: string;
      /** ISO time */
      at: string;
    } | null;
  };
  link: HostLinkStats;
  journal: {
    /** false while outcomes are held in memory because the journal could not write them */
    writable: boolean;
    heldOutcomes: number;
    /** free bytes on the journal's filesystem (null when it cannot be read) */
    freeBytes: number | null;
    minFreeBytes: number;
    /** below minFreeBytes: new sales are refused */
    lowSpace: boolean;
  };
  /** Owed to the host: pending reversals (held ones included), advices waiting and in flight. */
  owed: { reversals: number; advices: number; advicesInFlight: number };
  /** Same as owed.reversals (kept for scripts written against the first status). */
  pendingReversals: number;
  /** Advices not yet finished: waiting plus in flight. */
  queued: number;
}

/** Healthy enough to sell: signed on, reader there, nothing to reverse, journal writable. */
export function statusIsHealthy(s: RuntimeStatus): boolean {
  return (
    s.signedOn &&
    s.reader.state === 'connected' &&
    s.owed.reversals === 0 &&
    s.journal.writable &&
    !s.journal.lowSpace
  );
}
