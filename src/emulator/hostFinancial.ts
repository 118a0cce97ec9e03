/**
 * Financial decisions of the host simulator: purchase, void, refund, balance inquiry, offline
 * advice, reversal. Works on unpacked messages and the ledger; pure apart from the context.
 */
import type { IsoMessage } from '../iso8583/message.js';
import { maskPan } from '../mask.js';
import { HostLedger, type LedgerEntry, type LedgerKind } from './hostLedger.js';
import { decideByAmount, HOST_UTC_OFFSET_MS, hostTimeParts } from './hostRules.js';

/** What the financial rules need from the simulator. */
export interface FinancialContext {
  ledger: HostLedger;
  now(): number;
  nextRrn(): string;
  nextAuthCode(): string;
  /** Balance returned by an inquiry, fen. */
  balance: number;
}

/** The decision for one financial request: field values to add to the response. */
export interface FinancialDecision {
  responseCode: string;
  rrn?: string;
  authCode?: string;
  balance?: string;
  /** Ledger entry created or touched, for events. */
  entry?: LedgerEntry;
}

/** A request that cannot be read as the transaction it claims to be (answered 30). */
export class FormatError extends Error {
  constructor(readonly field: number) {
    super(`field ${field} missing or malformed`);
  }
}

function need(req: IsoMessage, field: number, re: RegExp): string {
  const v = req.fields[field];
  if (v === undefined || !re.test(v)) throw new FormatError(field);
  return v;
}

const N12 = /^\d{12}$/;
const F60 = /^\d{11,17}$/;

/** PAN from field 2, or from track 2 before its separator; '' when neither is there. */
function panOf(req: IsoMessage): string {
  const p = req.fields[2] ?? (req.fields[35] ?? '').split(/[D=]/i)[0];
  return /^\d{12,19}$/.test(p) ? p : '';
}

/** Sale time of an advice from its 13 (MMDD) and 12 (hhmmss), host local; `now` when absent. */
function adviceTime(req: IsoMessage, now: number): number {
  const d = req.fields[13];
  const t = req.fields[12];
  if (!d || !t || !/^\d{4}$/.test(d) || !/^\d{6}$/.test(t)) return now;
  let year = Number(hostTimeParts(now).yyyy);
  const at = (y: number) =>
    Date.UTC(
      y,
      Number(d.slice(0, 2)) - 1,
      Number(d.slice(2)),
      Number(t.slice(0, 2)),
      Number(t.slice(2, 4)),
      Number(t.slice(4)),
    ) - HOST_UTC_OFFSET_MS;
  if (at(year) > now + 86_400_000) year--;
  const ms = at(year);
  return Number.isFinite(ms) ? ms : now;
}

export function classify(req: IsoMessage): LedgerKind | 'reversal' | 'unknown' {
  const code = req.fields[3];
  const type = (req.fields[60] ?? '').slice(0, 2);
  if (req.mti === '0400') return 'reversal';
  if (req.mti === '0200') {
    if (code === '000000') return 'purchase';
    if (code === '200000') return 'void';
    if (code === '310000') return 'inquiry';
  }
  if (req.mti === '0220') {
    if (code === '200000') return 'refund';
    if (code === '000000' && type === '30') return 'advice';
  }
  return 'unknown';
}

/** Decide a 0200 / 0220 / 0400. Throws FormatError for missing or malformed fields. */
export function decideFinancial(
  req: IsoMessage,
  terminalId: string,
  ctx: FinancialContext,
): FinancialDecision {
  const kind = classify(req);
  if (kind === 'unknown') return { responseCode: '12' };
  const stan = need(req, 11, /^\d{6}$/);
  const f60 = need(req, 60, F60);
  if (kind === 'reversal') return reverse(req, terminalId, stan, f60.slice(2, 8), ctx);
  const amountText = kind === 'inquiry' ? (req.fields[4] ?? '000000000000') : need(req, 4, N12);
  if (!N12.test(amountText)) throw new FormatError(4);
  const amount = Number(amountText);
  const batch = f60.slice(2, 8);
  const dup = ctx.ledger.findByStan(terminalId, batch, stan);
  if (dup) return { responseCode: dup.amount === amount ? '94' : '12', entry: dup };

  const now = ctx.now();
  let responseCode = '00';
  let original: LedgerEntry | undefined;
  if (kind === 'purchase' || kind === 'advice') {
    responseCode = decideByAmount(amountText);
  } else if (kind === 'void') {
    original = ctx.ledger.findByRrn(need(req, 37, /^.{12}$/), terminalId);
    const f61 = req.fields[61];
    if (original?.kind !== 'purchase' || original.responseCode !== '00' || original.reversed) {
      responseCode = '25';
    } else if (f61 && f61.slice(0, 12) !== original.batch + original.stan) {
      responseCode = '25';
    } else if (original.voided) {
      responseCode = '12';
    } else if (original.amount !== amount) {
      responseCode = '13';
    }
  } else if (kind === 'refund') {
    original = ctx.ledger.findByRrn(need(req, 37, /^.{12}$/));
    const refundable = original && (original.kind === 'purchase' || original.kind === 'advice');
    responseCode = refundable && original && HostLedger.counts(original) ? '00' : '25';
  }

  const approved = responseCode === '00';
  const rrn = ctx.nextRrn();
  const authCode = !approved
    ? ''
    : kind === 'advice'
      ? (req.fields[38] ?? '').slice(0, 6)
      : ctx.nextAuthCode();
  const pan = panOf(req);
  const entry = ctx.ledger.add({
    terminalId,
    merchantId: req.fields[42] ?? '',
    kind,
    stan,
    batch,
    amount,
    rrn,
    authCode,
    responseCode,
    reversed: false,
    voided: false,
    advice: kind === 'advice',
    approvalMode: kind === 'advice' ? 'offline' : 'online',
    maskedPan: pan ? maskPan(pan) : '',
    at: kind === 'advice' ? adviceTime(req, now) : now,
    receivedAt: now,
    ...(original && (kind === 'void' || kind === 'refund') ? { originalRrn: original.rrn } : {}),
  });
  if (kind === 'void' && approved && original) original.voided = true;
  const decision: FinancialDecision = { responseCode, rrn, entry };
  if (approved && authCode.length === 6) decision.authCode = authCode;
  if (approved && kind === 'inquiry') decision.balance = `1002156C${String(ctx.balance).padStart(12, '0')}`;
  return decision;
}

/** Reversal 0400: original by terminal + 61 (batch + STAN), else 60.2 + 11. */
function reverse(
  req: IsoMessage,
  terminalId: string,
  stan: string,
  batch: string,
  ctx: FinancialContext,
): FinancialDecision {
  const f61 = req.fields[61];
  let origBatch = batch;
  let origStan = stan;
  if (f61 !== undefined) {
    if (!/^\d{12,}$/.test(f61)) throw new FormatError(61);
    origBatch = f61.slice(0, 6);
    origStan = f61.slice(6, 12);
  }
  const original = ctx.ledger.findByStan(terminalId, origBatch, origStan);
  if (!original) return { responseCode: '25' };
  if (!original.reversed) {
    original.reversed = true;
    if (original.kind === 'void' && original.responseCode === '00' && original.originalRrn) {
      const voided = ctx.ledger.findByRrn(original.originalRrn, terminalId);
      if (voided) voided.voided = false;
    }
  }
  return { responseCode: '00', rrn: original.rrn, entry: original };
}
