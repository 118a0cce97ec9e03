/**
 * The settlement report as JSON: one object, described by settlement-report.schema.json
 * (docs/reports.md), the model as it is with each transaction written as a ReportRow. Stable
 * within schema version 1: fields are only added, never renamed or retyped.
 */
import { ByteWriter } from './ByteWriter.js';
import { isoTime, writeIsoTime } from './isoTime.js';
import type { ReportRows, ReportTxn } from './ReportRows.js';
import type { ReportRow, SettlementReport } from './reportModel.js';

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
    stages: t.stages.map((s) => ({ stage: s.stage, at: isoTime(s.at) })),
    segments: t.segments.map((g) => ({ cause: g.cause, from: isoTime(g.from), to: isoTime(g.to) })),
  };
  // Added in this order since version 1's first release: the bytes stay the same.
  if (t.hostStatus !== undefined) row.hostStatus = t.hostStatus;
  if (t.arrivedAt !== undefined) row.arrivedAt = isoTime(t.arrivedAt);
  if (t.expectedArrival !== undefined) row.expectedArrival = isoTime(t.expectedArrival);
  if (t.mainCause !== undefined) row.mainCause = t.mainCause;
  return row;
}

/**
 * JSON bytes. Rows are written byte by byte (no string per row, no ISO text): the same bytes
 * JSON.stringify gives for the row object, which a test checks; text that JSON must escape goes
 * through JSON.stringify.
 */
class JsonBytes extends ByteWriter {
  /** A JSON string: plain printable ASCII directly, anything else through JSON.stringify. */
  str(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.text(JSON.stringify(s));
        return;
      }
    }
    this.room(s.length + 2);
    const b = this.buf;
    let p = this.len;
    b[p++] = 0x22;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    b[p++] = 0x22;
    this.len = p;
  }
  /** A JSON number as JSON.stringify writes it (null when not finite). */
  num(n: number | null): void {
    if (n === null || !Number.isFinite(n)) this.raw('null');
    else if (!Number.isSafeInteger(n) || n < 0) this.raw(String(n));
    else this.digits(n);
  }
  /** An instant as a JSON string in ISO 8601 (isoTime's text), written without a string. */
  iso(ms: number): void {
    this.room(26);
    const b = this.buf;
    b[this.len] = 0x22;
    if (writeIsoTime(b, this.len + 1, ms)) this.len += 25;
    else {
      this.len += 1;
      this.raw(isoTime(ms)); // may grow the buffer: write the quote through this.buf
    }
    this.buf[this.len++] = 0x22;
  }
}

/** The fixed bytes that open each stage and segment object, by the columns' name codes. */
interface Openers {
  stage: Buffer[];
  segment: Buffer[];
}

function openersOf(rows: ReportRows): Openers {
  return {
    stage: rows.stageNames.list.map((n) => Buffer.from(`{"stage":${JSON.stringify(n)},"at":`)),
    segment: rows.causes.list.map((c) => Buffer.from(`{"cause":${JSON.stringify(c)},"from":`)),
  };
}

/** Row i's JSON (the bytes of JSON.stringify(reportRowOf(rows.row(i))), in its key order). */
function writeRow(o: JsonBytes, rows: ReportRows, i: number, open: Openers): void {
  o.raw('{"txnId":');
  o.num(rows.txnId[i]);
  o.raw(',"rrn":');
  o.str(rows.rrn[i]);
  o.raw(',"batch":');
  o.str(rows.batch[i]);
  o.raw(',"authorisedAt":');
  o.iso(rows.authorisedAt[i]);
  o.raw(',"maskedPan":');
  const pan = rows.maskedPan[i];
  if (pan === null) o.raw('null');
  else o.str(pan);
  o.raw(',"amountMinor":');
  o.num(rows.amountMinor[i]);
  o.raw(',"approval":');
  o.str(rows.approval[i]);
  o.raw(',"mode":');
  o.str(rows.mode[i]);
  o.raw(',"status":');
  o.str(rows.status[i]);
  o.raw(',"stage":');
  o.str(rows.stage[i]);
  o.raw(',"ideal":');
  o.iso(rows.ideal[i]);
  o.raw(',"delayMs":');
  o.num(rows.delay(i));
  o.raw(',"stages":[');
  const firstStage = rows.stageStart[i];
  for (let k = firstStage, end = rows.stageStart[i + 1]; k < end; k++) {
    if (k > firstStage) o.byte(0x2c); // ,
    o.put(open.stage[rows.stageCode[k]]);
    o.iso(rows.stageAt[k]);
    o.byte(0x7d); // }
  }
  o.raw('],"segments":[');
  const firstSegment = rows.segStart[i];
  for (let k = firstSegment, end = rows.segStart[i + 1]; k < end; k++) {
    if (k > firstSegment) o.byte(0x2c);
    o.put(open.segment[rows.segCause[k]]);
    o.iso(rows.segFrom[k]);
    o.raw(',"to":');
    o.iso(rows.segTo[k]);
    o.byte(0x7d);
  }
  o.raw(']');
  const hostStatus = rows.hostStatus[i];
  if (hostStatus !== undefined) {
    o.raw(',"hostStatus":');
    o.str(hostStatus);
  }
  const arrivedAt = rows.arrivedAt(i);
  if (arrivedAt !== undefined) {
    o.raw(',"arrivedAt":');
    o.iso(arrivedAt);
  }
  const expected = rows.expectedArrival(i);
  if (expected !== undefined) {
    o.raw(',"expectedArrival":');
    o.iso(expected);
  }
  const mainCause = rows.mainCause[i];
  if (mainCause !== undefined) {
    o.raw(',"mainCause":');
    o.str(mainCause);
  }
  o.raw('}');
}

/** Row i's JSON text (tests; the report itself is written as bytes). */
export function reportRowJson(rows: ReportRows, i: number): string {
  const o = new JsonBytes(1024);
  writeRow(o, rows, i, openersOf(rows));
  return o.bytes().toString('utf8');
}

/**
 * The report as JSON, UTF-8: the rows are written one at a time straight into the bytes, so a
 * report of 100,000 sales never holds them as objects or as one 90 MB string.
 */
export function renderJsonBytes(report: SettlementReport): Buffer {
  const { transactions: rows, ...rest } = report;
  const head = JSON.stringify({ ...rest, transactions: [] });
  const o = new JsonBytes(head.length * 3 + rows.length * 900);
  o.text(head.slice(0, -2));
  const open = openersOf(rows);
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) o.byte(0x2c);
    writeRow(o, rows, i, open);
  }
  o.raw(']}\n');
  return o.bytes();
}

/** The report as JSON text. */
export function renderJson(report: SettlementReport): string {
  return renderJsonBytes(report).toString('utf8');
}
