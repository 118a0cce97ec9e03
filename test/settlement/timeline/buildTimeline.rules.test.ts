/**
 * buildTimeline rule by rule, at the boundaries: contract checks, the cut-off instant, custom
 * cut-off / payout / D0 norm, D0 and D1, each arrival kind, the host's reasons 09 and 00 by
 * status, a mode the host applied for another reason, segment merging, runs of rest days and the
 * stages. Expected values are worked out by hand from docs/settlement.md (2025-03-11 is a Tuesday).
 */
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import { bundledCalendar, HolidayCalendar } from '../../../src/settlement/calendar/HolidayCalendar.js';
import {
  buildTimeline,
  type SettlementContract,
  type SettlementFacts,
} from '../../../src/settlement/timeline/buildTimeline.js';
import { HOUR, host, obs, sh } from './scenario.js';
import { online, segs } from './timelineFixtures.js';

const cal = bundledCalendar();
const T1: SettlementContract = { mode: 'T1' };
const D0: SettlementContract = { mode: 'D0' };

function contractError(c: SettlementContract) {
  try {
    buildTimeline(online('2025-03-11 10:00'), c, cal, sh('2025-03-11 10:00'));
  } catch (e) {
    if (isPosError(e)) return { code: e.code, message: e.message, context: e.context };
    throw e;
  }
  return undefined;
}

describe('buildTimeline: the contract', () => {
  it('times must be hh:mm 00:00..23:59; the message and key name the value', () => {
    for (const bad of ['9:00', '09:0', '24:00', '12:60', '12-00', 'a12:00', '12:00a', ' 12:00', '']) {
      expect(contractError({ mode: 'T1', cutOff: bad })).toEqual({
        code: 'SETTLE_CONTRACT_INVALID',
        message: `contract cutOff '${bad}' is not hh:mm`,
        context: { key: 'cutOff' },
      });
    }
    expect(contractError({ mode: 'T1', payoutTime: '9' })).toMatchObject({ context: { key: 'payoutTime' } });
    for (const good of ['00:00', '09:59', '19:30', '20:00', '23:59'])
      expect(contractError({ mode: 'T1', cutOff: good, payoutTime: good })).toBeUndefined();
  });

  it('mode and D0 norm (whole minutes 0..1440)', () => {
    expect(contractError({ mode: 'T2' as 'T1' })).toEqual({
      code: 'SETTLE_CONTRACT_INVALID',
      message: "contract mode 'T2' is not D0, T1 or D1",
      context: { key: 'mode' },
    });
    for (const n of [-1, 1.5, 1441]) {
      expect(contractError({ mode: 'D0', d0NormMinutes: n })).toEqual({
        code: 'SETTLE_CONTRACT_INVALID',
        message: `contract d0NormMinutes ${n} is not 0..1440`,
        context: { key: 'd0NormMinutes' },
      });
    }
    for (const n of [0, 1440]) expect(contractError({ mode: 'D0', d0NormMinutes: n })).toBeUndefined();
  });

  it('custom cut-off 19:30 and payout 10:30: a sale at 19:30 is a day later, cleared at the next 19:30', () => {
    const c: SettlementContract = { mode: 'T1', cutOff: '19:30', payoutTime: '10:30' };
    const tl = buildTimeline(online('2025-03-11 19:30', '2025-03-11 19:45'), c, cal, sh('2025-03-11 20:00'));
    expect(tl.ideal).toBe(sh('2025-03-12 10:30'));
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-13 10:30'), source: 'estimated' });
    expect(segs(tl)).toEqual([['after-cut-off', 'contract', 24, undefined, undefined]]);
    expect(tl.stages.find((s) => s.stage === 'cleared')).toEqual({
      stage: 'cleared',
      at: sh('2025-03-12 19:30'),
      source: 'estimated',
    });
  });

  it('the cut-off instant itself belongs to the next day; a minute before does not', () => {
    const at = buildTimeline(online('2025-03-11 23:00', '2025-03-12 20:00'), T1, cal, sh('2025-03-12 21:00'));
    expect(segs(at)).toEqual([['after-cut-off', 'contract', 24, undefined, undefined]]);
    const before = buildTimeline(
      online('2025-03-11 22:59', '2025-03-11 22:59'),
      T1,
      cal,
      sh('2025-03-12 08:00'),
    );
    expect(before.delayMs).toBe(0);
    expect(before.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 09:00'), source: 'estimated' });
  });
});

describe('buildTimeline: D0 and D1', () => {
  it('D0: the norm after the host has it; no estimated clearing; a custom norm', () => {
    const tl = buildTimeline(online('2025-03-11 10:00', '2025-03-11 20:00'), D0, cal, sh('2025-03-11 10:30'));
    expect(tl.ideal).toBe(sh('2025-03-11 12:00'));
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-11 12:00'), source: 'estimated' });
    expect(tl.stages.map((s) => s.stage)).toEqual(['authorised', 'batch-settled', 'expected-arrival']);
    const n30 = buildTimeline(
      online('2025-03-11 10:00'),
      { mode: 'D0', d0NormMinutes: 30 },
      cal,
      sh('2025-03-11 10:00'),
    );
    expect(n30.ideal).toBe(sh('2025-03-11 10:30'));
    expect(n30.arrival).toMatchObject({ at: sh('2025-03-11 10:30') });
  });

  it('D0 arrived sooner than the norm: no delay, no segment', () => {
    const o = obs('2025-03-11 11:00', {
      status: 'A',
      settlementMode: 'D0',
      arrivedAt: host('2025-03-11 10:45'),
    });
    const tl = buildTimeline(online('2025-03-11 10:00', undefined, [o]), D0, cal, sh('2025-03-11 11:00'));
    expect(tl.arrival).toEqual({ kind: 'arrived', at: sh('2025-03-11 10:45') });
    expect(tl.delayMs).toBe(0);
    expect(tl.segments).toEqual([]);
  });

  it('D1: the next calendar day, a Sunday too; the cut-off applies', () => {
    const tl = buildTimeline(
      online('2025-03-14 23:30', '2025-03-15 20:00'),
      { mode: 'D1' },
      cal,
      sh('2025-03-15 21:00'),
    );
    expect(tl.ideal).toBe(sh('2025-03-15 09:00'));
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-16 09:00'), source: 'estimated' });
    expect(segs(tl)).toEqual([['after-cut-off', 'contract', 24, undefined, undefined]]);
  });
});

describe('buildTimeline: arrival kinds', () => {
  const base = (o: SettlementFacts['observations']) => online('2025-03-11 10:00', '2025-03-11 20:00', o);

  it('held with a host expectation still ahead (or just now): expected from the host', () => {
    for (const asOf of ['2025-03-12 10:00', '2025-03-13 09:00']) {
      const o = obs('2025-03-12 10:00', { status: 'H', expectedArrival: host('2025-03-13 09:00') });
      const tl = buildTimeline(base([o]), T1, cal, sh(asOf));
      expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-13 09:00'), source: 'host' });
      expect(segs(tl)).toEqual([['unexplained', 'host', 24, '00', 'H']]);
    }
  });

  it('held past its expectation: open, counted to asOf; the held stage at the first H', () => {
    const tl = buildTimeline(
      base([
        obs('2025-03-12 10:00', { status: 'H', expectedArrival: host('2025-03-12 12:00') }),
        obs('2025-03-12 11:00', { status: 'H', expectedArrival: host('2025-03-12 12:00') }),
      ]),
      T1,
      cal,
      sh('2025-03-13 09:00'),
    );
    expect(tl.arrival).toEqual({ kind: 'held', asOf: sh('2025-03-13 09:00') });
    expect(tl.delayMs).toBe(24 * HOUR);
    expect(segs(tl)).toEqual([['unexplained', 'host', 24, '00', 'H']]);
    expect(tl.stages.find((s) => s.stage === 'held')).toEqual({
      stage: 'held',
      at: sh('2025-03-12 10:00'),
      source: 'host',
      learntAt: sh('2025-03-12 10:00'),
    });
  });

  it('held or failed before the ideal arrival: the end is the ideal, no delay yet', () => {
    const o = obs('2025-03-11 21:00', { status: 'F' });
    const tl = buildTimeline(base([o]), T1, cal, sh('2025-03-11 21:00'));
    expect(tl.arrival).toEqual({ kind: 'failed', asOf: sh('2025-03-11 21:00') });
    expect(tl.delayMs).toBe(0);
    expect(tl.stages.find((s) => s.stage === 'failed')).toMatchObject({ at: sh('2025-03-11 21:00') });
  });

  it('failed with reason 00 is transfer-failed; unknown to the host ignores an expected arrival', () => {
    const f = buildTimeline(
      base([obs('2025-03-12 10:00', { status: 'F' })]),
      T1,
      cal,
      sh('2025-03-13 09:00'),
    );
    expect(segs(f)).toEqual([['transfer-failed', 'host', 24, '00', 'F']]);
    const x = buildTimeline(
      base([obs('2025-03-12 10:00', { status: 'X', expectedArrival: host('2025-03-14 09:00') })]),
      T1,
      cal,
      sh('2025-03-13 09:00'),
    );
    expect(x.arrival).toEqual({ kind: 'unknown-to-host', asOf: sh('2025-03-13 09:00') });
    expect(segs(x)).toEqual([['unexplained', 'host', 24, '00', 'X']]);
  });

  it("overdue on the host's expectation; exactly at it, still expected", () => {
    const o = obs('2025-03-11 21:00', { status: 'P', expectedArrival: host('2025-03-12 09:00') });
    const late = buildTimeline(base([o]), T1, cal, sh('2025-03-12 12:00'));
    expect(late.arrival).toEqual({
      kind: 'overdue',
      expected: sh('2025-03-12 09:00'),
      asOf: sh('2025-03-12 12:00'),
    });
    expect(segs(late)).toEqual([['processing-beyond-norm', 'host', 3, '00', 'P']]);
    expect(late.stages.at(-1)).toEqual({
      stage: 'expected-arrival',
      at: sh('2025-03-12 09:00'),
      source: 'host',
      learntAt: sh('2025-03-11 21:00'),
    });
    const now = buildTimeline(base([o]), T1, cal, sh('2025-03-12 09:00'));
    expect(now.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 09:00'), source: 'host' });
  });

  it("the model's arrival passed: overdue once the host answered, still 'expected' without an answer", () => {
    const none = buildTimeline(base([]), T1, cal, sh('2025-03-13 10:00'));
    expect(none.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 09:00'), source: 'estimated' });
    expect(none.delayMs).toBe(0);
    const p = obs('2025-03-11 21:00', { status: 'P' });
    const tl = buildTimeline(base([p]), T1, cal, sh('2025-03-13 10:00'));
    expect(tl.arrival).toEqual({
      kind: 'overdue',
      expected: sh('2025-03-12 09:00'),
      asOf: sh('2025-03-13 10:00'),
    });
    expect(segs(tl)).toEqual([['processing-beyond-norm', 'host', 25, '00', 'P']]);
    expect(tl.stages.at(-1)).toEqual({
      stage: 'expected-arrival',
      at: sh('2025-03-12 09:00'),
      source: 'estimated',
    });
    const atIt = buildTimeline(base([p]), T1, cal, sh('2025-03-12 09:00'));
    expect(atIt.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 09:00'), source: 'estimated' });
  });

  it('status A without an arrival time is not arrived', () => {
    const o = obs('2025-03-12 10:00', { status: 'A', expectedArrival: host('2025-03-12 15:00') });
    const tl = buildTimeline(base([o]), T1, cal, sh('2025-03-12 10:00'));
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 15:00'), source: 'host' });
    expect(tl.stages.map((s) => s.stage)).not.toContain('arrived');
  });

  it('an empty calendar: T1 cannot tell, coverage null, the next day first unknown', () => {
    const tl = buildTimeline(base([]), T1, new HolidayCalendar(), sh('2025-03-11 21:00'));
    expect(tl.arrival).toEqual({ kind: 'calendar-unknown', coverageEnds: null, firstUnknown: '2025-03-12' });
    expect(tl.delayMs).toBeNull();
  });

  it('observations are read in the order learnt, whatever the order given', () => {
    const later = obs('2025-03-12 10:00', { status: 'P', expectedArrival: host('2025-03-12 15:00') });
    const earlier = obs('2025-03-11 21:00', { status: 'C', expectedArrival: host('2025-03-12 09:00') });
    const tl = buildTimeline(base([later, earlier]), T1, cal, sh('2025-03-12 10:00'));
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 15:00'), source: 'host' });
    expect(tl.delayMs).toBe(6 * HOUR);
  });
});

describe("buildTimeline: the host's reasons", () => {
  it('09: an online sale is the late batch, an offline one the terminal offline (basis host)', () => {
    const o = obs('2025-03-12 10:00', {
      status: 'C',
      expectedArrival: host('2025-03-12 15:00'),
      delayReason: '09',
    });
    const on = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      T1,
      cal,
      sh('2025-03-12 10:00'),
    );
    expect(segs(on)).toEqual([['batch-settled-late', 'host', 6, '09', 'C']]);
    const off: SettlementFacts = {
      authorisedAt: sh('2025-03-11 10:00'),
      approval: 'offline',
      queuedOffline: { from: sh('2025-03-11 10:00'), forwardedAt: sh('2025-03-11 10:05') },
      batchSettledAt: sh('2025-03-11 20:00'),
      observations: [o],
    };
    const tl = buildTimeline(off, T1, cal, sh('2025-03-12 10:00'));
    expect(segs(tl)).toEqual([['terminal-offline', 'host', 6, '09', 'C']]);
    expect(tl.segments[0].outage).toBeUndefined();
  });

  it('D0 paid T1 for a reason other than 03/04 is unexplained; an X record does not change the mode', () => {
    const o = obs('2025-03-11 11:00', {
      status: 'P',
      expectedArrival: host('2025-03-12 09:00'),
      delayReason: '05',
    });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      D0,
      cal,
      sh('2025-03-11 21:00'),
    );
    expect(tl.mode).toBe('T1');
    expect(segs(tl)).toEqual([['unexplained', 'host', 21, '05', 'P']]);
    const x = obs('2025-03-11 11:00', { status: 'X' });
    expect(
      buildTimeline(online('2025-03-11 10:00', undefined, [x]), D0, cal, sh('2025-03-11 11:00')).mode,
    ).toBe('D0');
  });

  it('one cause with two host reasons stays two segments; the same reason merges', () => {
    const first = obs('2025-03-11 11:00', {
      status: 'P',
      expectedArrival: host('2025-03-12 09:00'),
      delayReason: '09',
    });
    const x = obs('2025-03-12 10:00', { status: 'X' });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [first, x]),
      D0,
      cal,
      sh('2025-03-12 12:00'),
    );
    expect(segs(tl)).toEqual([
      ['unexplained', 'host', 21, '09', 'P'],
      ['unexplained', 'host', 3, '00', 'X'],
    ]);
    expect(tl.segments[1].from).toBe(tl.segments[0].to);
    const m = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [
        obs('2025-03-12 08:00', {
          status: 'C',
          expectedArrival: host('2025-03-12 12:00'),
          delayReason: '06',
        }),
        obs('2025-03-12 11:00', {
          status: 'C',
          expectedArrival: host('2025-03-12 15:00'),
          delayReason: '06',
        }),
      ]),
      T1,
      cal,
      sh('2025-03-12 11:00'),
    );
    expect(segs(m)).toEqual([['bank-maintenance', 'host', 6, '06', 'C']]);
    expect(m.segments[0]).toMatchObject({ from: sh('2025-03-12 09:00'), to: sh('2025-03-12 15:00') });
  });
});

describe('buildTimeline: rest days and stages', () => {
  it("a weekend then New Year's Day: two runs, the holiday named on the second only", () => {
    const tl = buildTimeline(online('2023-12-29 10:00', '2023-12-29 20:00'), T1, cal, sh('2023-12-29 21:00'));
    expect(tl.arrival).toMatchObject({ at: sh('2024-01-02 09:00') });
    expect(tl.segments.map((s) => [s.days, s.holiday?.en, s.ms / HOUR, s.from, s.to])).toEqual([
      [
        { first: '2023-12-30', last: '2023-12-31' },
        undefined,
        48,
        sh('2023-12-30 09:00'),
        sh('2024-01-01 09:00'),
      ],
      [
        { first: '2024-01-01', last: '2024-01-01' },
        "New Year's Day",
        24,
        sh('2024-01-01 09:00'),
        sh('2024-01-02 09:00'),
      ],
    ]);
    expect('holiday' in tl.segments[0]).toBe(false);
  });

  it('stages: card read, host clearing, offline queue; the rrn only when known', () => {
    const facts: SettlementFacts = {
      rrn: '000000000009',
      cardReadAt: sh('2025-03-11 09:59'),
      authorisedAt: sh('2025-03-11 10:00'),
      approval: 'offline',
      queuedOffline: { from: sh('2025-03-11 10:00') },
      observations: [
        obs('2025-03-12 10:00', { status: 'C', clearedAt: host('2025-03-11 23:00') }),
        obs('2025-03-12 12:00', { status: 'C' }),
      ],
    };
    const tl = buildTimeline(facts, T1, cal, sh('2025-03-12 12:00'));
    expect(tl.rrn).toBe('000000000009');
    expect(tl.stages.slice(0, 4)).toEqual([
      { stage: 'card-read', at: sh('2025-03-11 09:59'), source: 'terminal' },
      { stage: 'authorised', at: sh('2025-03-11 10:00'), source: 'terminal' },
      { stage: 'queued-offline', at: sh('2025-03-11 10:00'), source: 'terminal' },
      { stage: 'cleared', at: sh('2025-03-11 23:00'), source: 'host', learntAt: sh('2025-03-12 10:00') },
    ]);
    const { rrn: _, ...noRrn } = facts;
    expect('rrn' in buildTimeline(noRrn, T1, cal, sh('2025-03-12 12:00'))).toBe(false);
  });

  it('arrived: the stage carries when the last A was learnt', () => {
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [
        obs('2025-03-12 10:00', { status: 'A', arrivedAt: host('2025-03-12 09:00') }),
        obs('2025-03-12 11:00', { status: 'A', arrivedAt: host('2025-03-12 09:00') }),
      ]),
      T1,
      cal,
      sh('2025-03-12 12:00'),
    );
    expect(tl.stages.at(-1)).toEqual({
      stage: 'arrived',
      at: sh('2025-03-12 09:00'),
      source: 'host',
      learntAt: sh('2025-03-12 11:00'),
    });
  });
});
