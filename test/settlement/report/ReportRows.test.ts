/** The report's columns give back each row as it was added, whatever the count of stages and segments. */
import { describe, expect, it } from 'vitest';
import { ReportRows, type ReportTxn } from '../../../src/settlement/report/ReportRows.js';

function txn(i: number, extra: Partial<ReportTxn> = {}): ReportTxn {
  return {
    txnId: i + 1,
    rrn: String(100000000000 + i),
    batch: '000001',
    authorisedAt: 1_772_000_000_000 + i * 60_000,
    maskedPan: i % 2 ? null : `621234******${String(i).padStart(4, '0')}`,
    amountMinor: 100 * i + 0.5 * (i % 3),
    approval: i % 2 ? 'offline' : 'online',
    mode: 'T1',
    status: 'in-transit',
    stage: 'expected',
    ideal: 1_772_100_000_000 + i,
    delayMs: i % 4 === 0 ? null : i * 1000,
    stages: Array.from({ length: i % 9 }, (_, k) => ({ stage: 'authorised' as const, at: i * 10 + k })),
    segments: Array.from({ length: (i * 7) % 11 }, (_, k) => ({
      cause: k % 2 ? ('after-cut-off' as const) : ('risk-hold' as const),
      from: k,
      to: k + 0.25,
    })),
    ...extra,
  };
}

function add(rows: ReportRows, t: ReportTxn): void {
  for (const s of t.stages) rows.addStage(s.stage, s.at);
  for (const g of t.segments) rows.addSegment(g.cause, g.from, g.to);
  const { stages, segments, ...facts } = t;
  rows.add(facts);
}

describe('ReportRows', () => {
  it('gives back every row, its optional fields and its stages and segments (more than the estimate)', () => {
    const all = Array.from({ length: 40 }, (_, i) =>
      txn(
        i,
        i % 3 === 0
          ? { arrivedAt: 5 + i, hostStatus: 'A', mainCause: 'risk-hold', status: 'arrived', stage: 'arrived' }
          : i % 3 === 1
            ? { expectedArrival: 7 + i }
            : {},
      ),
    );
    const rows = new ReportRows(all.length);
    for (const t of all) add(rows, t);
    expect(rows.length).toBe(40);
    expect(rows.toArray()).toEqual(all);
    expect(rows.row(13)).toEqual(all[13]);
    expect(rows.delay(4)).toBeNull();
    expect(rows.delay(5)).toBe(5000);
  });

  it('refuses a row past its capacity and a row it does not have', () => {
    const rows = new ReportRows(1);
    add(rows, txn(0));
    expect(() => add(rows, txn(1))).toThrow(RangeError);
    expect(() => rows.row(1)).toThrow(RangeError);
    expect(() => rows.row(-1)).toThrow(RangeError);
    expect(new ReportRows(0).toArray()).toEqual([]);
  });
});
