/**
 * The settlement report of 100,000 synthetic sales (issue 11), end to end as a user waits for it:
 * from the report input in memory (the journal's records, the contract, the calendar) to the
 * rendered bytes of one format, i.e. buildSettlementReport (buildTimeline per sale, the sums) plus
 * renderReport. Each format runs in a fresh child process, so no format inherits another's heap.
 * Not included: reading the journal (SQLite) and writing the file. Targets: table and JSON under
 * 2 s, HTML under 3 s. Wall time, this process's CPU time (process.cpuUsage: less disturbed on a
 * shared machine) and the main thread's GC pauses are given for the build, the render and both.
 * Usage: npm run bench:report [-- count]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundledCalendar } from '../../src/settlement/calendar/HolidayCalendar.js';
import { buildSettlementReport } from '../../src/settlement/report/buildSettlementReport.js';
import { renderReport } from '../../src/settlement/report/renderReport.js';
import { REPORT_FORMATS, type ReportFormat } from '../../src/settlement/report/reportFormat.js';
import { AS_OF, salesOf } from './reportSales.js';

const TARGET_MS: Partial<Record<ReportFormat, number>> = { table: 2000, json: 2000, html: 3000 };

interface Span {
  wallMs: number;
  cpuMs: number;
  gcMs: number;
}

/** One format, end to end, in this (fresh) process. */
async function one(format: ReportFormat, count: number) {
  const txns = salesOf(count);
  const gcs: { start: number; end: number }[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  obs.observe({ entryTypes: ['gc'] });
  const mark = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
  const t0 = mark();
  const model = buildSettlementReport({
    asOf: AS_OF,
    terminalId: '12345678',
    merchantId: '898310000000001',
    calendarVersion: 'bundled',
    contract: { mode: 'T1' },
    calendar: bundledCalendar(),
    txns,
  });
  const t1 = mark();
  const bytes = renderReport(model, format, 'zh');
  const t2 = mark();
  // GC entries are delivered on a later turn of the event loop.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  const span = (a: ReturnType<typeof mark>, b: ReturnType<typeof mark>): Span => {
    const gc = gcs
      .filter((g) => g.start >= a.wall && g.end <= b.wall)
      .reduce((s, g) => s + g.end - g.start, 0);
    return {
      wallMs: Math.round(b.wall - a.wall),
      cpuMs: Math.round((b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000),
      gcMs: Math.round(gc),
    };
  };
  return {
    format,
    endToEnd: span(t0, t2),
    build: span(t0, t1),
    render: span(t1, t2),
    bytes: bytes.length,
    byStatus: Object.fromEntries(model.summary.byStatus.map((b) => [b.status, b.count])),
    needsAction: model.needsAction.length,
  };
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  console.log(JSON.stringify(await one(args[1] as ReportFormat, Number(args[2]))));
} else {
  const count = Number(args[0] ?? 100_000);
  const loadBefore = loadavg()[0];
  const runs = REPORT_FORMATS.map((format) => {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one', format, String(count)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`bench child ${format} failed: ${child.stderr}`);
    return JSON.parse(child.stdout) as Awaited<ReturnType<typeof one>>;
  });
  const bytes = Object.fromEntries(runs.map((r) => [r.format, r.bytes]));
  console.log(
    JSON.stringify(
      {
        bench: 'settlement report, end to end: report input in memory -> rendered bytes',
        transactions: count,
        endToEndMs: Object.fromEntries(runs.map((r) => [r.format, r.endToEnd.wallMs])),
        targetsMs: TARGET_MS,
        met: Object.fromEntries(
          runs
            .filter((r) => TARGET_MS[r.format] !== undefined)
            .map((r) => [r.format, r.endToEnd.wallMs < TARGET_MS[r.format]!]),
        ),
        perFormat: Object.fromEntries(
          runs.map((r) => [r.format, { endToEnd: r.endToEnd, build: r.build, render: r.render }]),
        ),
        bytes,
        protobufToJson: Number((bytes.protobuf / bytes.json).toFixed(3)),
        byStatus: runs[0].byStatus,
        needsAction: runs[0].needsAction,
        loadAverage: { before: loadBefore, after: loadavg()[0] },
        node: process.version,
      },
      null,
      2,
    ),
  );
}
