/**
 * The settlement report as a length-delimited stream of `posterm.v1.report.ReportRecord`
 * (src/proto/posterm/v1/report.proto, embedded by `npm run gen:proto`): header, summary,
 * forecast, needs-action items, transactions, end. Pure; `decodeReportStream` reads it back
 * (tests, and an example for other readers).
 */
import protobuf from 'protobufjs';
import type { DelayCause } from '../timeline/delayCauses.js';
import type { ReportStatus, SettlementReport } from './reportModel.js';
import { REPORT_PROTO } from './reportProtoText.js';

const root = protobuf.parse(REPORT_PROTO, { keepCase: false }).root;
root.resolveAll();

export const ReportRecordType = root.lookupType('posterm.v1.report.ReportRecord');

const MODE = { D0: 1, T1: 2, D1: 3 } as const;
const STATUS: Record<ReportStatus, number> = { arrived: 1, 'in-transit': 2, held: 3, failed: 4, unknown: 5 };
const CAUSE: Record<DelayCause, number> = {
  'terminal-offline': 1,
  'batch-settled-late': 2,
  'after-cut-off': 3,
  'non-business-day': 4,
  'd0-limit': 5,
  'account-not-eligible': 6,
  'risk-hold': 7,
  'bank-maintenance': 8,
  'transfer-failed': 9,
  'delayed-settlement-switch': 10,
  'processing-beyond-norm': 11,
  unexplained: 12,
};

const ms = (iso: string) => Date.parse(iso);
const optMs = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export function renderProtobuf(report: SettlementReport): Uint8Array {
  const w = protobuf.Writer.create();
  const put = (record: Record<string, unknown>) => ReportRecordType.encodeDelimited(record, w);
  const h = report.header;
  put({
    header: {
      asOf: ms(h.asOf),
      timeZone: h.timeZone,
      terminal: h.terminal,
      merchant: h.merchant,
      calendarVersion: h.calendarVersion,
      contractMode: MODE[h.contractMode],
      periodFrom: h.period.from,
      periodTo: h.period.to,
      periodBatch: h.period.batch,
      batches: h.period.batches,
    },
  });
  const s = report.summary;
  put({
    summary: {
      count: s.count,
      amountMinor: s.amountMinor,
      byStatus: s.byStatus.map((b) => ({
        status: STATUS[b.status],
        count: b.count,
        amountMinor: b.amountMinor,
      })),
      onTimeCount: s.onTime.count,
      onTimeOf: s.onTime.of,
      timeToFunds: s.timeToFunds.map((m) => ({ ...m, mode: MODE[m.mode] })),
      timeToFundsBins: s.timeToFundsBins,
      delayByCause: s.delayByCause.map((c) => ({ ...c, cause: CAUSE[c.cause] })),
      largestDelays: s.largestDelays.map((d) => ({
        ...d,
        status: STATUS[d.status],
        mainCause: d.mainCause ? CAUSE[d.mainCause] : 0,
      })),
    },
  });
  const f = report.forecast;
  put({
    forecast: {
      days: f.days,
      overdueCount: f.overdue.count,
      overdueAmountMinor: f.overdue.amountMinor,
      undatedCount: f.undated.count,
      undatedAmountMinor: f.undated.amountMinor,
    },
  });
  for (const a of report.needsAction) {
    put({
      action: {
        rrn: a.rrn,
        maskedPan: a.maskedPan ?? undefined,
        amountMinor: a.amountMinor,
        authorisedAt: ms(a.authorisedAt),
        status: STATUS[a.status],
        since: optMs(a.since),
        delayMs: a.delayMs ?? undefined,
        cause: CAUSE[a.cause],
        text: a.text,
        remedy: a.remedy,
      },
    });
  }
  const rows = report.transactions;
  for (let i = 0; i < rows.length; i++) {
    const cause = rows.mainCause[i];
    const stages = [];
    for (let k = rows.stageStart[i]; k < rows.stageStart[i + 1]; k++)
      stages.push({ stage: rows.stageName(k), at: rows.stageAt[k] });
    const segments = [];
    for (let k = rows.segStart[i]; k < rows.segStart[i + 1]; k++)
      segments.push({ cause: CAUSE[rows.segmentCause(k)], from: rows.segFrom[k], to: rows.segTo[k] });
    put({
      transaction: {
        txnId: rows.txnId[i],
        rrn: rows.rrn[i],
        batch: rows.batch[i],
        authorisedAt: rows.authorisedAt[i],
        maskedPan: rows.maskedPan[i] ?? undefined,
        amountMinor: rows.amountMinor[i],
        offline: rows.approval[i] === 'offline',
        mode: MODE[rows.mode[i]],
        status: STATUS[rows.status[i]],
        stage: rows.stage[i],
        hostStatus: rows.hostStatus[i],
        ideal: rows.ideal[i],
        expectedArrival: rows.expectedArrival(i),
        arrivedAt: rows.arrivedAt(i),
        delayMs: rows.delay(i) ?? undefined,
        mainCause: cause ? CAUSE[cause] : 0,
        stages,
        segments,
      },
    });
  }
  put({ end: { transactions: report.transactions.length } });
  return w.finish();
}

/** Every record of a stream, as plain objects (enums as their names, int64 as numbers). */
export function decodeReportStream(bytes: Uint8Array): Record<string, unknown>[] {
  const reader = protobuf.Reader.create(bytes);
  const out: Record<string, unknown>[] = [];
  while (reader.pos < reader.len) {
    const msg = ReportRecordType.decodeDelimited(reader);
    out.push(ReportRecordType.toObject(msg, { enums: String, longs: Number, defaults: true }));
  }
  return out;
}
