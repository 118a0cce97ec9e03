/**
 * The JSON's rows are written directly from the model's numbers (renderJson.ts): the text must be
 * exactly what JSON.stringify gives for the documented ReportRow objects, for ordinary rows and
 * for text that JSON has to escape; and the model's rows keep numbers, not ISO text.
 */
import { describe, expect, it } from 'vitest';
import {
  buildSettlementReport,
  type ReportInput,
} from '../../../src/settlement/report/buildSettlementReport.js';
import { isoTime } from '../../../src/settlement/report/isoTime.js';
import {
  renderJson,
  renderJsonBytes,
  reportRowJson,
  reportRowOf,
} from '../../../src/settlement/report/renderJson.js';
import type { SettlementReport } from '../../../src/settlement/report/reportModel.js';
import { factsOf } from '../../../src/settlement/settlementReports.js';
import { buildTimeline } from '../../../src/settlement/timeline/buildTimeline.js';
import { beyondInput, reportInput, weekInput, weekSales } from './reportFixtures.js';

/** The slow, obvious JSON: every row made as an object, the whole report stringified at once. */
function plainJson(r: SettlementReport): string {
  return `${JSON.stringify({ ...r, transactions: r.transactions.toArray().map(reportRowOf) })}\n`;
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
const beyond = buildSettlementReport(beyondInput());

/** The timeline buildTimeline gives the input sale behind a report row. */
function timelineOf(input: ReportInput, rrn: string) {
  const t = input.txns.find((x) => x.txn.rrn === rrn)!;
  return buildTimeline(factsOf(t.txn, t.observations), input.contract, input.calendar, input.asOf);
}

describe('JSON rows written from the model', () => {
  it('give the same bytes as JSON.stringify of the documented rows', () => {
    for (const r of [week, odd, beyond, buildSettlementReport(reportInput([]))]) {
      expect(renderJson(r)).toBe(plainJson(r));
      expect(Buffer.from(renderJsonBytes(r)).equals(Buffer.from(plainJson(r)))).toBe(true);
      for (let i = 0; i < r.transactions.length; i++)
        expect(reportRowJson(r.transactions, i)).toBe(JSON.stringify(reportRowOf(r.transactions.row(i))));
    }
    expect(JSON.parse(renderJson(odd)).transactions[0]).toMatchObject({
      rrn: 'a"b\\c',
      batch: '批次\n1',
      maskedPan: '621234******12\u00e9',
    });
  });

  it('a row keeps ms in the model and ISO text in the JSON; an undated stage is left out', () => {
    const t = week.transactions.row(0);
    const row = reportRowOf(t);
    expect(typeof t.authorisedAt).toBe('number');
    expect(row.authorisedAt).toBe(isoTime(t.authorisedAt));
    expect(row.ideal).toBe(new Date(t.ideal).toISOString());
    expect(row.segments.map((g) => Date.parse(g.to) - Date.parse(g.from))).toEqual(
      timelineOf(weekInput(), t.rrn).segments.map((g) => g.ms),
    );
    const b = beyond.transactions.row(0);
    const tl = timelineOf(beyondInput(), b.rrn);
    expect(tl.stages.some((s) => s.at === undefined)).toBe(true);
    const stages = reportRowOf(b).stages;
    expect(stages.map((s) => s.stage)).toEqual(
      tl.stages.filter((s) => s.at !== undefined).map((s) => s.stage),
    );
    expect(stages.every((s) => typeof s.at === 'string')).toBe(true);
  });
});
