/** The segments add up to the total delay exactly, for any facts (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELAY_REASON_TEXT, type DelayReason } from '../../../src/iso8583/views/cupPosStatusRecord.js';
import { bundledCalendar } from '../../../src/settlement/calendar/HolidayCalendar.js';
import {
  buildTimeline,
  type HostObservation,
  type SettlementFacts,
} from '../../../src/settlement/timeline/buildTimeline.js';
import { DELAY_CAUSES } from '../../../src/settlement/timeline/delayCauses.js';
import { HOUR, sh } from './scenario.js';

const cal = bundledCalendar();
const START = sh('2024-01-01 00:00');
const SPAN = sh('2027-01-05 00:00') - START; // runs past the coverage now and then
const DAY = 24 * HOUR;

function hostTime(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const observation = (base: number) =>
  fc
    .record({
      learnt: fc.integer({ min: 0, max: 12 * DAY }),
      status: fc.constantFrom('P', 'C', 'A', 'H', 'F', 'X'),
      mode: fc.constantFrom('D0', 'T1', 'D1'),
      reason: fc.constantFrom(...(Object.keys(DELAY_REASON_TEXT) as DelayReason[])),
      expected: fc.option(fc.integer({ min: -DAY, max: 15 * DAY })),
      cleared: fc.option(fc.integer({ min: 0, max: 5 * DAY })),
      arrived: fc.option(fc.integer({ min: -DAY, max: 15 * DAY })),
    })
    .map(
      (o): HostObservation => ({
        learntAt: base + o.learnt,
        status: o.status,
        settlementMode: o.mode,
        delayReason: o.reason,
        ...(o.expected !== null ? { expectedArrival: hostTime(base + o.expected) } : {}),
        ...(o.cleared !== null ? { clearedAt: hostTime(base + o.cleared) } : {}),
        ...(o.arrived !== null ? { arrivedAt: hostTime(base + o.arrived) } : {}),
      }),
    );

const scenario = fc.integer({ min: 0, max: SPAN }).chain((offset) => {
  const auth = START + offset;
  return fc
    .record({
      mode: fc.constantFrom('D0', 'T1', 'D1'),
      cutOff: fc.constantFrom('23:00', '22:30', '00:00', '16:00'),
      offline: fc.option(fc.integer({ min: 0, max: 4 * DAY }), { nil: undefined }),
      forwarded: fc.boolean(),
      batch: fc.option(fc.integer({ min: 0, max: 4 * DAY }), { nil: undefined }),
      asOf: fc.integer({ min: 0, max: 20 * DAY }),
      observations: fc.array(observation(auth), { maxLength: 4 }),
    })
    .map((s) => {
      const facts: SettlementFacts = {
        authorisedAt: auth,
        approval: s.offline === undefined ? 'online' : 'offline',
        observations: s.observations,
      };
      if (s.offline !== undefined) {
        facts.queuedOffline = { from: auth, ...(s.forwarded ? { forwardedAt: auth + s.offline } : {}) };
      }
      if (s.batch !== undefined) facts.batchSettledAt = auth + (s.offline ?? 0) + s.batch;
      return { facts, contract: { mode: s.mode, cutOff: s.cutOff }, asOf: auth + s.asOf };
    });
});

describe('buildTimeline property', () => {
  it('segments are contiguous from the ideal arrival and add up to the delay exactly', () => {
    let attributed = 0;
    fc.assert(
      fc.property(scenario, ({ facts, contract, asOf }) => {
        const tl = buildTimeline(facts, contract, cal, asOf);
        let at = tl.ideal;
        let sum = 0;
        for (const s of tl.segments) {
          expect(s.from).toBe(at);
          expect(s.ms).toBeGreaterThan(0);
          expect(s.to - s.from).toBe(s.ms);
          expect(s.remedy).toEqual(DELAY_CAUSES[s.cause].remedy);
          at = s.to;
          sum += s.ms;
        }
        if (tl.delayMs === null) {
          expect(tl.arrival.kind).toBe('calendar-unknown');
          return;
        }
        expect(tl.delayMs).toBeGreaterThanOrEqual(0);
        expect(sum).toBe(tl.delayMs);
        if (tl.delayMs > 0) attributed++;
      }),
      { numRuns: 3000 },
    );
    expect(attributed).toBeGreaterThan(100); // the generator does produce delays
  });
});
