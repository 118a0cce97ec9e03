/**
 * The settlement report of 100,000 synthetic transactions (issue 11): build the model once, then
 * render each format; sizes in bytes. Targets: table and JSON under 2 s, HTML under 3 s (render
 * times; the build, which runs buildTimeline per transaction, is reported beside them).
 * Usage: npm run bench:report [-- count]
 */
import type { SettlementObservationRecord, TrackedTxn } from '../../src/journal/types.js';
import { seededRandom } from '../../src/seededRandom.js';
import { bundledCalendar } from '../../src/settlement/calendar/HolidayCalendar.js';
import {
  buildSettlementReport,
  type ReportTxnInput,
} from '../../src/settlement/report/buildSettlementReport.js';
import { renderHtml } from '../../src/settlement/report/renderHtml.js';
import { renderJson } from '../../src/settlement/report/renderJson.js';
import { renderProtobuf } from '../../src/settlement/report/renderProtobuf.js';
import { renderTable } from '../../src/settlement/report/renderTable.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AS_OF = Date.parse('2026-03-31T12:00:00+08:00');
const REASONS = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09'];

const hostTime = (ms: number) => new Date(ms + 8 * HOUR).toISOString().replace(/[-:T]/g, '').slice(0, 14);
const rnd = seededRandom(11);
const int = (n: number) => Math.floor(rnd() * n);

const txns: ReportTxnInput[] = [];
for (let i = 0; i < COUNT; i++) {
  const auth = AS_OF - 30 * DAY + int(30 * DAY);
  const offline = int(10) === 0;
  const txn: TrackedTxn = {
    txnId: i + 1,
    rrn: String(100000000000 + i),
    kind: offline ? 'offline-sale' : 'purchase',
    approvalMode: offline ? 'offline' : 'online',
    amountMinor: 100 + int(500_000),
    maskedPan: `621234******${String(i % 10_000).padStart(4, '0')}`,
    batch: String(1 + Math.floor((auth - (AS_OF - 30 * DAY)) / DAY)).padStart(6, '0'),
    authorisedAt: auth,
  };
  if (offline) txn.queuedOffline = { from: auth, forwardedAt: auth + int(20 * HOUR) };
  if (int(20) !== 0) txn.batchSettledAt = auth + int(30 * HOUR);
  const observations: SettlementObservationRecord[] = [];
  for (let k = int(4); k > 0; k--) {
    const status = 'PCAAHF'[int(6)];
    const learnt = auth + int(6 * DAY);
    if (learnt > AS_OF) continue;
    observations.push({
      id: observations.length + 1,
      txnId: i + 1,
      rrn: txn.rrn,
      learntAt: learnt,
      status,
      mode: 'T1',
      expectedArrival: hostTime(auth + DAY + int(4 * DAY)),
      clearedAt: status === 'P' ? null : hostTime(auth + int(DAY)),
      arrivedAt: status === 'A' ? hostTime(Math.min(learnt, auth + DAY + int(3 * DAY))) : null,
      delayReason: int(2) === 0 ? '00' : REASONS[int(REASONS.length)],
      record: '',
    });
  }
  observations.sort((a, b) => a.learntAt - b.learntAt);
  txns.push({ txn, observations });
}

/** Wall time, and this process's CPU time (less disturbed when the machine is shared). */
function time<T>(fn: () => T): { value: T; ms: number; cpuMs: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, ms: Math.round(performance.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000) };
}

const built = time(() =>
  buildSettlementReport({
    asOf: AS_OF,
    terminalId: '12345678',
    merchantId: '898310000000001',
    calendarVersion: 'bundled',
    contract: { mode: 'T1' },
    calendar: bundledCalendar(),
    txns,
  }),
);
const report = built.value;
const table = time(() => renderTable(report, 'zh'));
const json = time(() => renderJson(report));
const protobuf = time(() => renderProtobuf(report));
const html = time(() => renderHtml(report, 'zh'));
const bytes = (s: string | Uint8Array) => (typeof s === 'string' ? Buffer.byteLength(s) : s.length);
const jsonBytes = bytes(json.value);
const pbBytes = bytes(protobuf.value);

console.log(
  JSON.stringify(
    {
      bench: 'settlement report',
      transactions: COUNT,
      buildMs: built.ms,
      renderMs: { table: table.ms, json: json.ms, protobuf: protobuf.ms, html: html.ms },
      cpuMs: {
        build: built.cpuMs,
        table: table.cpuMs,
        json: json.cpuMs,
        protobuf: protobuf.cpuMs,
        html: html.cpuMs,
      },
      targetsMs: { table: 2000, json: 2000, html: 3000 },
      bytes: { table: bytes(table.value), json: jsonBytes, protobuf: pbBytes, html: bytes(html.value) },
      protobufToJson: Number((pbBytes / jsonBytes).toFixed(3)),
      byStatus: Object.fromEntries(report.summary.byStatus.map((b) => [b.status, b.count])),
      needsAction: report.needsAction.length,
      node: process.version,
    },
    null,
    2,
  ),
);
