/**
 * The control API's requests → RuntimeApi calls, and results → responses, for the server; the
 * event mapping for both sides. Requests are checked here (amounts, till ids, modes): a value
 * that decodes but makes no sense is CONTROL_BAD_REQUEST naming the field.
 */
import { PosError } from '../errors.js';
import type { RuntimeApi, RuntimeEvent, SettlementReportRequest } from '../runtime/RuntimeApi.js';
import { REPORT_FORMATS, type ReportFormat } from '../settlement/report/reportFormat.js';
import type { SaleMode } from '../txn/types.js';

type Plain = Record<string, unknown>;

/** Request cases answered by a plain RuntimeApi call (subscribe/unsubscribe are the connection's). */
export const CALLS = [
  'sale',
  'voidSale',
  'refund',
  'inquiry',
  'transactionStatus',
  'abort',
  'queueList',
  'queueForward',
  'settle',
  'status',
  'settlementStatus',
  'settlementTimeline',
  'settlementTrack',
  'settlementReport',
] as const;
export type CallCase = (typeof CALLS)[number];

const TILL_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const RRN = /^[0-9A-Za-z]{12}$/;
const MAX_AMOUNT = 999_999_999_999;
const MODES: readonly SaleMode[] = ['prefer-online', 'require-online', 'force-offline'];

function bad(key: string, message: string): PosError {
  return new PosError('CONTROL_BAD_REQUEST', message, { key });
}

function amount(v: unknown, key = 'amount_minor'): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > MAX_AMOUNT)
    throw bad(key, `'${key}' must be a whole number of minor units from 1 to ${MAX_AMOUNT}`);
  return v;
}

/** '' → undefined (no idempotency); otherwise checked. */
function tillId(v: unknown, required = false): string | undefined {
  if (v === '' || v === undefined) {
    if (required) throw bad('till_id', `'till_id' is required`);
    return undefined;
  }
  if (typeof v !== 'string' || !TILL_ID.test(v))
    throw bad('till_id', `'till_id' must be 1 to 64 characters of A-Z a-z 0-9 . _ : -`);
  return v;
}

function rrn(v: unknown): string {
  if (typeof v !== 'string' || !RRN.test(v)) throw bad('rrn', `'rrn' must be 12 letters or digits`);
  return v;
}

function mode(v: unknown): SaleMode | undefined {
  if (v === 'unspecified' || v === undefined) return undefined;
  if (!MODES.includes(v as SaleMode)) throw bad('mode', 'unknown sale mode');
  return v as SaleMode;
}

/** Empty strings are absent fields; the selection's dates are checked by the report builder. */
function reportRequest(p: Plain): SettlementReportRequest {
  if (!REPORT_FORMATS.includes(p.format as ReportFormat))
    throw bad('format', 'format must be table, json, protobuf or html');
  const opt = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  const lang = opt('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'zh') throw bad('lang', `'lang' must be en or zh`);
  const req: SettlementReportRequest = { format: p.format as ReportFormat, lang };
  for (const k of ['from', 'to', 'batch', 'asOf'] as const) {
    const v = opt(k);
    if (v !== undefined) req[k] = v;
  }
  if (req.batch !== undefined && (req.from !== undefined || req.to !== undefined))
    throw bad('batch', 'give from/to or batch, not both');
  return req;
}

function withTill<T extends object>(req: T, id: string | undefined): T & { tillId?: string } {
  return id === undefined ? req : { ...req, tillId: id };
}

/** Runs one call; resolves with the Response's value for the same case (TypeScript-shaped). */
export async function runCall(api: RuntimeApi, call: CallCase, p: Plain): Promise<unknown> {
  switch (call) {
    case 'sale': {
      const m = mode(p.mode);
      const req = withTill({ amountMinor: amount(p.amountMinor) }, tillId(p.tillId));
      return api.sale(m === undefined ? req : { ...req, mode: m });
    }
    case 'voidSale':
      return api.void(withTill({ rrn: rrn(p.rrn) }, tillId(p.tillId)));
    case 'refund':
      return api.refund(withTill({ rrn: rrn(p.rrn), amountMinor: amount(p.amountMinor) }, tillId(p.tillId)));
    case 'inquiry':
      return api.inquiry(withTill({}, tillId(p.tillId)));
    case 'transactionStatus':
      return api.transactionStatus({ tillId: tillId(p.tillId, true)! });
    case 'abort':
      return api.abort(withTill({}, tillId(p.tillId)));
    case 'queueList':
      return { rows: await api.queueList({ all: p.all === true }) };
    case 'queueForward':
      return api.queueForward();
    case 'settle':
      return api.settle();
    case 'status':
      return api.status();
    case 'settlementStatus':
      return api.settlementStatus();
    case 'settlementTimeline':
      return api.settlementTimeline({ rrn: rrn(p.rrn) });
    case 'settlementTrack':
      return api.settlementTrack();
    case 'settlementReport':
      return api.settlementReport(reportRequest(p));
  }
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** RuntimeEvent → the Event message's TypeScript shape ({seq, at, signOn: {...}}). */
export function eventToWire(e: RuntimeEvent): Plain {
  const { seq, at, type, ...rest } = e;
  return { seq, at, [camel(type)]: rest };
}

/** The decoded Event (fromWire) → RuntimeEvent; undefined for a kind this side does not know. */
export function eventFromWire(m: Plain): RuntimeEvent | undefined {
  const kind = m.kind as string | undefined;
  if (!kind) return undefined;
  return { seq: m.seq, at: m.at, type: kebab(kind), ...(m[kind] as Plain) } as RuntimeEvent;
}
