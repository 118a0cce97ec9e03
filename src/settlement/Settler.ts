/**
 * Settles batches one at a time: batches left unsettled first (oldest first, each under its own
 * number), then the open batch; and keeps the open batch within the profile's `batch.maxCount`
 * before each sale or refund (issue 8 item 9). One settlement runs at a time: a till's settle
 * and an automatic one share it.
 */
import { MAX_FIELD48_COUNT, type SettleDeps, type SettlementResult, settleBatch } from './settleBatch.js';

/** Why a transaction cannot go into the open batch. */
export interface BatchRefusal {
  code: 'TXN_SETTLE_FIRST';
  en: string;
  zh: string;
}

export class Settler {
  private running?: Promise<SettlementResult>;

  /**
   * @param onSettled told of every settlement's result, a till's and an automatic one alike
   *   (the runtime turns it into events and a look at the batch's sales by the tracker).
   */
  constructor(
    private readonly d: SettleDeps,
    private readonly onSettled?: (r: SettlementResult) => void,
  ) {}

  /** Settle every unsettled batch, oldest first, then the open one; stops at the first that does not close. */
  settle(): Promise<SettlementResult> {
    this.running ??= this.run()
      .then((r) => {
        this.onSettled?.(r);
        return r;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async run(): Promise<SettlementResult> {
    const earlier: SettlementResult[] = [];
    for (const b of this.d.journal.unsettledBatches()) {
      if (b.current) break;
      const r = await settleBatch(this.d, b.batch);
      earlier.push(r);
      if (r.outcome !== 'balanced' && r.outcome !== 'uploaded')
        return { ...r, earlier: earlier.slice(0, -1) };
    }
    const r = await settleBatch(this.d);
    return earlier.length > 0 ? { ...r, earlier } : r;
  }

  /**
   * Before a transaction that adds a debit (sale, offline sale) or a credit (refund) to the open
   * batch. At `batch.maxCount` of that kind, or when the host handed a new batch number: with
   * `autoSettle`, settle first (a failed settlement still lets the batch grow up to the n3 limit
   * of field 48, 999); without it, refuse at the limit. undefined: go ahead.
   */
  async beforeTxn(kind: 'debit' | 'credit'): Promise<BatchRefusal | undefined> {
    const { journal, profile, log } = this.d;
    const { maxCount, autoSettle } = profile.batch;
    const count = () => {
      const t = journal.totals();
      return kind === 'debit' ? t.debitCount : t.creditCount;
    };
    const hostSwitch = journal.pendingHostBatch() !== undefined;
    if (count() < maxCount && !(autoSettle && hostSwitch)) return undefined;
    if (autoSettle) {
      const batch = journal.currentBatch();
      const r = await this.settle();
      log.info(
        { batch, outcome: r.outcome, code: r.reason?.code, openBatch: r.openBatch, hostSwitch },
        'automatic settlement',
      );
      const n = count();
      if (n < maxCount || n < MAX_FIELD48_COUNT) return undefined;
    }
    return {
      code: 'TXN_SETTLE_FIRST',
      en: 'the batch is full: settle it first',
      zh: '批次已满,请先结算',
    };
  }
}
