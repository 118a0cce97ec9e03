/**
 * Writes every format of a set of synthetic reports into a folder (one file per report, format
 * and language), so two versions of the report code can be compared byte for byte:
 * `tsx scripts/bench/reportDump.ts DIR` on each, then `cmp` or `diff -r` the two folders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledCalendar } from '../../src/settlement/calendar/HolidayCalendar.js';
import { buildSettlementReport } from '../../src/settlement/report/buildSettlementReport.js';
import { renderReport } from '../../src/settlement/report/renderReport.js';
import { REPORT_FORMATS } from '../../src/settlement/report/reportFormat.js';
import type { SettlementContract } from '../../src/settlement/timeline/buildTimeline.js';
import { AS_OF, salesOf } from './reportSales.js';

const dir = process.argv[2] ?? 'report-dump';
mkdirSync(dir, { recursive: true });
const contracts: SettlementContract[] = [
  { mode: 'T1' },
  { mode: 'D0' },
  { mode: 'D1', cutOff: '22:00', timeZone: 'Asia/Tokyo' },
];
let files = 0;
for (const count of [0, 1, 7, 100, 3000, 5000]) {
  contracts.forEach((contract, c) => {
    const model = buildSettlementReport({
      asOf: AS_OF,
      terminalId: '12345678',
      merchantId: '898310000000001',
      calendarVersion: 'bundled',
      contract,
      calendar: bundledCalendar(),
      txns: salesOf(count),
      ...(count === 3000 && c === 0 ? { selection: { from: '2026-03-10', to: '2026-03-20' } } : {}),
    });
    for (const format of REPORT_FORMATS)
      for (const lang of ['zh', 'en'] as const) {
        if ((format === 'json' || format === 'protobuf') && lang === 'en') continue;
        writeFileSync(join(dir, `${count}-${c}-${format}-${lang}`), renderReport(model, format, lang));
        files++;
      }
  });
}
console.log(`${files} files in ${dir}`);
