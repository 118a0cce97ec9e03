/**
 * The flows of purchase, void, refund and balance inquiry (host-cup-pos.md sections 5 and 7):
 * local checks, the reversal gate, the card, then one committed request online (or an offline
 * approval of a sale when the host cannot be reached and the policy allows it).
 */
import { isHostDown, PosError } from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import {
  balanceInquiryRequestToMessage,
  parseBalanceInquiryResponse,
  parsePurchaseResponse,
  parseRefundResponse,
  purchaseRequestToMessage,
  refundRequestToMessage,
  voidRequestToMessage,
} from '../iso8583/views/cupPos.js';
import type { TxnRecord } from '../journal/types.js';
import { maskPan } from '../mask.js';
import { approveOffline } from './approveOffline.js';
import { finishTxn } from './finishTxn.js';
import { localResult as local } from './localResult.js';
import { localParts } from './localTime.js';
import type { CardRead } from './ports.js';
import { cancelledResult, readCardFor } from './readCardFor.js';
import { amountLimitRefusal, refundRefusal, voidRefusal } from './refusals.js';
import { viewCard } from './requestFields.js';
import { sendOnline } from './sendOnline.js';
import type { TxnContext } from './TxnContext.js';
import type { TxnEngineDeps } from './TxnEngineDeps.js';
import { TxnRecorder } from './TxnRecorder.js';
import type { RefundRequest, SaleRequest, TxnKind, TxnResult, VoidRequest } from './types.js';

/** Placeholder STAN of a message built before its journal row allocated the real one. */
const STAN_PENDING = '000000';

const NOT_FOUND = ['TXN_ORIGINAL_NOT_FOUND', 'no approved purchase with this RRN', '找不到原交易'] as const;

export class TxnFlows {
  private readonly recorder: TxnRecorder;

  constructor(private readonly d: TxnEngineDeps) {
    this.recorder = new TxnRecorder(d);
  }

  async sale(req: SaleRequest, ctx: TxnContext): Promise<TxnResult> {
    const amountMinor = checkAmount(req.amountMinor);
    const refused =
      amountLimitRefusal(this.d.profile, 'purchase', amountMinor) ?? this.recorder.storageRefusal('purchase');
    if (refused) return { ...refused, amountMinor };
    const full = await this.d.batchGate?.beforeTxn('debit');
    if (full) return local('purchase', 'failed', full.code, full.en, full.zh, { amountMinor });
    const mode = req.mode ?? this.d.profile.offline.policy;
    let hostDown = false;
    if (mode !== 'force-offline') {
      const gate = await this.d.lane.run(() => this.d.forwarder.clearReversals());
      if (gate === 'pending') return this.blockedByReversal('purchase', amountMinor);
      hostDown = gate === 'unreachable';
      if (hostDown && mode === 'require-online') {
        return local('purchase', 'failed', 'HOST_UNREACHABLE', 'host unreachable', '主机无法连接', {
          amountMinor,
        });
      }
    }
    const read = await readCardFor(this.d, amountMinor, 'purchase', ctx);
    if ('result' in read) return read.result;
    const { card, cardMs } = read;
    if (!committing(ctx)) return cancelledResult('purchase', amountMinor);
    const inHand = this.d.clock.monotonic();
    if (mode === 'force-offline' || hostDown) return this.offlineSale(card, amountMinor, inHand, cardMs, ctx);

    const msg = purchaseRequestToMessage({
      ...this.ids(),
      ...viewCard(card),
      stan: STAN_PENDING,
      batch: this.batch(),
      amountMinor,
    });
    const rec = this.recorder.begin({ kind: 'purchase', amountMinor, tillId: ctx.tillId }, msg);
    const online = await sendOnline(this.d, this.recorder, rec, msg, parsePurchaseResponse, ctx);
    // Offline only when the host cannot be reached, never after a key, TLS or protocol failure.
    if (online.kind === 'not-sent' && mode === 'prefer-online' && isHostDown(online.error)) {
      this.d.log.warn({ code: online.error.code }, 'host unreachable: trying offline approval');
      return this.offlineSale(card, amountMinor, inHand, cardMs, ctx);
    }
    return finishTxn(this.d, this.recorder, rec, online, card, inHand, cardMs);
  }

  async voidSale(req: VoidRequest, ctx: TxnContext): Promise<TxnResult> {
    const orig = this.d.journal.byRrn(req.rrn);
    if (orig?.kind !== 'purchase' || orig.state !== 'approved') return local('void', 'failed', ...NOT_FOUND);
    const refused = voidRefusal(orig, this.d.journal.originalUsage(orig));
    if (refused) return refused;
    if (orig.batch !== this.batch()) {
      return local(
        'void',
        'failed',
        'TXN_NOT_IN_BATCH',
        'only purchases of the open batch can be voided; use a refund',
        '只能撤销当批次交易,请使用退货',
      );
    }
    const overLimit = amountLimitRefusal(this.d.profile, 'void', orig.amountMinor);
    if (overLimit) return overLimit;
    return this.onlineOnly('void', orig.amountMinor, orig, ctx, (card, stan) =>
      voidRequestToMessage({
        ...this.ids(),
        ...viewCard(card),
        stan,
        batch: this.batch(),
        amountMinor: orig.amountMinor,
        originalRrn: req.rrn,
        originalAuthCode: orig.authCode ?? undefined,
        originalBatch: orig.batch,
        originalStan: orig.stan,
      }),
    );
  }

  async refund(req: RefundRequest, ctx: TxnContext): Promise<TxnResult> {
    const amountMinor = checkAmount(req.amountMinor);
    const orig = this.d.journal.byRrn(req.rrn);
    if (orig?.kind !== 'purchase' || orig.state !== 'approved')
      return local('refund', 'failed', ...NOT_FOUND);
    const refused =
      amountLimitRefusal(this.d.profile, 'refund', amountMinor) ??
      refundRefusal(orig, this.d.journal.originalUsage(orig), amountMinor);
    if (refused) return refused;
    const full = await this.d.batchGate?.beforeTxn('credit');
    if (full) return local('refund', 'failed', full.code, full.en, full.zh, { amountMinor });
    const originalDate = localParts(orig.times.created.wallMs, this.d.profile.timeZone).mmdd;
    return this.onlineOnly('refund', amountMinor, orig, ctx, (card, stan) =>
      refundRequestToMessage({
        ...this.ids(),
        ...viewCard(card),
        stan,
        batch: this.batch(),
        amountMinor,
        originalRrn: req.rrn,
        originalBatch: orig.batch,
        originalStan: orig.stan,
        originalDate,
      }),
    );
  }

  inquiry(ctx: TxnContext): Promise<TxnResult> {
    return this.onlineOnly('inquiry', 0, undefined, ctx, (card, stan) =>
      balanceInquiryRequestToMessage({ ...this.ids(), ...viewCard(card), stan, batch: this.batch() }),
    );
  }

  /** Void, refund, inquiry: never approved offline. */
  private async onlineOnly(
    kind: 'void' | 'refund' | 'inquiry',
    amountMinor: number,
    orig: TxnRecord | undefined,
    ctx: TxnContext,
    build: (card: CardRead, stan: string) => IsoMessage,
  ): Promise<TxnResult> {
    const refused = this.recorder.storageRefusal(kind);
    if (refused) return { ...refused, amountMinor: amountMinor || undefined };
    const gate = await this.d.lane.run(() => this.d.forwarder.clearReversals());
    if (gate === 'pending') return this.blockedByReversal(kind, amountMinor);
    if (gate === 'unreachable')
      return local(kind, 'failed', 'HOST_UNREACHABLE', 'host unreachable', '主机无法连接');
    // a void reads the card as a purchase; its local result (no card, cancelled ...) is a void's
    const read = await readCardFor(this.d, amountMinor, kind === 'void' ? 'purchase' : kind, ctx);
    if ('result' in read) return { ...read.result, kind };
    const { card, cardMs } = read;
    if (orig?.maskedPan && orig.maskedPan !== maskPan(card.pan)) {
      return local(
        kind,
        'failed',
        'TXN_CARD_MISMATCH',
        'not the card of the original transaction',
        '非原交易卡',
      );
    }
    if (!committing(ctx)) return cancelledResult(kind, amountMinor);
    const inHand = this.d.clock.monotonic();
    const msg = build(card, STAN_PENDING);
    const original = orig ? { batch: orig.batch, stan: orig.stan } : undefined;
    const rec = this.recorder.begin({ kind, amountMinor, original, tillId: ctx.tillId }, msg);
    const parse =
      kind === 'inquiry'
        ? parseBalanceInquiryResponse
        : kind === 'refund'
          ? parseRefundResponse
          : parsePurchaseResponse;
    const online = await sendOnline(this.d, this.recorder, rec, msg, parse, ctx);
    return finishTxn(this.d, this.recorder, rec, online, card, inHand, cardMs);
  }

  private offlineSale(
    card: CardRead,
    amountMinor: number,
    inHand: number,
    cardMs: number,
    ctx: TxnContext,
  ): TxnResult {
    const { journal, profile, clock, forwarder } = this.d;
    return approveOffline(
      { journal, profile, clock, forwarder },
      { card, amountMinor, inHand, cardMs, tillId: ctx.tillId },
    );
  }

  private blockedByReversal(kind: TxnKind, amountMinor: number): TxnResult {
    const r = this.d.journal.pendingReversals()[0];
    return {
      ...local(
        kind,
        'failed',
        'TXN_REVERSAL_PENDING',
        'a reversal is still pending: the host must confirm it first',
        '有未完成的冲正,请稍后重试',
        { amountMinor },
      ),
      reversalPending: r ? { reason: r.reason } : undefined,
    };
  }

  private ids() {
    const p = this.d.profile;
    return { terminalId: p.terminalId, merchantId: p.merchantId, currency: p.currency };
  }

  private batch(): string {
    return this.d.journal.currentBatch();
  }
}

/**
 * The point of no abort, right before the journal records the request (synchronous with it):
 * false when the request was aborted while it waited for the card (the card is dropped).
 */
function committing(ctx: TxnContext): boolean {
  if (ctx.signal?.aborted) return false;
  ctx.onStep?.('card-read');
  ctx.onStep?.('committing');
  return true;
}

function checkAmount(amountMinor: number): number {
  if (!Number.isInteger(amountMinor) || amountMinor <= 0 || amountMinor > 999_999_999_999) {
    throw new PosError('TXN_BAD_AMOUNT', 'amount must be a positive whole number of fen, at most 12 digits');
  }
  return amountMinor;
}
