/**
 * The settlement report as JSON: one object, described by settlement-report.schema.json
 * (docs/reports.md), the model as it is with each transaction written as a ReportRow. Stable
 * within schema version 1: fields are only added, never renamed or retyped.
 */
import { isoTime } from './isoTime.js';
import type { ReportRow, ReportTxn, SettlementReport } from './reportModel.js';

/** A transaction as the JSON gives it: ISO times, the dated stages, the segments' causes. */
export function reportRowOf(t: ReportTxn): ReportRow {
  const row: ReportRow = {
    txnId: t.txnId,
    rrn: t.rrn,
    batch: t.batch,
    authorisedAt: isoTime(t.authorisedAt),
    maskedPan: t.maskedPan,
    amountMinor: t.amountMinor,
    approval: t.approval,
    mode: t.mode,
    status: t.status,
    stage: t.stage,
    ideal: isoTime(t.ideal),
    delayMs: t.delayMs,
    stages: [],
    segments: t.segments.map((g) => ({ cause: g.cause, from: isoTime(g.from), to: isoTime(g.to) })),
  };
  for (const s of t.stages) if (s.at !== undefined) row.stages.push({ stage: s.stage, at: isoTime(s.at) });
  // Added in this order since version 1's first release: the bytes stay the same.
  if (t.hostStatus !== undefined) row.hostStatus = t.hostStatus;
  if (t.arrivedAt !== undefined) row.arrivedAt = isoTime(t.arrivedAt);
  if (t.expectedArrival !== undefined) row.expectedArrival = isoTime(t.expectedArrival);
  if (t.mainCause !== undefined) row.mainCause = t.mainCause;
  return row;
}

const str = JSON.stringify;
/** A JSON number as JSON.stringify writes it (null when not finite). */
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The JSON text of reportRowOf(t), written directly: the same bytes as JSON.stringify gives
 * (a test compares them) at a fraction of the cost, with no row object or ISO text kept.
 * Text from the journal goes through JSON.stringify; the names this code chooses are plain.
 */
export function reportRowJson(t: ReportTxn): string {
  let s = `{"txnId":${num(t.txnId)},"rrn":${str(t.rrn)},"batch":${str(t.batch)},"authorisedAt":"${isoTime(t.authorisedAt)}","maskedPan":${t.maskedPan === null ? 'null' : str(t.maskedPan)},"amountMinor":${num(t.amountMinor)},"approval":${str(t.approval)},"mode":${str(t.mode)},"status":"${t.status}","stage":"${t.stage}","ideal":"${isoTime(t.ideal)}","delayMs":${t.delayMs === null ? 'null' : num(t.delayMs)},"stages":[`;
  let sep = '';
  for (const g of t.stages) {
    if (g.at === undefined) continue;
    s += `${sep}{"stage":"${g.stage}","at":"${isoTime(g.at)}"}`;
    sep = ',';
  }
  s += '],"segments":[';
  sep = '';
  for (const g of t.segments) {
    s += `${sep}{"cause":"${g.cause}","from":"${isoTime(g.from)}","to":"${isoTime(g.to)}"}`;
    sep = ',';
  }
  s += ']';
  if (t.hostStatus !== undefined) s += `,"hostStatus":${str(t.hostStatus)}`;
  if (t.arrivedAt !== undefined) s += `,"arrivedAt":"${isoTime(t.arrivedAt)}"`;
  if (t.expectedArrival !== undefined) s += `,"expectedArrival":"${isoTime(t.expectedArrival)}"`;
  if (t.mainCause !== undefined) s += `,"mainCause":"${t.mainCause}"`;
  return `${s}}`;
}

/** UTF-8 bytes written in pieces into one buffer that grows by doubling. */
class ByteSink {
  private buf: Buffer;
  private len = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }
  write(text: string): void {
    const need = this.len + text.length * 3;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.len += this.buf.write(text, this.len, 'utf8');
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** Rows gathered into text pieces of about this many characters before they become bytes. */
const PIECE = 1 << 16;

/**
 * The report as JSON, UTF-8: the rows are written one at a time straight into the bytes, so a
 * report of 100,000 sales never holds them as objects or as one 90 MB string.
 */
export function renderJsonBytes(report: SettlementReport): Buffer {
  const { transactions, ...rest } = report;
  const head = JSON.stringify({ ...rest, transactions: [] });
  const out = new ByteSink(head.length * 3 + transactions.length * 900);
  out.write(head.slice(0, -2));
  let piece = '';
  for (let i = 0; i < transactions.length; i++) {
    piece += i === 0 ? reportRowJson(transactions[i]) : `,${reportRowJson(transactions[i])}`;
    if (piece.length >= PIECE) {
      out.write(piece);
      piece = '';
    }
  }
  out.write(`${piece}]}\n`);
  return out.bytes();
}

/** The report as JSON text. */
export function renderJson(report: SettlementReport): string {
  return renderJsonBytes(report).toString('utf8');
}
