/**
 * cup-pos management messages (host-cup-pos.md sections 4, 5): sign-on 0800/0810, echo test
 * 0820/0830, settlement 0500/0510, batch upload 0320/0330, settlement status inquiry (private)
 * 0800/0810. Typed object <-> IsoMessage both ways.
 */
import type { IsoMessage } from '../message.js';
import { CURRENCY_CNY, Mti, NetworkManagementCode, TransactionType } from './cupPosConstants.js';
import {
  ansFixed,
  ansVar,
  asciiToHex,
  type BuildOptions,
  badValue,
  encodeField60,
  expectMti,
  type Field60,
  type FieldSpec,
  type Fields,
  getFields,
  hexToAscii,
  hexVar,
  parseField60,
  putFields,
  SPEC,
  withMacPlaceholder,
} from './cupPosFields.js';
import {
  buildSettlementStatusRecords,
  parseSettlementStatusRecords,
  type SettlementStatusRecord,
} from './cupPosStatusRecord.js';
import { parseSettlementTotals, type SettlementTotals, settlementTotalsToField48 } from './cupPosTotals.js';

/** What every management request carries. */
export interface ManagementRequestBase {
  stan: string;
  terminalId: string;
  merchantId: string;
  /** 60.2. */
  batch: string;
}

/** What every management response carries (field 60 when the host sends it). */
export interface ManagementResponseBase {
  stan: string;
  localTime?: string;
  localDate?: string;
  settlementDate?: string;
  acquirerId?: string;
  rrn?: string;
  responseCode: string;
  terminalId: string;
  merchantId?: string;
  currency?: string;
  field60?: Field60;
}

const REQUEST: readonly FieldSpec[] = [SPEC.stan, SPEC.terminalId, SPEC.merchantId];
const RESPONSE: readonly FieldSpec[] = [
  SPEC.stan,
  SPEC.localTime,
  SPEC.localDate,
  SPEC.settlementDate,
  SPEC.acquirerId,
  SPEC.rrn,
  SPEC.responseCode,
  SPEC.terminalId,
  SPEC.merchantIdEchoed,
  SPEC.currency,
];
const OPERATOR: FieldSpec = { field: 63, key: 'operatorId', codec: ansVar(3) };

function requestFields(req: ManagementRequestBase, code: string, extra: readonly FieldSpec[] = []): Fields {
  const fields = putFields({}, req, [...REQUEST, ...extra]);
  fields[60] = encodeField60({
    transactionType: TransactionType.Management,
    batch: req.batch,
    networkManagementCode: code,
  });
  return fields;
}

function parseRequest(
  msg: IsoMessage,
  mti: string,
  codes: string[],
  extra: readonly FieldSpec[] = [],
): Record<string, unknown> {
  expectMti(msg, mti);
  const f60 = parseField60(msg.fields[60]);
  if (!codes.includes(f60.networkManagementCode)) badValue('60.3', `expected ${codes.join(' or ')}`);
  return {
    ...getFields(msg, [...REQUEST, ...extra]),
    batch: f60.batch,
    networkManagementCode: f60.networkManagementCode,
  };
}

function responseFields(resp: ManagementResponseBase, extra: readonly FieldSpec[] = []): Fields {
  const fields = putFields({}, resp, [...RESPONSE, ...extra]);
  if (resp.field60 !== undefined) fields[60] = encodeField60(resp.field60);
  return fields;
}

function parseResponse(
  msg: IsoMessage,
  mti: string,
  extra: readonly FieldSpec[] = [],
): Record<string, unknown> {
  expectMti(msg, mti);
  const out = getFields(msg, [...RESPONSE, ...extra]);
  if (msg.fields[60] !== undefined) out.field60 = parseField60(msg.fields[60]);
  return out;
}

const padOperator = (id: string): string => id.padEnd(3, ' ');

// ---- sign-on 0800/0810 ------------------------------------------------------------------

export interface SignOnRequest extends ManagementRequestBase {
  /** Field 63, e.g. '01' (sent space-padded to 3). */
  operatorId: string;
}

export interface SignOnResponse extends ManagementResponseBase {
  /** Field 62 as uppercase hex: the 40-byte key block (crypto parseSignOnKeys). */
  keys?: string;
}

export function signOnRequestToMessage(req: SignOnRequest): IsoMessage {
  const fields = requestFields(
    { ...req, operatorId: padOperator(req.operatorId) } as SignOnRequest,
    NetworkManagementCode.SignOn,
    [OPERATOR],
  );
  return { mti: Mti.NetworkManagementRequest, fields };
}

export function parseSignOnRequest(msg: IsoMessage): SignOnRequest {
  const r = parseRequest(msg, Mti.NetworkManagementRequest, [NetworkManagementCode.SignOn], [OPERATOR]);
  const { networkManagementCode: _, ...rest } = r;
  return { ...rest, operatorId: String(rest.operatorId ?? '').trimEnd() } as unknown as SignOnRequest;
}

const KEYS: FieldSpec = { field: 62, key: 'keys', codec: hexVar(512) };

export function signOnResponseToMessage(resp: SignOnResponse): IsoMessage {
  return { mti: Mti.NetworkManagementResponse, fields: responseFields(resp, [KEYS]) };
}

export function parseSignOnResponse(msg: IsoMessage): SignOnResponse {
  return parseResponse(msg, Mti.NetworkManagementResponse, [KEYS]) as unknown as SignOnResponse;
}

// ---- echo test 0820/0830 ----------------------------------------------------------------

export type EchoTestRequest = ManagementRequestBase;
export type EchoTestResponse = ManagementResponseBase;

export function echoTestRequestToMessage(req: EchoTestRequest): IsoMessage {
  return { mti: Mti.EchoTestRequest, fields: requestFields(req, NetworkManagementCode.EchoTest) };
}

export function parseEchoTestRequest(msg: IsoMessage): EchoTestRequest {
  const { networkManagementCode: _, ...rest } = parseRequest(msg, Mti.EchoTestRequest, [
    NetworkManagementCode.EchoTest,
  ]);
  return rest as unknown as EchoTestRequest;
}

export function echoTestResponseToMessage(resp: EchoTestResponse): IsoMessage {
  return { mti: Mti.EchoTestResponse, fields: responseFields(resp) };
}

export function parseEchoTestResponse(msg: IsoMessage): EchoTestResponse {
  return parseResponse(msg, Mti.EchoTestResponse) as unknown as EchoTestResponse;
}

// ---- settlement 0500/0510 ---------------------------------------------------------------

export interface SettlementRequest extends ManagementRequestBase {
  totals: SettlementTotals;
  operatorId: string;
  currency?: string;
}

export interface SettlementResponse extends ManagementResponseBase {
  /** Field 48: the host's totals, reconciliation code in the last digit. */
  totals?: SettlementTotals;
}

const CURRENCY: FieldSpec = SPEC.currency;

export function settlementRequestToMessage(req: SettlementRequest, opts?: BuildOptions): IsoMessage {
  const fields = requestFields(
    { ...req, operatorId: padOperator(req.operatorId) } as SettlementRequest,
    NetworkManagementCode.Settlement,
    [OPERATOR, CURRENCY],
  );
  fields[48] = settlementTotalsToField48(req.totals);
  fields[49] ??= CURRENCY_CNY;
  return { mti: Mti.SettlementRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseSettlementRequest(msg: IsoMessage): SettlementRequest {
  const { networkManagementCode: _, ...rest } = parseRequest(
    msg,
    Mti.SettlementRequest,
    [NetworkManagementCode.Settlement],
    [OPERATOR, CURRENCY],
  );
  return {
    ...rest,
    operatorId: String(rest.operatorId ?? '').trimEnd(),
    totals: parseSettlementTotals(msg.fields[48]),
  } as unknown as SettlementRequest;
}

export function settlementResponseToMessage(resp: SettlementResponse, opts?: BuildOptions): IsoMessage {
  const fields = responseFields(resp);
  if (resp.totals !== undefined) fields[48] = settlementTotalsToField48(resp.totals);
  return { mti: Mti.SettlementResponse, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseSettlementResponse(msg: IsoMessage): SettlementResponse {
  const out = parseResponse(msg, Mti.SettlementResponse) as unknown as SettlementResponse;
  if (msg.fields[48] !== undefined) out.totals = parseSettlementTotals(msg.fields[48]);
  return out;
}

// ---- settlement status inquiry (private) 0800/0810 --------------------------------------

export interface SettlementStatusInquiryRequest extends ManagementRequestBase {
  /** Up to 8 RRNs of 12 characters. */
  rrns: string[];
}

export interface SettlementStatusInquiryResponse extends ManagementResponseBase {
  /** One record per asked RRN, same order. */
  records: SettlementStatusRecord[];
}

export const MAX_STATUS_RRNS = 8;

export function settlementStatusInquiryRequestToMessage(req: SettlementStatusInquiryRequest): IsoMessage {
  if (req.rrns.length < 1 || req.rrns.length > MAX_STATUS_RRNS) badValue(62, 'expected 1 to 8 RRNs');
  const fields = requestFields(req, NetworkManagementCode.SettlementStatusInquiry);
  fields[62] = asciiToHex(req.rrns.map((r) => ansFixed(12).enc(r, 62)).join(''));
  return { mti: Mti.NetworkManagementRequest, fields };
}

export function parseSettlementStatusInquiryRequest(msg: IsoMessage): SettlementStatusInquiryRequest {
  const { networkManagementCode: _, ...rest } = parseRequest(msg, Mti.NetworkManagementRequest, [
    NetworkManagementCode.SettlementStatusInquiry,
  ]);
  const text = hexToAscii(hexVar(512).dec(msg.fields[62] ?? '', 62));
  if (text.length === 0 || text.length % 12 !== 0 || text.length > 12 * MAX_STATUS_RRNS) {
    badValue(62, 'expected 1 to 8 RRNs of 12 characters');
  }
  const rrns = (text.match(/.{12}/gs) ?? []).map((r) => ansFixed(12).dec(r, 62));
  return { ...rest, rrns } as unknown as SettlementStatusInquiryRequest;
}

export function settlementStatusInquiryResponseToMessage(resp: SettlementStatusInquiryResponse): IsoMessage {
  const fields = responseFields(resp);
  fields[62] = asciiToHex(buildSettlementStatusRecords(resp.records));
  return { mti: Mti.NetworkManagementResponse, fields };
}

export function parseSettlementStatusInquiryResponse(msg: IsoMessage): SettlementStatusInquiryResponse {
  const out = parseResponse(msg, Mti.NetworkManagementResponse) as unknown as SettlementStatusInquiryResponse;
  const f62 = msg.fields[62];
  out.records = f62 === undefined ? [] : parseSettlementStatusRecords(hexToAscii(hexVar(512).dec(f62, 62)));
  return out;
}
