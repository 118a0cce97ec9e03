/**
 * The table's transaction rows are written as bytes (tableRows.ts): each must be the line the
 * obvious string code gives (rowLine of the cells, as the table made them before), for ordinary
 * rows and for values outside the byte writer's fast paths.
 */
import { describe, expect, it } from 'vitest';
import { formatAmount } from '../../../src/money.js';
import { buildSettlementReport } from '../../../src/settlement/report/buildSettlementReport.js';
import { renderTable, renderTableBytes } from '../../../src/settlement/report/renderTable.js';
import type { SettlementReport } from '../../../src/settlement/report/reportModel.js';
import {
  CAUSE_LABEL,
  hostMinute,
  type ReportLang,
  STATUS_LABEL,
  shortDuration,
} from '../../../src/settlement/report/reportText.js';
import { rowLine } from '../../../src/settlement/report/tableRows.js';
import { HostZone } from '../../../src/settlement/timeline/HostZone.js';
import { beyondInput, reportInput, weekInput, weekSales } from './reportFixtures.js';

/** The rows as strings: a dozen strings per row, padded by rowLine. */
function plainRows(r: SettlementReport, lang: ReportLang): string[] {
  const zone = new HostZone(r.header.timeZone);
  const short = (ms: number | undefined) => (ms === undefined ? '-' : hostMinute(zone, ms).slice(5));
  return r.transactions
    .toArray()
    .map((t) =>
      rowLine([
        short(t.authorisedAt),
        t.maskedPan ? `…${t.maskedPan.slice(-4)}` : '-',
        formatAmount(t.amountMinor),
        t.mode,
        STATUS_LABEL[t.status][lang],
        short(t.arrivedAt ?? t.expectedArrival),
        shortDuration(t.delayMs, lang),
        t.mainCause ? CAUSE_LABEL[t.mainCause][lang] : '-',
      ]),
    );
}

/** The table's lines after the column header. */
function tableRows(r: SettlementReport, lang: ReportLang): string[] {
  const lines = renderTable(r, lang).split('\n');
  return lines.slice(lines.indexOf(lang === 'en' ? 'Transactions' : '交易明细') + 2, -1);
}

const w = weekSales();
/** Outside the fast paths: no card, a short or non-ASCII card end, negative, fractional and huge amounts. */
const odd = buildSettlementReport(
  reportInput([
    { ...w.onTime, txn: { ...w.onTime.txn, maskedPan: null, amountMinor: -150 } },
    { ...w.estimated, txn: { ...w.estimated.txn, maskedPan: '12é', amountMinor: 12.5 } },
    { ...w.held, txn: { ...w.held.txn, maskedPan: '621234******12é4', amountMinor: 2_000_000_000_00 } },
    { ...w.failed, txn: { ...w.failed.txn, maskedPan: '', amountMinor: 0 } },
  ]),
);
/** A sale the calendar cannot date: no delay ('?'). */
const beyond = buildSettlementReport(beyondInput());
/** Another zone, where host minutes differ from Shanghai's. */
const tokyo = buildSettlementReport(weekInput({ contract: { mode: 'T1', timeZone: 'Asia/Tokyo' } }));

describe('table rows written as bytes', () => {
  it('are the lines rowLine gives for the same cells, in both languages', () => {
    for (const r of [buildSettlementReport(weekInput()), odd, beyond, tokyo])
      for (const lang of ['en', 'zh'] as const) {
        const rows = tableRows(r, lang);
        expect(rows).toHaveLength(r.transactions.length);
        expect(rows).toEqual(plainRows(r, lang));
        expect(renderTableBytes(r, lang).toString('utf8')).toBe(renderTable(r, lang));
      }
  });

  it('keep their odd values: no card, a cut card end, fen amounts, an amount over the column', () => {
    const rows = tableRows(odd, 'en');
    // formatAmount's own text for negative and fractional amounts, as the table always printed
    expect(rows[0]).toBe('03-02 10:00 -         -2.-50 T1   arrived    03-03 09:00       0m -');
    expect(rows[1]).toBe('03-09 10:00 …12é4 2000000000.00 T1   HELD       -              1d03h risk hold');
    expect(rows[2]).toBe('03-09 11:00 -           0.00 T1   FAILED     -              1d03h xfer failed');
    expect(rows[3]).toBe('03-11 09:00 …12é      0.12.5 T1   in transit 03-12 09:00       0m -');
    // an amount over its column is never cut: the rest of its line moves right
    expect(rows[1].indexOf(' T1 ') - rows[2].indexOf(' T1 ')).toBe(3);
  });
});
