/**
 * cup-pos financial requests (host-cup-pos.md section 5): purchase, void, refund, balance
 * inquiry, offline sale advice and reversal, typed object <-> IsoMessage both ways (the runtime
 * builds requests, the host simulator parses them). Responses: cupPosFinancialResponse.ts.
 */
import type { IsoMessage } from '../message.js';
import {
  CURRENCY_CNY,
  type EntryMode,
  Mti,
  NetworkManagementCode,
  type PinCapability,
  PosConditionCode,
  ProcessingCode,
  type ReadCapability,
  type ReversalReason,
  TransactionType,
} from './cupPosConstants.js';
import {
  amount,
  ansFixed,
  type BuildOptions,
  badValue,
  encodeField22,
  encodeField60,
  encodeField61,
  expectMti,
  expectValue,
  type FieldSpec,
  type Fields,
  getFields,
  hexVar,
  nFixed,
  nVar,
  parseField22,
  parseField60,
  parseField61,
  putFields,
  SPEC,
  track,
  withMacPlaceholder,
} from './cupPosFields.js';

/** Card data as the reader gave it. Track data is never stored: reversals and advices carry the PAN. */
export interface CardData {
  pan?: string;
  /** Track 2 equivalent data, separator 'D' (or '='). */
  track2?: string;
  track3?: string;
  /** YYMM. */
  expiry?: string;
  entryMode: EntryMode | string;
  pinCapability: PinCapability | string;
  /** Card sequence number n3 (chip). */
  panSequence?: string;
  /** Field 55, uppercase hex. */
  iccData?: string;
  /** Field 52, encrypted PIN block, 16 hex characters. */
  pinBlock?: string;
  /** Field 53, n16. */
  securityControl?: string;
}

export interface TerminalIds {
  terminalId: string;
  merchantId: string;
}

/** What every financial request of the terminal carries besides card data. */
export interface FinancialRequestBase extends CardData, TerminalIds {
  stan: string;
  /** 60.2. */
  batch: string;
  /** 60.4. */
  readCapability?: ReadCapability | string;
  /** 60.5. */
  icCondition?: string;
  /** Field 49, default '156'. */
  currency?: string;
}

export interface PurchaseRequest extends FinancialRequestBase {
  amountMinor: number;
}

/** A void (0200) as the message carries it; the till's `VoidRequest` lives in txn/types. */
export interface CupPosVoidRequest extends FinancialRequestBase {
  amountMinor: number;
  /** Field 37 of the original. */
  originalRrn: string;
  /** Field 38 of the original. */
  originalAuthCode?: string;
  originalBatch: string;
  originalStan: string;
}

/** A refund (0220) as the message carries it; the till's `RefundRequest` lives in txn/types. */
export interface CupPosRefundRequest extends FinancialRequestBase {
  amountMinor: number;
  originalRrn: string;
  originalBatch: string;
  originalStan: string;
  /** MMDD. */
  originalDate: string;
}

export type BalanceInquiryRequest = FinancialRequestBase;

export interface OfflineSaleAdviceRequest extends Omit<FinancialRequestBase, 'track2' | 'track3'> {
  amountMinor: number;
  /** Field 12 hhmmss, when the sale happened. */
  localTime: string;
  /** Field 13 MMDD. */
  localDate: string;
  /** Field 38: the terminal's offline approval code. */
  offlineAuthCode: string;
}

/** A reversal carries the original request's data (its STAN, 3, 25, 60) and the reason. */
export interface ReversalRequest extends Omit<FinancialRequestBase, 'track2' | 'track3' | 'pinBlock'> {
  /** The original's processing code. */
  processingCode: string;
  amountMinor: number;
  /** The original's 25, default '00'. */
  conditionCode?: string;
  /** The original's 60.1. */
  transactionType: string;
  /** The original's 60.3, default '000'. */
  networkManagementCode?: string;
  reason: ReversalReason | string;
}

// Field specs: which typed property goes to which field.
const CARD: readonly FieldSpec[] = [
  { field: 2, key: 'pan', codec: nVar(19) },
  { field: 14, key: 'expiry', codec: nFixed(4) },
  { field: 23, key: 'panSequence', codec: nFixed(3) },
  { field: 35, key: 'track2', codec: track(37) },
  { field: 36, key: 'track3', codec: track(104) },
  { field: 52, key: 'pinBlock', codec: hexVar(8) },
  { field: 53, key: 'securityControl', codec: nFixed(16) },
  { field: 55, key: 'iccData', codec: hexVar(255) },
];
const CARD_STORED = CARD.filter((s) => s.field !== 35 && s.field !== 36 && s.field !== 52 && s.field !== 53);
const BASE: readonly FieldSpec[] = [SPEC.stan, SPEC.terminalId, SPEC.merchantId, SPEC.currency];
const AMOUNT: FieldSpec = { field: 4, key: 'amountMinor', codec: amount, required: true };

function financialFields(
  req: FinancialRequestBase,
  card: readonly FieldSpec[],
  extra: readonly FieldSpec[],
  processingCode: string,
  transactionType: string,
): Fields {
  if (req.pinBlock !== undefined && !/^[0-9A-Fa-f]{16}$/.test(req.pinBlock)) badValue(52, 'expected 8 bytes');
  const fields = putFields({}, req, [...card, ...BASE, ...extra]);
  fields[3] = processingCode;
  fields[22] = encodeField22(req.entryMode, req.pinCapability);
  fields[25] = PosConditionCode.Normal;
  fields[49] ??= CURRENCY_CNY;
  fields[60] = encodeField60({
    transactionType,
    batch: req.batch,
    networkManagementCode: NetworkManagementCode.None,
    readCapability: req.readCapability,
    icCondition: req.icCondition,
  });
  return fields;
}

function parseFinancial(
  msg: IsoMessage,
  card: readonly FieldSpec[],
  extra: readonly FieldSpec[],
): Record<string, unknown> {
  const f60 = parseField60(msg.fields[60]);
  const out: Record<string, unknown> = {
    ...getFields(msg, [...card, ...BASE, ...extra]),
    ...parseField22(msg.fields[22]),
    batch: f60.batch,
  };
  if (f60.readCapability !== undefined) out.readCapability = f60.readCapability;
  if (f60.icCondition !== undefined) out.icCondition = f60.icCondition;
  return out;
}

function expectType(msg: IsoMessage, type: string): void {
  const f60 = parseField60(msg.fields[60]);
  if (f60.transactionType !== type) badValue('60.1', `expected transaction type ${type}`);
}

// ---- purchase 0200 ----------------------------------------------------------------------

export function purchaseRequestToMessage(req: PurchaseRequest, opts?: BuildOptions): IsoMessage {
  const fields = financialFields(req, CARD, [AMOUNT], ProcessingCode.Purchase, TransactionType.Purchase);
  return { mti: Mti.FinancialRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parsePurchaseRequest(msg: IsoMessage): PurchaseRequest {
  expectMti(msg, Mti.FinancialRequest);
  expectValue(msg, 3, ProcessingCode.Purchase);
  expectType(msg, TransactionType.Purchase);
  return parseFinancial(msg, CARD, [AMOUNT]) as unknown as PurchaseRequest;
}

// ---- void 0200 --------------------------------------------------------------------------

const VOID_EXTRA: readonly FieldSpec[] = [
  AMOUNT,
  { field: 37, key: 'originalRrn', codec: ansFixed(12), required: true },
  { field: 38, key: 'originalAuthCode', codec: ansFixed(6) },
];

export function voidRequestToMessage(req: CupPosVoidRequest, opts?: BuildOptions): IsoMessage {
  const fields = financialFields(req, CARD, VOID_EXTRA, ProcessingCode.Void, TransactionType.Void);
  fields[61] = encodeField61({ batch: req.originalBatch, stan: req.originalStan });
  return { mti: Mti.FinancialRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseVoidRequest(msg: IsoMessage): CupPosVoidRequest {
  expectMti(msg, Mti.FinancialRequest);
  expectValue(msg, 3, ProcessingCode.Void);
  expectType(msg, TransactionType.Void);
  const f61 = parseField61(msg.fields[61]);
  return {
    ...parseFinancial(msg, CARD, VOID_EXTRA),
    originalBatch: f61.batch,
    originalStan: f61.stan,
  } as unknown as CupPosVoidRequest;
}

// ---- refund 0220 ------------------------------------------------------------------------

const REFUND_EXTRA: readonly FieldSpec[] = [
  AMOUNT,
  { field: 37, key: 'originalRrn', codec: ansFixed(12), required: true },
];

export function refundRequestToMessage(req: CupPosRefundRequest, opts?: BuildOptions): IsoMessage {
  const fields = financialFields(req, CARD, REFUND_EXTRA, ProcessingCode.Refund, TransactionType.Refund);
  fields[61] = encodeField61({ batch: req.originalBatch, stan: req.originalStan, date: req.originalDate });
  return { mti: Mti.AdviceRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseRefundRequest(msg: IsoMessage): CupPosRefundRequest {
  expectMti(msg, Mti.AdviceRequest);
  expectValue(msg, 3, ProcessingCode.Refund);
  expectType(msg, TransactionType.Refund);
  const f61 = parseField61(msg.fields[61]);
  if (f61.date === undefined) badValue(61, 'refund needs the original date');
  return {
    ...parseFinancial(msg, CARD, REFUND_EXTRA),
    originalBatch: f61.batch,
    originalStan: f61.stan,
    originalDate: f61.date,
  } as unknown as CupPosRefundRequest;
}

// ---- balance inquiry 0200 ---------------------------------------------------------------

export function balanceInquiryRequestToMessage(req: BalanceInquiryRequest, opts?: BuildOptions): IsoMessage {
  const fields = financialFields(
    req,
    CARD,
    [],
    ProcessingCode.BalanceInquiry,
    TransactionType.BalanceInquiry,
  );
  return { mti: Mti.FinancialRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseBalanceInquiryRequest(msg: IsoMessage): BalanceInquiryRequest {
  expectMti(msg, Mti.FinancialRequest);
  expectValue(msg, 3, ProcessingCode.BalanceInquiry);
  expectType(msg, TransactionType.BalanceInquiry);
  return parseFinancial(msg, CARD, []) as unknown as BalanceInquiryRequest;
}

// ---- offline sale advice 0220 -----------------------------------------------------------

const ADVICE_EXTRA: readonly FieldSpec[] = [
  AMOUNT,
  { field: 12, key: 'localTime', codec: nFixed(6), required: true },
  { field: 13, key: 'localDate', codec: nFixed(4), required: true },
  { field: 38, key: 'offlineAuthCode', codec: ansFixed(6), required: true },
];

export function offlineSaleAdviceRequestToMessage(
  req: OfflineSaleAdviceRequest,
  opts?: BuildOptions,
): IsoMessage {
  const fields = financialFields(
    req,
    CARD_STORED,
    ADVICE_EXTRA,
    ProcessingCode.OfflineSaleAdvice,
    TransactionType.OfflineSaleAdvice,
  );
  return { mti: Mti.AdviceRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseOfflineSaleAdviceRequest(msg: IsoMessage): OfflineSaleAdviceRequest {
  expectMti(msg, Mti.AdviceRequest);
  expectValue(msg, 3, ProcessingCode.OfflineSaleAdvice);
  expectType(msg, TransactionType.OfflineSaleAdvice);
  return parseFinancial(msg, CARD_STORED, ADVICE_EXTRA) as unknown as OfflineSaleAdviceRequest;
}

// ---- reversal 0400 ----------------------------------------------------------------------

const REVERSAL_EXTRA: readonly FieldSpec[] = [
  AMOUNT,
  { field: 3, key: 'processingCode', codec: nFixed(6), required: true },
  { field: 25, key: 'conditionCode', codec: nFixed(2) },
  { field: 39, key: 'reason', codec: ansFixed(2), required: true },
];

export function reversalRequestToMessage(req: ReversalRequest, opts?: BuildOptions): IsoMessage {
  const fields = putFields({}, req, [...CARD_STORED, ...BASE, ...REVERSAL_EXTRA]);
  fields[22] = encodeField22(req.entryMode, req.pinCapability);
  fields[25] ??= PosConditionCode.Normal;
  fields[49] ??= CURRENCY_CNY;
  fields[60] = encodeField60({
    transactionType: req.transactionType,
    batch: req.batch,
    networkManagementCode: req.networkManagementCode ?? NetworkManagementCode.None,
    readCapability: req.readCapability,
    icCondition: req.icCondition,
  });
  fields[61] = encodeField61({ batch: req.batch, stan: req.stan });
  return { mti: Mti.ReversalRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseReversalRequest(msg: IsoMessage): ReversalRequest {
  expectMti(msg, Mti.ReversalRequest);
  const f60 = parseField60(msg.fields[60]);
  const f61 = parseField61(msg.fields[61]);
  if (f61.batch !== f60.batch || f61.stan !== msg.fields[11]) badValue(61, 'does not name the original');
  return {
    ...parseFinancial(msg, CARD_STORED, REVERSAL_EXTRA),
    transactionType: f60.transactionType,
    networkManagementCode: f60.networkManagementCode,
  } as unknown as ReversalRequest;
}

/** Fields of the original request a reversal repeats (no track data, no PIN block). */
const REVERSAL_COPIES = [2, 3, 4, 11, 14, 22, 23, 25, 41, 42, 49, 55, 60] as const;

/**
 * The reversal 0400 of an original 0200 as it was sent (or stored): the original's fields, 39 =
 * reason, 61 = original batch (60.2) + original STAN.
 */
export function reversalRequestFromOriginal(
  original: IsoMessage,
  reason: ReversalReason | string,
  opts?: BuildOptions,
): IsoMessage {
  expectMti(original, Mti.FinancialRequest);
  const fields: Fields = {};
  for (const f of REVERSAL_COPIES) if (original.fields[f] !== undefined) fields[f] = original.fields[f];
  const f60 = parseField60(original.fields[60]);
  fields[39] = ansFixed(2).enc(reason, 39);
  fields[61] = encodeField61({ batch: f60.batch, stan: nFixed(6).enc(original.fields[11], 11) });
  return { mti: Mti.ReversalRequest, fields: withMacPlaceholder(fields, opts, true) };
}
