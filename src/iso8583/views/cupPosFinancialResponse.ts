/**
 * cup-pos financial responses: 0210 (purchase, void, balance inquiry), 0230 (refund, offline
 * sale advice), 0410 (reversal). One shape, named per transaction.
 */
import type { IsoMessage } from '../message.js';
import { Mti } from './cupPosConstants.js';
import {
  amount,
  ansFixed,
  ansVar,
  type BuildOptions,
  encodeField60,
  expectMti,
  type Field60,
  type FieldSpec,
  getFields,
  hexVar,
  nFixed,
  parseField60,
  putFields,
  SPEC,
  withMacPlaceholder,
} from './cupPosFields.js';

export interface FinancialResponse {
  processingCode: string;
  /** Field 4 (absent in a balance inquiry response). */
  amountMinor?: number;
  stan: string;
  /** Field 12 hhmmss, host local time. */
  localTime?: string;
  /** Field 13 MMDD. */
  localDate?: string;
  /** Field 15 MMDD. */
  settlementDate?: string;
  conditionCode?: string;
  /** Field 32. */
  acquirerId?: string;
  /** Field 37. */
  rrn?: string;
  /** Field 38 (approved). */
  authCode?: string;
  /** Field 39. */
  responseCode: string;
  terminalId: string;
  merchantId: string;
  /** Field 44. */
  additionalResponse?: string;
  currency?: string;
  /** Field 55 issuer data, uppercase hex. */
  iccData?: string;
  field60?: Field60;
}

export type PurchaseResponse = FinancialResponse;
export type VoidResponse = FinancialResponse;
export type RefundResponse = FinancialResponse;
export type OfflineSaleAdviceResponse = FinancialResponse;
export type ReversalResponse = FinancialResponse;
export interface BalanceInquiryResponse extends FinancialResponse {
  /** Field 54 as sent (see parseBalanceAmount). */
  balance?: string;
}

const RESPONSE: readonly FieldSpec[] = [
  { field: 3, key: 'processingCode', codec: nFixed(6), required: true },
  { field: 4, key: 'amountMinor', codec: amount },
  SPEC.stan,
  SPEC.localTime,
  SPEC.localDate,
  SPEC.settlementDate,
  { field: 25, key: 'conditionCode', codec: nFixed(2) },
  SPEC.acquirerId,
  SPEC.rrn,
  { field: 38, key: 'authCode', codec: ansFixed(6) },
  SPEC.responseCode,
  SPEC.terminalId,
  SPEC.merchantId,
  { field: 44, key: 'additionalResponse', codec: ansVar(25) },
  SPEC.currency,
  { field: 54, key: 'balance', codec: ansVar(20) },
  { field: 55, key: 'iccData', codec: hexVar(255) },
];

function toMessage(mti: string, resp: FinancialResponse, opts?: BuildOptions): IsoMessage {
  const fields = putFields({}, resp, RESPONSE);
  if (resp.field60 !== undefined) fields[60] = encodeField60(resp.field60);
  return { mti, fields: withMacPlaceholder(fields, opts, true) };
}

function parse(msg: IsoMessage, mti: string): FinancialResponse {
  expectMti(msg, mti);
  const out = getFields(msg, RESPONSE) as unknown as FinancialResponse;
  if (msg.fields[60] !== undefined) out.field60 = parseField60(msg.fields[60]);
  return out;
}

export const purchaseResponseToMessage = (r: PurchaseResponse, o?: BuildOptions): IsoMessage =>
  toMessage(Mti.FinancialResponse, r, o);
export const parsePurchaseResponse = (m: IsoMessage): PurchaseResponse => parse(m, Mti.FinancialResponse);

export const voidResponseToMessage = (r: VoidResponse, o?: BuildOptions): IsoMessage =>
  toMessage(Mti.FinancialResponse, r, o);
export const parseVoidResponse = (m: IsoMessage): VoidResponse => parse(m, Mti.FinancialResponse);

export const balanceInquiryResponseToMessage = (r: BalanceInquiryResponse, o?: BuildOptions): IsoMessage =>
  toMessage(Mti.FinancialResponse, r, o);
export const parseBalanceInquiryResponse = (m: IsoMessage): BalanceInquiryResponse =>
  parse(m, Mti.FinancialResponse);

export const refundResponseToMessage = (r: RefundResponse, o?: BuildOptions): IsoMessage =>
  toMessage(Mti.AdviceResponse, r, o);
export const parseRefundResponse = (m: IsoMessage): RefundResponse => parse(m, Mti.AdviceResponse);

export const offlineSaleAdviceResponseToMessage = (
  r: OfflineSaleAdviceResponse,
  o?: BuildOptions,
): IsoMessage => toMessage(Mti.AdviceResponse, r, o);
export const parseOfflineSaleAdviceResponse = (m: IsoMessage): OfflineSaleAdviceResponse =>
  parse(m, Mti.AdviceResponse);

export const reversalResponseToMessage = (r: ReversalResponse, o?: BuildOptions): IsoMessage =>
  toMessage(Mti.ReversalResponse, r, o);
export const parseReversalResponse = (m: IsoMessage): ReversalResponse => parse(m, Mti.ReversalResponse);

/**
 * The amount in a field 54 of the common UnionPay 20-character layout: account type n2 + amount
 * type n2 + currency n3 + sign C/D + amount n12. Undefined when field 54 has another layout.
 */
export function parseBalanceAmount(
  balance: string | undefined,
): { currency: string; amountMinor: number } | undefined {
  const m = balance === undefined ? null : /^\d{4}(\d{3})([CD])(\d{12})$/.exec(balance);
  if (!m) return undefined;
  const value = Number(m[3]);
  return { currency: m[1], amountMinor: m[2] === 'D' ? -value : value };
}
