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

/**
 * One row at a time: each ReportRow lives only while it is written, so a report of 100,000 sales
 * never holds 100,000 rows of ISO text at once.
 */
export function renderJson(report: SettlementReport): string {
  const { transactions, ...rest } = report;
  const head = JSON.stringify({ ...rest, transactions: [] });
  const parts: string[] = new Array(transactions.length);
  for (let i = 0; i < transactions.length; i++) parts[i] = JSON.stringify(reportRowOf(transactions[i]));
  return `${head.slice(0, -2)}${parts.join(',')}]}\n`;
}
