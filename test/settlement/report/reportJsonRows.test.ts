/**
 * The JSON's rows are written directly from the model's numbers (renderJson.ts): the text must be
 * exactly what JSON.stringify gives for the documented ReportRow objects, for ordinary rows and
 * for text that JSON has to escape; and the model's rows keep numbers, not ISO text.
 */
import { describe, expect, it } from 'vitest';
import { buildSettlementReport } from '../../../src/settlement/report/buildSettlementReport.js';
import { isoTime } from '../../../src/settlement/report/isoTime.js';
import {
  renderJson,
  renderJsonBytes,
  reportRowJson,
  reportRowOf,
} from '../../../src/settlement/report/renderJson.js';
import type { SettlementReport } from '../../../src/settlement/report/reportModel.js';
import { reportInput, weekInput, weekSales } from './reportFixtures.js';

/** The slow, obvious JSON: every row made as an object, the whole report stringified at once. */
function plainJson(r: SettlementReport): string {
  return `${JSON.stringify({ ...r, transactions: r.transactions.map(reportRowOf) })}\n`;
}

const week = buildSettlementReport(weekInput());
const w = weekSales();
/** What JSON must escape (quote, backslash, control and non-ASCII characters) and odd numbers. */
const odd = buildSettlementReport(
  reportInput([
    {
      ...w.onTime,
      txn: { ...w.onTime.txn, rrn: 'a"b\\c', batch: '批次\n1', maskedPan: '621234******12\u00e9' },
    },
    { ...w.estimated, txn: { ...w.estimated.txn, maskedPan: null, amountMinor: -150 } },
    { ...w.held, txn: { ...w.held.txn, amountMinor: 12.5, txnId: 2 ** 53 + 2 } },
  ]),
);
/** A sale the calendar cannot date: its expected-arrival stage has no time. */
const beyond = buildSettlementReport(
  reportInput(
    [
      {
        observations: [],
        txn: {
          ...w.estimated.txn,
          authorisedAt: Date.parse('2026-12-31T10:00:00+08:00'),
          batchSettledAt: Date.parse('2026-12-31T20:00:00+08:00'),
        },
      },
    ],
    { asOf: Date.parse('2027-01-01T12:00:00+08:00') },
  ),
);

describe('JSON rows written from the model', () => {
  it('give the same bytes as JSON.stringify of the documented rows', () => {
    for (const r of [week, odd, beyond, buildSettlementReport(reportInput([]))]) {
      expect(renderJson(r)).toBe(plainJson(r));
      expect(Buffer.from(renderJsonBytes(r)).equals(Buffer.from(plainJson(r)))).toBe(true);
      for (const t of r.transactions) expect(reportRowJson(t)).toBe(JSON.stringify(reportRowOf(t)));
    }
    expect(JSON.parse(renderJson(odd)).transactions[0]).toMatchObject({
      rrn: 'a"b\\c',
      batch: '批次\n1',
      maskedPan: '621234******12\u00e9',
    });
  });

  it('a row keeps ms in the model and ISO text in the JSON; an undated stage is left out', () => {
    const t = week.transactions[0];
    const row = reportRowOf(t);
    expect(typeof t.authorisedAt).toBe('number');
    expect(row.authorisedAt).toBe(isoTime(t.authorisedAt));
    expect(row.ideal).toBe(new Date(t.ideal).toISOString());
    expect(row.segments.map((g) => Date.parse(g.to) - Date.parse(g.from))).toEqual(
      t.segments.map((g) => g.ms),
    );
    const b = beyond.transactions[0];
    expect(b.stages.some((s) => s.at === undefined)).toBe(true);
    const stages = reportRowOf(b).stages;
    expect(stages.map((s) => s.stage)).toEqual(
      b.stages.filter((s) => s.at !== undefined).map((s) => s.stage),
    );
    expect(stages.every((s) => typeof s.at === 'string')).toBe(true);
  });
});
