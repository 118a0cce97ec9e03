/**
 * Journal writes of the transaction engine: the commit that begins a request, outcomes that
 * are held in memory when the journal cannot write them (disk full), and the storage check
 * before a new transaction.
 */
import { isJournalWriteFailure, type PosError } from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { NewTxn, TxnRecord } from '../journal/types.js';
import type { HeldOp } from './HeldOutcomes.js';
import { diskFullRefusal } from './refusals.js';
import { splitForJournal } from './requestFields.js';
import type { TxnEngineDeps } from './TxnEngineDeps.js';
import type { TxnKind, TxnResult } from './types.js';

export class TxnRecorder {
  constructor(private readonly d: TxnEngineDeps) {}

  /**
   * One commit: the journal allocates the STAN with the row (and stores the request and the
   * till's id with it); the message gets the STAN before it goes anywhere.
   */
  begin(t: Omit<NewTxn, 'fields' | 'card' | 'stan'>, msg: IsoMessage): TxnRecord {
    const { fields, card } = splitForJournal(msg);
    delete fields[11];
    const rec = this.d.journal.begin({
      ...t,
      currency: this.d.profile.currency,
      entryMode: msg.fields[22],
      fields,
      card,
    });
    msg.fields[11] = rec.stan;
    return rec;
  }

  /**
   * Writes one outcome; when the journal cannot write (disk full ...), the outcome is held in
   * memory by the forwarder (written and acted on first when the journal can write again).
   * Returns the write error when held.
   */
  record(rec: TxnRecord, op: HeldOp, write: () => unknown): PosError | undefined {
    try {
      write();
      return undefined;
    } catch (e) {
      if (!isJournalWriteFailure(e)) throw e;
      const { id: txnId, kind, stan, amountMinor } = rec;
      this.d.forwarder.held.hold({ ...op, txnId, kind, stan, amountMinor }, e);
      this.d.forwarder.kick(0);
      return e;
    }
  }

  /**
   * Before a new transaction: outcomes held in memory are written first (the journal may be
   * able to write again); refused while any is left or while the journal's filesystem has less
   * free space than the profile's journal.minFreeBytes.
   */
  storageRefusal(kind: TxnKind): TxnResult | undefined {
    const { forwarder, journal, profile, log } = this.d;
    if (forwarder.held.size > 0 && forwarder.held.flush(journal) > 0) {
      return diskFullRefusal(kind, undefined, forwarder.held.reversals > 0);
    }
    const min = profile.journal.minFreeBytes;
    let free: number;
    try {
      free = this.d.freeBytes ? this.d.freeBytes() : journal.freeBytes();
    } catch (e) {
      log.warn({ code: (e as { code?: string }).code }, 'cannot read the free space of the journal');
      return undefined;
    }
    if (free >= min) return undefined;
    log.error({ freeBytes: free, minFreeBytes: min, kind }, 'journal storage below its minimum: refused');
    return diskFullRefusal(kind, undefined, false);
  }
}
