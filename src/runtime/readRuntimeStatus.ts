/** What `status` answers, read from the runtime's parts (see RuntimeStatus). */
import type { HostLink } from '../host/HostLink.js';
import type { HostSession } from '../host/HostSession.js';
import type { Journal } from '../journal/Journal.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import type { Forwarder } from '../txn/Forwarder.js';
import type { ReaderStatus } from './ReaderMonitor.js';
import type { RuntimeStatus } from './runtimeStatus.js';

export interface StatusParts {
  journal: Journal;
  forwarder: Forwarder;
  session: HostSession;
  link: HostLink;
  profile: TerminalProfile;
}

/** Sign-on, reader, host, journal and disk, what is owed. */
export function readRuntimeStatus(
  parts: StatusParts,
  signingOn: boolean,
  reader: ReaderStatus,
): RuntimeStatus {
  const { journal, forwarder, session, link, profile } = parts;
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const failure = session.health.lastFailure;
  let freeBytes: number | null = null;
  try {
    freeBytes = journal.freeBytes();
  } catch {
    // shown as unknown
  }
  const minFreeBytes = profile.journal.minFreeBytes;
  // reversals held in memory (the journal could not write them) are owed too
  const owed = journal.owedCounts();
  const reversals = owed.reversals + forwarder.held.reversals;
  const advices = owed.advicesPending;
  const advicesInFlight = owed.advicesSent;
  return {
    profile: profile.name,
    terminalId: profile.terminalId,
    signedOn: session.signedOn,
    signingOn: signingOn,
    reader: reader,
    batch: journal.currentBatch(),
    host: {
      endpoint: link.activeEndpoint,
      connected: link.connected,
      onBackup: link.onBackup,
      lastOkAt: iso(session.health.lastOkAt),
      lastError: failure ? { ...failure, at: new Date(failure.at).toISOString() } : null,
    },
    link: { ...link.stats },
    journal: {
      writable: forwarder.held.size === 0,
      heldOutcomes: forwarder.held.size,
      freeBytes,
      minFreeBytes,
      lowSpace: freeBytes !== null && freeBytes < minFreeBytes,
    },
    owed: { reversals, advices, advicesInFlight },
    pendingReversals: reversals,
    queued: advices + advicesInFlight,
  };
}
