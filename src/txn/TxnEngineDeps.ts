import type { Clock } from '../clock.js';
import type { PosErrorCode } from '../errors.js';
import type { Journal } from '../journal/Journal.js';
import type { Logger } from '../log.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import type { Forwarder } from './Forwarder.js';
import type { Lane } from './Lane.js';
import type { CardReaderPort, HostPort } from './ports.js';

/** What the transaction engine and its parts work with. */
export interface TxnEngineDeps {
  profile: TerminalProfile;
  journal: Journal;
  host: HostPort;
  reader: CardReaderPort;
  forwarder: Forwarder;
  lane: Lane;
  clock: Clock;
  log: Logger;
  /** Keeps the open batch within the profile's batch.maxCount (see settlement/Settler). */
  batchGate?: {
    beforeTxn(kind: 'debit' | 'credit'): Promise<{ code: PosErrorCode; en: string; zh: string } | undefined>;
  };
  /** Free bytes on the journal's filesystem (default: statfs of its folder); injected by tests. */
  freeBytes?: () => number;
}
