/**
 * Outcomes the journal could not record (disk full, I/O error), held in memory until a write
 * succeeds. The money rule: when the outcome of a request that left the terminal cannot be
 * recorded, the terminal reverses it. So a reversible request (purchase, void) the host may have
 * approved is held as a reversal; it is written to the journal (row -> reversal-pending, reason
 * 06) as soon as a write succeeds and then sent like any pending reversal. Until then it blocks:
 * the forwarder's pass and `clearReversals` see it before anything else, and the engine refuses
 * new transactions (JOURNAL_DISK_FULL).
 *
 * A decline is never turned into a reversal: it is held as the answer and written as such. The
 * held items live in memory only; after a restart the journal still has the row as `sent`, which
 * crash recovery turns into a reversal 06 (for a declined or never-arrived request the host
 * answers 25, nothing is reversed).
 */
import { isJournalWriteFailure, type PosError } from '../errors.js';
import type { Journal } from '../journal/Journal.js';
import type { Answer, TxnKind } from '../journal/types.js';
import type { Logger } from '../log.js';

export type HeldOp =
  /** reversible request, sent, host may have approved: reversal-pending 06 (answer kept) */
  | { op: 'reverse'; answer?: Answer }
  /** sent, no valid answer: recordNoAnswer (a reversible request becomes a pending reversal) */
  | { op: 'no-answer'; reason: '98' | 'A0' }
  /** a decline, or the answer to a non-reversible request: recorded as it is */
  | { op: 'answer'; answer: Answer }
  /** never sent: the row is abandoned */
  | { op: 'abort' };

export type HeldOutcome = HeldOp & {
  txnId: number;
  kind: TxnKind;
  stan: string;
  amountMinor: number;
  /** this item stands for a reversal the host is owed */
  reversal: boolean;
};

export class HeldOutcomes {
  private items: HeldOutcome[] = [];

  constructor(private readonly log: Logger) {}

  /** Holds an outcome that could not be written; logged at error level (no card data). */
  hold(item: Omit<HeldOutcome, 'reversal'>, error: PosError): void {
    const reversal =
      item.op === 'reverse' ||
      (item.op === 'no-answer' && (item.kind === 'purchase' || item.kind === 'void'));
    this.items.push({ ...item, reversal } as HeldOutcome);
    this.log.error(
      { code: error.code, txn: item.txnId, stan: item.stan, kind: item.kind, held: item.op, reversal },
      reversal
        ? 'journal cannot record the outcome: reversal held in memory until it can be written'
        : 'journal cannot record the outcome: held in memory until it can be written',
    );
  }

  get size(): number {
    return this.items.length;
  }

  /** Held items that stand for a reversal. */
  get reversals(): number {
    return this.items.filter((i) => i.reversal).length;
  }

  list(): readonly HeldOutcome[] {
    return this.items;
  }

  /**
   * Writes what is held, oldest first, one commit each; stops at the first write that fails
   * (the rest stays held). Returns how many are left.
   */
  flush(journal: Journal): number {
    while (this.items.length > 0) {
      const it = this.items[0];
      try {
        if (it.op === 'reverse') journal.recordTerminalAbort(it.txnId, it.answer);
        else if (it.op === 'no-answer') journal.recordNoAnswer(it.txnId, it.reason);
        else if (it.op === 'answer') journal.recordAnswer(it.txnId, it.answer);
        else journal.abort(it.txnId);
      } catch (e) {
        if (!isJournalWriteFailure(e)) {
          // The row is not where it was left (should not happen): keep the item, never drop a
          // reversal silently; a restart recovers from what the journal holds.
          this.log.error({ code: (e as PosError).code, txn: it.txnId }, 'held outcome cannot be written');
        }
        return this.items.length;
      }
      this.items.shift();
      this.log.warn({ txn: it.txnId, stan: it.stan, held: it.op }, 'held outcome written to the journal');
    }
    return 0;
  }
}
