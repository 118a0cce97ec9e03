/** Assertions on the timelines a settlement week ends with (settlementCauses, settlementWeek tests). */
import { expect } from 'vitest';
import type { SettlementWeek, WeekSale } from '../../src/cli/settlementWeek.js';
import { DELAY_CAUSES, type DelayCause } from '../../src/settlement/timeline/delayCauses.js';

/** A segment as expected: cause, minutes, and the holiday's English name when it is one. */
export type Seg = [DelayCause, number, string?];

const minutes = (ms: number) => Math.round(ms / 60_000);

/** What the timeline of one sale must show: arrived, the segments, their remedies, the sum. */
export function expectAttribution(w: SettlementWeek, s: WeekSale, want: Seg[]): void {
  const tl = s.timeline!;
  const what = `${s.sale.label}`;
  expect(tl.row.stage, what).toBe('arrived');
  const last = s.sale.expect.at(-1);
  if (last?.arrivedAt) expect(Date.parse(tl.row.arrivedAt!), what).toBe(w.hostTime(last.arrivedAt));
  expect(
    tl.segments.map((g) => [g.cause, minutes(g.ms), ...(g.holiday ? [g.holiday.en] : [])]),
    what,
  ).toEqual(want);
  for (const g of tl.segments) {
    expect(g.remedy, `${what}: remedy of ${g.cause}`).toEqual(DELAY_CAUSES[g.cause].remedy);
    expect(g.text).toEqual(DELAY_CAUSES[g.cause].text);
    expect(g.remedy.zh.length).toBeGreaterThan(0);
  }
  expect(
    tl.segments.reduce((n, g) => n + g.ms, 0),
    `${what}: segments add up`,
  ).toBe(tl.row.delayMs);
  const offline = tl.segments.find((g) => g.cause === 'terminal-offline');
  if (offline) {
    expect(s.approval).toBe('offline');
    expect(minutes(Date.parse(offline.outageTo!) - w.hostTime(s.sale.forwardedAt!)), 'outage ends').toBe(0);
  }
}
