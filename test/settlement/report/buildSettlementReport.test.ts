/** The report model: every number comes from the timelines, selection, empty and edge cases. */
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import { buildSettlementReport } from '../../../src/settlement/report/buildSettlementReport.js';
import { isoTime } from '../../../src/settlement/report/isoTime.js';
import { factsOf } from '../../../src/settlement/settlementReports.js';
import { buildTimeline } from '../../../src/settlement/timeline/buildTimeline.js';
import { DelayCause } from '../../../src/settlement/timeline/delayCauses.js';
import { AS_OF, FULL_PAN, reportInput, weekInput, weekSales } from './reportFixtures.js';

const HOUR = 3_600_000;

describe('buildSettlementReport', () => {
  it('an empty journal gives a complete report with zeros', () => {
    const r = buildSettlementReport(reportInput([]));
    expect(r.schema).toBe('posterm.settlement-report.v1');
    expect(r.summary.count).toBe(0);
    expect(r.summary.byStatus.map((b) => [b.status, b.count])).toEqual([
      ['arrived', 0],
      ['in-transit', 0],
      ['held', 0],
      ['failed', 0],
      ['unknown', 0],
    ]);
    expect(r.summary.onTime).toEqual({ count: 0, of: 0, share: null });
    expect(r.summary.timeToFunds).toEqual([]);
    expect(r.needsAction).toEqual([]);
    expect(r.forecast).toEqual({
      days: [],
      overdue: { count: 0, amountMinor: 0 },
      undated: { count: 0, amountMinor: 0 },
    });
    expect(r.header).toMatchObject({ terminal: '****5678', merchant: '***********0001', contractMode: 'T1' });
    expect(r.header.period.batches).toEqual([]);
  });

  it('one sale on time', () => {
    const r = buildSettlementReport(reportInput([weekSales().onTime]));
    expect(r.summary.count).toBe(1);
    expect(r.summary.onTime).toEqual({ count: 1, of: 1, share: 1 });
    expect(r.summary.timeToFunds).toEqual([{ mode: 'T1', count: 1, medianMs: 23 * HOUR, p90Ms: 23 * HOUR }]);
    expect(r.summary.timeToFundsBins.find((b) => b.count === 1)).toMatchObject({
      fromMs: 12 * HOUR,
      toMs: 24 * HOUR,
    });
    expect(r.summary.delayByCause).toEqual([]);
    expect(r.transactions.row(0)).toMatchObject({
      status: 'arrived',
      delayMs: 0,
      arrivedAt: Date.parse('2026-03-03T01:00:00.000Z'),
    });
  });

  it('a week with every cause: each cause counted once with its hours, the rows as buildTimeline says', () => {
    const input = weekInput();
    const r = buildSettlementReport(input);
    expect(r.summary.delayByCause.map((c) => c.cause).sort()).toEqual(Object.values(DelayCause).sort());
    const byCause = Object.fromEntries(r.summary.delayByCause.map((c) => [c.cause, c]));
    expect(byCause['non-business-day']).toMatchObject({ count: 1, amountMinor: 1_000_00, ms: 48 * HOUR });
    expect(byCause['processing-beyond-norm']).toMatchObject({ count: 2, amountMinor: 9_99 + 18_00 });
    // every row is its timeline, unchanged
    for (const t of input.txns) {
      const tl = buildTimeline(factsOf(t.txn, t.observations), input.contract, input.calendar, AS_OF);
      const row = r.transactions.toArray().find((x) => x.rrn === t.txn.rrn)!;
      expect(row.delayMs).toBe(tl.delayMs);
      expect(row.stage).toBe(tl.arrival.kind);
      expect(row.segments.reduce((s, g) => s + g.to - g.from, 0)).toBe(tl.delayMs);
    }
    // totals agree: statuses, causes and the forecast cover every sale and every fen
    const sum = (xs: { count: number; amountMinor: number }[]) =>
      xs.reduce((a, x) => ({ count: a.count + x.count, amountMinor: a.amountMinor + x.amountMinor }), {
        count: 0,
        amountMinor: 0,
      });
    const all = sum(r.transactions.toArray().map((t) => ({ count: 1, amountMinor: t.amountMinor })));
    expect(sum(r.summary.byStatus)).toEqual(all);
    expect({ count: r.summary.count, amountMinor: r.summary.amountMinor }).toEqual(all);
    const arrived = r.summary.byStatus[0];
    expect(sum([...r.forecast.days, r.forecast.overdue, r.forecast.undated, arrived])).toEqual(all);
    expect(sum(r.summary.timeToFundsBins)).toEqual({
      count: arrived.count,
      amountMinor: arrived.amountMinor,
    });
    expect(r.summary.byStatus.map((b) => b.count)).toEqual([9, 3, 1, 1, 1]);
    expect(r.summary.onTime).toEqual({ count: 2, of: 15, share: 0.1333 });
    expect(r.forecast.days).toEqual([
      { date: '2026-03-12', count: 2, amountMinor: 185_50, estimatedCount: 1 },
    ]);
    expect(r.forecast.overdue).toEqual({ count: 1, amountMinor: 18_00 });
    expect(r.summary.largestDelays[0]).toMatchObject({ delayMs: 48 * HOUR, mainCause: 'non-business-day' });
    expect(r.summary.largestDelays).toHaveLength(10);
  });

  it('needs action: failed, held and unknown first by status, each with its remedy in both languages', () => {
    const r = buildSettlementReport(weekInput());
    expect(r.needsAction.map((a) => [a.status, a.cause])).toEqual([
      ['failed', 'transfer-failed'],
      ['held', 'risk-hold'],
      ['unknown', 'unexplained'],
    ]);
    for (const a of r.needsAction) {
      expect(a.remedy.en.length).toBeGreaterThan(10);
      expect(a.remedy.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(a.since).toBeDefined();
    }
    expect(r.needsAction[1].since).toBe(new Date(Date.parse('2026-03-09T23:30:00+08:00')).toISOString());
  });

  it('a sale unknown to the host is counted as unknown and needs action', () => {
    const r = buildSettlementReport(reportInput([weekSales().unknown]));
    expect(r.summary.byStatus.find((b) => b.status === 'unknown')).toEqual({
      status: 'unknown',
      count: 1,
      amountMinor: 77_00,
    });
    expect(r.needsAction).toHaveLength(1);
    expect(r.transactions.row(0).stage).toBe('unknown-to-host');
    expect(r.forecast.undated.count).toBe(1);
  });

  it('a sale whose arrival is beyond the calendar: in transit, no delay claimed, no date in the forecast', () => {
    const w = weekSales();
    const late = {
      observations: [],
      txn: {
        ...w.estimated.txn,
        authorisedAt: Date.parse('2026-12-31T10:00:00+08:00'),
        batchSettledAt: Date.parse('2026-12-31T20:00:00+08:00'),
      },
    };
    const r = buildSettlementReport(reportInput([late], { asOf: Date.parse('2027-01-01T12:00:00+08:00') }));
    expect(r.transactions.row(0)).toMatchObject({
      status: 'in-transit',
      stage: 'calendar-unknown',
      delayMs: null,
    });
    expect(r.summary.onTime).toEqual({ count: 0, of: 0, share: null });
    expect(r.forecast.undated).toEqual({ count: 1, amountMinor: late.txn.amountMinor });
    expect(r.forecast.days).toEqual([]);
  });

  it('masks a whole PAN the input still carries', () => {
    const r = buildSettlementReport(weekInput());
    expect(r.transactions.row(0).maskedPan).toBe('621234******1234');
    expect(JSON.stringify(r)).not.toContain(FULL_PAN);
  });

  it('selects by host dates (inclusive) or by batch', () => {
    const days = buildSettlementReport(weekInput({ selection: { from: '2026-03-09', to: '2026-03-10' } }));
    expect(days.transactions.toArray().map((t) => isoTime(t.authorisedAt).slice(0, 10))).toEqual([
      '2026-03-09',
      '2026-03-09',
      '2026-03-09',
      '2026-03-10',
      '2026-03-10',
    ]);
    // 23:30 host time on 03-02 is 15:30 UTC: still 03-02 for the host
    const one = buildSettlementReport(weekInput({ selection: { from: '2026-03-02', to: '2026-03-02' } }));
    expect(one.summary.count).toBe(6);
    const batch = buildSettlementReport(weekInput({ selection: { batch: '000005' } }));
    expect(batch.header.period).toEqual({ batch: '000005', batches: ['000005'] });
    expect(batch.summary.count).toBe(3);
  });

  it('refuses a bad selection with a coded error', () => {
    for (const selection of [
      { from: '2026-3-1' },
      { from: '2026-03-05', to: '2026-03-01' },
      { batch: '12' },
    ]) {
      let err: unknown;
      try {
        buildSettlementReport(weekInput({ selection }));
      } catch (e) {
        err = e;
      }
      expect(isPosError(err, 'SETTLE_REPORT_SELECTION')).toBe(true);
    }
  });
});
