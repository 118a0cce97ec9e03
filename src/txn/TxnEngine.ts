/**
 * The transaction engine: purchase, void, refund, balance inquiry and offline sales, as
 * host-cup-pos.md sections 5 and 7 say. Journal before wire: a request is committed (a
 * reversible one as reversal-pending, reason 06) before its bytes leave; the outcome is
 * committed in the next step. One transaction at a time.
 *
 * Parts: TxnFlows (the flows), readCardFor (the card), TxnRecorder (journal writes, outcomes
 * held when the journal cannot write), sendOnline (the exchange and its failure classes),
 * finishTxn (the result).
 */
import { isPosError } from '../errors.js';
import { localResult as local } from './localResult.js';
import { diskFullRefusal } from './refusals.js';
import type { TxnContext } from './TxnContext.js';
import type { TxnEngineDeps } from './TxnEngineDeps.js';
import { TxnFlows } from './TxnFlows.js';
import type { RefundRequest, SaleRequest, TxnKind, TxnResult, VoidRequest } from './types.js';

export type { TxnEngineDeps } from './TxnEngineDeps.js';

export class TxnEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;
  private readonly flows: TxnFlows;

  constructor(private readonly d: TxnEngineDeps) {
    this.flows = new TxnFlows(d);
  }

  sale(req: SaleRequest, ctx: TxnContext = {}): Promise<TxnResult> {
    return this.serial(() => this.flows.sale(req, ctx), ctx, 'purchase', req.amountMinor);
  }

  voidSale(req: VoidRequest, ctx: TxnContext = {}): Promise<TxnResult> {
    return this.serial(() => this.flows.voidSale(req, ctx), ctx, 'void');
  }

  refund(req: RefundRequest, ctx: TxnContext = {}): Promise<TxnResult> {
    return this.serial(() => this.flows.refund(req, ctx), ctx, 'refund', req.amountMinor);
  }

  inquiry(ctx: TxnContext = {}): Promise<TxnResult> {
    return this.serial(() => this.flows.inquiry(ctx), ctx, 'inquiry');
  }

  /**
   * Stop taking transactions (they are refused with TXN_STOPPING); resolves when the ones
   * already accepted have finished.
   */
  close(): Promise<void> {
    this.closing = true;
    return this.queue.then(() => undefined);
  }

  /**
   * One at a time. A full journal met where nothing had left the terminal (begin, an offline
   * approval, a reversal attempt) is a refusal, not a crash: the result says so.
   */
  private serial(
    fn: () => Promise<TxnResult>,
    ctx: TxnContext,
    kind: TxnKind,
    amountMinor?: number,
  ): Promise<TxnResult> {
    if (this.closing) {
      return Promise.resolve(
        local(kind, 'failed', 'TXN_STOPPING', 'the terminal is shutting down', '终端正在关闭', {
          amountMinor,
        }),
      );
    }
    const guarded = () => {
      ctx.onStep?.('started');
      return fn().catch((e: unknown) => {
        if (!isPosError(e, 'JOURNAL_DISK_FULL')) throw e;
        this.d.log.error({ code: e.code, kind }, 'journal storage full: transaction refused');
        return diskFullRefusal(kind, amountMinor, this.d.forwarder.held.reversals > 0);
      });
    };
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
