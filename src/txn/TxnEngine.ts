/**
 * The transaction engine: purchase, void, refund, balance inquiry and offline sales, as
 * host-cup-pos.md sections 5 and 7 say. Journal before wire: a request is committed (a
 * reversible one as reversal-pending, reason 06) before its bytes leave; the outcome is
 * committed in the next step. One transaction at a time.
 */
import type { Clock } from '../clock.js';
import {
  isHostDown,
  isHostFailure,
  isJournalWriteFailure,
  isPosError,
  isProtocolFailure,
  isSecurityFailure,
  isUnauthenticatedAnswer,
  PosError,
  type PosErrorCode,
} from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import {
  balanceInquiryRequestToMessage,
  type FinancialResponse,
  parseBalanceInquiryResponse,
  parsePurchaseResponse,
  parseRefundResponse,
  purchaseRequestToMessage,
  refundRequestToMessage,
  responseCodeText,
  voidRequestToMessage,
} from '../iso8583/views/cupPos.js';
import type { Journal } from '../journal/Journal.js';
import { checkAnswer } from '../journal/records.js';
import { type NewTxn, REVERSIBLE_KINDS, type TxnRecord } from '../journal/types.js';
import type { Logger } from '../log.js';
import { maskPan } from '../mask.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import { approveOffline } from './approveOffline.js';
import { crashPoint } from './crashPoints.js';
import type { Forwarder } from './Forwarder.js';
import type { HeldOp } from './HeldOutcomes.js';
import { hostFailureText } from './hostFailureText.js';
import type { Lane } from './Lane.js';
import { localResult as local } from './localResult.js';
import { localParts } from './localTime.js';
import type { CardRead, CardReaderPort, HostPort } from './ports.js';
import {
  amountLimitRefusal,
  DEFAULT_MIN_FREE_BYTES,
  diskFullRefusal,
  refundRefusal,
  voidRefusal,
} from './refusals.js';
import { splitForJournal, viewCard } from './requestFields.js';
import type { RefundRequest, SaleRequest, TxnKind, TxnResult, VoidRequest } from './types.js';

/** Placeholder STAN of a message built before its journal row allocated the real one. */
const STAN_PENDING = '000000';

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

type Online =
  | { kind: 'answer'; resp: FinancialResponse; message: IsoMessage; hostMs: number }
  | { kind: 'not-sent'; error: PosError }
  /** markSent could not be committed: the bytes were kept from leaving */
  | { kind: 'unrecorded'; error: PosError }
  | { kind: 'no-answer'; error: PosError; reason: '98' | 'A0' };

export class TxnEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;

  constructor(private readonly d: TxnEngineDeps) {}

  sale(req: SaleRequest): Promise<TxnResult> {
    return this.serial(() => this.doSale(req), 'purchase', req.amountMinor);
  }

  voidSale(req: VoidRequest): Promise<TxnResult> {
    return this.serial(() => this.doVoid(req), 'void');
  }

  refund(req: RefundRequest): Promise<TxnResult> {
    return this.serial(() => this.doRefund(req), 'refund', req.amountMinor);
  }

  inquiry(): Promise<TxnResult> {
    return this.serial(() => this.doInquiry(), 'inquiry');
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
  private serial(fn: () => Promise<TxnResult>, kind: TxnKind, amountMinor?: number): Promise<TxnResult> {
    if (this.closing) {
      return Promise.resolve(
        local(kind, 'failed', 'TXN_STOPPING', 'the terminal is shutting down', '终端正在关闭', {
          amountMinor,
        }),
      );
    }
    const guarded = () =>
      fn().catch((e: unknown) => {
        if (!isPosError(e, 'JOURNAL_DISK_FULL')) throw e;
        this.d.log.error({ code: e.code, kind }, 'journal storage full: transaction refused');
        return diskFullRefusal(kind, amountMinor, this.d.forwarder.held.reversals > 0);
      });
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- flows -------------------------------------------------------------------------------

  private async doSale(req: SaleRequest): Promise<TxnResult> {
    const amountMinor = checkAmount(req.amountMinor);
    const refused =
      amountLimitRefusal(this.d.profile, 'purchase', amountMinor) ?? this.storageRefusal('purchase');
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
    const read = await this.readCard(amountMinor, 'purchase');
    if ('result' in read) return read.result;
    const { card, cardMs } = read;
    const inHand = this.d.clock.monotonic();
    if (mode === 'force-offline' || hostDown) return this.offlineSale(card, amountMinor, inHand, cardMs);

    const msg = purchaseRequestToMessage({
      ...this.ids(),
      ...viewCard(card),
      stan: STAN_PENDING,
      batch: this.batch(),
      amountMinor,
    });
    const rec = this.begin({ kind: 'purchase', amountMinor }, msg);
    const online = await this.sendOnline(rec, msg, parsePurchaseResponse);
    // Offline only when the host cannot be reached, never after a key, TLS or protocol failure.
    if (online.kind === 'not-sent' && mode === 'prefer-online' && isHostDown(online.error)) {
      this.d.log.warn({ code: online.error.code }, 'host unreachable: trying offline approval');
      return this.offlineSale(card, amountMinor, inHand, cardMs);
    }
    return this.finish(rec, online, card, inHand, cardMs);
  }

  private async doVoid(req: VoidRequest): Promise<TxnResult> {
    const orig = this.d.journal.byRrn(req.rrn);
    if (orig?.kind !== 'purchase' || orig.state !== 'approved') {
      return local(
        'void',
        'failed',
        'TXN_ORIGINAL_NOT_FOUND',
        'no approved purchase with this RRN',
        '找不到原交易',
      );
    }
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
    return this.onlineOnly('void', orig.amountMinor, orig, (card, stan) =>
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

  private async doRefund(req: RefundRequest): Promise<TxnResult> {
    const amountMinor = checkAmount(req.amountMinor);
    const orig = this.d.journal.byRrn(req.rrn);
    if (orig?.kind !== 'purchase' || orig.state !== 'approved') {
      return local(
        'refund',
        'failed',
        'TXN_ORIGINAL_NOT_FOUND',
        'no approved purchase with this RRN',
        '找不到原交易',
      );
    }
    const refused =
      amountLimitRefusal(this.d.profile, 'refund', amountMinor) ??
      refundRefusal(orig, this.d.journal.originalUsage(orig), amountMinor);
    if (refused) return refused;
    const full = await this.d.batchGate?.beforeTxn('credit');
    if (full) return local('refund', 'failed', full.code, full.en, full.zh, { amountMinor });
    const originalDate = localParts(orig.times.created.wallMs, this.d.profile.timeZone).mmdd;
    return this.onlineOnly('refund', amountMinor, orig, (card, stan) =>
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

  private doInquiry(): Promise<TxnResult> {
    return this.onlineOnly('inquiry', 0, undefined, (card, stan) =>
      balanceInquiryRequestToMessage({ ...this.ids(), ...viewCard(card), stan, batch: this.batch() }),
    );
  }

  /** Void, refund, inquiry: never approved offline. */
  private async onlineOnly(
    kind: 'void' | 'refund' | 'inquiry',
    amountMinor: number,
    orig: TxnRecord | undefined,
    build: (card: CardRead, stan: string) => IsoMessage,
  ): Promise<TxnResult> {
    const refused = this.storageRefusal(kind);
    if (refused) return { ...refused, amountMinor: amountMinor || undefined };
    const gate = await this.d.lane.run(() => this.d.forwarder.clearReversals());
    if (gate === 'pending') return this.blockedByReversal(kind, amountMinor);
    if (gate === 'unreachable')
      return local(kind, 'failed', 'HOST_UNREACHABLE', 'host unreachable', '主机无法连接');
    const read = await this.readCard(amountMinor, kind === 'void' ? 'purchase' : kind);
    if ('result' in read) return read.result;
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
    const inHand = this.d.clock.monotonic();
    const msg = build(card, STAN_PENDING);
    const original = orig ? { batch: orig.batch, stan: orig.stan } : undefined;
    const rec = this.begin({ kind, amountMinor, original }, msg);
    const parse =
      kind === 'inquiry'
        ? parseBalanceInquiryResponse
        : kind === 'refund'
          ? parseRefundResponse
          : parsePurchaseResponse;
    const online = await this.sendOnline(rec, msg, parse);
    return this.finish(rec, online, card, inHand, cardMs);
  }

  // ---- steps -------------------------------------------------------------------------------

  private async readCard(
    amountMinor: number,
    type: 'purchase' | 'refund' | 'inquiry',
  ): Promise<{ card: CardRead; cardMs: number } | { result: TxnResult }> {
    const r = await this.d.reader.readCard({
      amountMinor,
      type,
      timeoutS: this.d.profile.reader.tapTimeoutS,
    });
    if (r.outcome === 'card') return { card: r.card, cardMs: r.cardMs };
    const texts: Record<string, [PosErrorCode, string, string]> = {
      'no-card': ['READER_NO_CARD', 'no card presented', '未检测到卡片'],
      declined: ['READER_DECLINED', 'declined by the card', '卡片拒绝'],
      cancelled: ['READER_CANCELLED', 'cancelled', '交易已取消'],
      failed: ['READER_FAILED', 'card read failed', '读卡失败'],
      unavailable: [
        'READER_UNAVAILABLE',
        'card reader unavailable, check its connection',
        '读卡器不可用, 请检查连接',
      ],
    };
    const [code, en, zh] = texts[r.outcome] ?? texts.failed;
    const kind: TxnKind = type === 'refund' ? 'refund' : type === 'inquiry' ? 'inquiry' : 'purchase';
    const status = r.outcome === 'unavailable' ? 'failed' : 'declined';
    return {
      result: local(kind, status, code, en, zh, {
        amountMinor,
      }),
    };
  }

  /**
   * One commit: the journal allocates the STAN with the row (and stores the request with it);
   * the message gets it before it goes anywhere.
   */
  private begin(t: Omit<NewTxn, 'fields' | 'card' | 'stan'>, msg: IsoMessage): TxnRecord {
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

  private sendOnline(
    rec: TxnRecord,
    msg: IsoMessage,
    parse: (m: IsoMessage) => FinancialResponse,
  ): Promise<Online> {
    return this.d.lane.run(async () => {
      let written = false;
      let markFailed: PosError | undefined;
      try {
        const ans = await this.d.host.send(msg, {
          onWritten: () => {
            try {
              this.d.journal.markSent(rec.id);
            } catch (e) {
              // Journal before wire: the throw keeps the bytes from leaving (HostPort contract).
              if (isJournalWriteFailure(e)) markFailed = e;
              throw e;
            }
            written = true;
            crashPoint('after-commit');
          },
        });
        crashPoint('after-answer');
        return { kind: 'answer', resp: parse(ans.message), message: ans.message, hostMs: ans.hostMs };
      } catch (e) {
        if (markFailed) {
          this.record(rec, { op: 'abort' }, () => this.d.journal.abort(rec.id));
          return { kind: 'unrecorded', error: markFailed };
        }
        if (!isHostFailure(e)) throw e;
        if (!written) {
          this.record(rec, { op: 'abort' }, () => this.d.journal.abort(rec.id));
          if (isHostDown(e)) this.d.log.warn({ code: e.code }, 'host unreachable: request not sent');
          else this.d.log.error({ code: e.code, reason: e.message }, 'request not sent: host link failure');
          return { kind: 'not-sent', error: e };
        }
        // An answer that failed authentication or could not be understood: A0; none: 98.
        const reason = isUnauthenticatedAnswer(e) || isProtocolFailure(e) ? 'A0' : '98';
        this.record(rec, { op: 'no-answer', reason }, () => this.d.journal.recordNoAnswer(rec.id, reason));
        return { kind: 'no-answer', error: e, reason };
      }
    });
  }

  /**
   * Writes one outcome; when the journal cannot write (disk full ...), the outcome is held in
   * memory by the forwarder (written and acted on first when the journal can write again).
   * Returns the write error when held.
   */
  private record(rec: TxnRecord, op: HeldOp, write: () => unknown): PosError | undefined {
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
  private storageRefusal(kind: TxnKind): TxnResult | undefined {
    const { forwarder, journal, profile, log } = this.d;
    if (forwarder.held.size > 0 && forwarder.held.flush(journal) > 0) {
      return diskFullRefusal(kind, undefined, forwarder.held.reversals > 0);
    }
    const min = profile.journal.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
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

  private finish(rec: TxnRecord, online: Online, card: CardRead, inHand: number, cardMs: number): TxnResult {
    const base = {
      id: rec.id,
      kind: rec.kind as TxnKind,
      amountMinor: rec.amountMinor || undefined,
      stan: rec.stan,
      batch: rec.batch,
      maskedPan: maskPan(card.pan),
      entryInterface: card.entryInterface,
    };
    if (online.kind === 'unrecorded') {
      return {
        ...base,
        outcome: 'failed',
        textEn: 'storage is full: the journal cannot record the request, nothing was sent',
        textZh: '存储空间不足,交易未发送',
        reason: { code: online.error.code, message: online.error.message },
        timings: { cardMs, totalMs: this.d.clock.monotonic() - inHand },
      };
    }
    if (online.kind !== 'answer') {
      const pending =
        this.d.journal.get(rec.id)?.state === 'reversal-pending' ||
        this.d.forwarder.held.list().some((h) => h.txnId === rec.id && h.reversal);
      if (pending) this.d.forwarder.kick(0);
      const timeout = online.kind === 'no-answer' && online.reason === '98';
      const notSent = online.kind === 'not-sent' ? hostFailureText(online.error) : undefined;
      // a key, TLS or protocol failure before sending: declined, and the text says what to fix
      const refused =
        online.kind === 'not-sent' && (isSecurityFailure(online.error) || isProtocolFailure(online.error));
      return {
        ...base,
        outcome: refused ? 'declined' : 'failed',
        textEn: notSent
          ? notSent.en
          : timeout
            ? 'no answer from the host'
            : 'host answer failed the MAC check',
        textZh: notSent ? notSent.zh : timeout ? '主机无应答' : '应答MAC校验失败',
        reason: { code: online.error.code, message: online.error.message },
        reversalPending: pending && online.kind === 'no-answer' ? { reason: online.reason } : undefined,
        timings: { cardMs, totalMs: this.d.clock.monotonic() - inHand },
      };
    }
    const { resp, hostMs } = online;
    const beforeCommit = this.d.clock.monotonic();
    const answer = { responseCode: resp.responseCode, rrn: resp.rrn, authCode: resp.authCode };
    checkAnswer(answer); // a malformed answer is refused as before, never held
    const approved = resp.responseCode === '00';
    // The journal cannot record the answer: an approval of a reversible request is reversed; a
    // decline or a refund / inquiry answer is kept as it is (written when the journal can).
    const reverse = approved && REVERSIBLE_KINDS.includes(rec.kind);
    const unrecorded = this.record(rec, reverse ? { op: 'reverse', answer } : { op: 'answer', answer }, () =>
      this.d.journal.recordAnswer(rec.id, answer),
    );
    const end = this.d.clock.monotonic();
    if (unrecorded && reverse) {
      return {
        ...base,
        outcome: 'failed',
        responseCode: resp.responseCode,
        textEn: 'storage is full: the host approved but the journal cannot record it; it will be reversed',
        textZh: '存储空间不足,无法记录交易结果,交易将被冲正',
        reason: { code: unrecorded.code, message: unrecorded.message },
        reversalPending: { reason: '06' },
        timings: { cardMs, hostMs, totalMs: end - inHand },
      };
    }
    const text = responseCodeText(resp.responseCode);
    const balance = (resp as { balance?: string }).balance ?? online.message.fields[54];
    return {
      ...base,
      outcome: approved ? 'approved' : 'declined',
      reason: unrecorded
        ? { code: unrecorded.code, message: 'the journal cannot record the answer yet: kept in memory' }
        : undefined,
      approval: 'online',
      responseCode: resp.responseCode,
      textEn: text.en,
      textZh: text.zh,
      rrn: resp.rrn,
      authCode: resp.authCode,
      balance: rec.kind === 'inquiry' ? balance : undefined,
      timings: {
        cardMs,
        hostMs,
        prepareMs: Math.max(0, beforeCommit - inHand - hostMs),
        commitMs: end - beforeCommit,
        totalMs: end - inHand,
      },
    };
  }

  private offlineSale(card: CardRead, amountMinor: number, inHand: number, cardMs: number): TxnResult {
    const { journal, profile, clock, forwarder } = this.d;
    return approveOffline({ journal, profile, clock, forwarder }, { card, amountMinor, inHand, cardMs });
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

function checkAmount(amountMinor: number): number {
  if (!Number.isInteger(amountMinor) || amountMinor <= 0 || amountMinor > 999_999_999_999) {
    throw new PosError('TXN_BAD_AMOUNT', 'amount must be a positive whole number of fen, at most 12 digits');
  }
  return amountMinor;
}
