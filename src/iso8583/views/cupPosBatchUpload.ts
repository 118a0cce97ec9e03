/**
 * cup-pos batch upload 0320/0330 (after a 0510 with reconciliation 2): entry messages
 * (60.3 = 201, field 48 entries) and the end message (60.3 = 202, field 48 = total count n4).
 */
import type { IsoMessage } from '../message.js';
import { Mti, NetworkManagementCode, TransactionType } from './cupPosConstants.js';
import {
  type BuildOptions,
  badValue,
  encodeField60,
  expectMti,
  type Field60,
  type FieldSpec,
  getFields,
  parseField60,
  putFields,
  SPEC,
  withMacPlaceholder,
} from './cupPosFields.js';
import {
  type BatchUploadEntry,
  batchUploadEntriesToField48,
  parseBatchUploadEntries,
} from './cupPosTotals.js';

export interface BatchUploadRequest {
  stan: string;
  terminalId: string;
  merchantId: string;
  batch: string;
  /** 1 to 8 entries. */
  entries: BatchUploadEntry[];
}

export interface BatchUploadEndRequest {
  stan: string;
  terminalId: string;
  merchantId: string;
  batch: string;
  /** Number of entries uploaded in the batch, n4. */
  totalCount: number;
}

export interface BatchUploadResponse {
  stan: string;
  responseCode: string;
  terminalId: string;
  merchantId?: string;
  field60?: Field60;
}

const REQUEST: readonly FieldSpec[] = [SPEC.stan, SPEC.terminalId, SPEC.merchantId];
const RESPONSE: readonly FieldSpec[] = [SPEC.stan, SPEC.responseCode, SPEC.terminalId, SPEC.merchantIdEchoed];

function field60(batch: string, code: string): string {
  return encodeField60({ transactionType: TransactionType.Management, batch, networkManagementCode: code });
}

export function batchUploadRequestToMessage(req: BatchUploadRequest, opts?: BuildOptions): IsoMessage {
  const fields = putFields({}, req, REQUEST);
  fields[48] = batchUploadEntriesToField48(req.entries);
  fields[60] = field60(req.batch, NetworkManagementCode.BatchUpload);
  return { mti: Mti.BatchUploadRequest, fields: withMacPlaceholder(fields, opts, true) };
}

export function batchUploadEndRequestToMessage(req: BatchUploadEndRequest, opts?: BuildOptions): IsoMessage {
  const fields = putFields({}, req, REQUEST);
  if (!Number.isSafeInteger(req.totalCount) || req.totalCount < 0 || req.totalCount > 9999) {
    badValue(48, 'total count must be 0 to 9999');
  }
  fields[48] = String(req.totalCount).padStart(4, '0');
  fields[60] = field60(req.batch, NetworkManagementCode.BatchUploadEnd);
  return { mti: Mti.BatchUploadRequest, fields: withMacPlaceholder(fields, opts, true) };
}

/** True for the end message of a batch upload (60.3 = 202). */
export function isBatchUploadEnd(msg: IsoMessage): boolean {
  return (
    msg.mti === Mti.BatchUploadRequest &&
    msg.fields[60]?.slice(8, 11) === NetworkManagementCode.BatchUploadEnd
  );
}

function parseCommon(msg: IsoMessage, code: string): Record<string, unknown> {
  expectMti(msg, Mti.BatchUploadRequest);
  const f60 = parseField60(msg.fields[60]);
  if (f60.networkManagementCode !== code) badValue('60.3', `expected ${code}`);
  return { ...getFields(msg, REQUEST), batch: f60.batch };
}

export function parseBatchUploadRequest(msg: IsoMessage): BatchUploadRequest {
  const common = parseCommon(msg, NetworkManagementCode.BatchUpload);
  return { ...common, entries: parseBatchUploadEntries(msg.fields[48]) } as unknown as BatchUploadRequest;
}

export function parseBatchUploadEndRequest(msg: IsoMessage): BatchUploadEndRequest {
  const common = parseCommon(msg, NetworkManagementCode.BatchUploadEnd);
  const f48 = msg.fields[48];
  if (f48 === undefined || !/^\d{4}$/.test(f48)) badValue(48, 'expected the total count n4');
  return { ...common, totalCount: Number(f48) } as unknown as BatchUploadEndRequest;
}

export function batchUploadResponseToMessage(resp: BatchUploadResponse, opts?: BuildOptions): IsoMessage {
  const fields = putFields({}, resp, RESPONSE);
  if (resp.field60 !== undefined) fields[60] = encodeField60(resp.field60);
  return { mti: Mti.BatchUploadResponse, fields: withMacPlaceholder(fields, opts, true) };
}

export function parseBatchUploadResponse(msg: IsoMessage): BatchUploadResponse {
  expectMti(msg, Mti.BatchUploadResponse);
  const out = getFields(msg, RESPONSE) as unknown as BatchUploadResponse;
  if (msg.fields[60] !== undefined) out.field60 = parseField60(msg.fields[60]);
  return out;
}
