/**
 * The settlement report as JSON: one object, described by settlement-report.schema.json
 * (docs/reports.md), the model as it is with each transaction written as a ReportRow. Stable
 * within schema version 1: fields are only added, never renamed or retyped.
 */
import { isoTime } from './isoTime.js';
import { JsonRowWriter } from './jsonRows.js';
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

/** Row i's JSON text (tests; the report itself is written as bytes). */
export function reportRowJson(rows: ReportRows, i: number): string {
  const o = new JsonRowWriter(1024, rows);
  o.row(i);
  return o.bytes().toString('utf8');
}

/**
 * The report as JSON, UTF-8: the rows are written one at a time straight into the bytes, so a
 * report of 100,000 sales never holds them as objects or as one 90 MB string.
 */
export function renderJsonBytes(report: SettlementReport): Buffer {
  const { transactions: rows, ...rest } = report;
  const head = JSON.stringify({ ...rest, transactions: [] });
  const o = new JsonRowWriter(head.length * 3 + rows.length * 900, rows);
  o.text(head.slice(0, -2));
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) o.byte(0x2c);
    o.row(i);
  }
  o.raw(']}\n');
  return o.bytes();
}

/** The report as JSON text. */
export function renderJson(report: SettlementReport): string {
  return renderJsonBytes(report).toString('utf8');
}
