/** One small scenario per cause: the segment, its cause and its remedy (docs/settlement.md). */
import { describe, expect, it } from 'vitest';
import { bundledCalendar } from '../../../src/settlement/calendar/HolidayCalendar.js';
import {
  buildTimeline,
  type SettlementContract,
  type SettlementFacts,
} from '../../../src/settlement/timeline/buildTimeline.js';
import { DELAY_CAUSES } from '../../../src/settlement/timeline/delayCauses.js';
import { HOUR, host, obs, sh } from './scenario.js';
import { online } from './timelineFixtures.js';

const cal = bundledCalendar();
const T1: SettlementContract = { mode: 'T1' };
const D0: SettlementContract = { mode: 'D0' };

function only(tl: ReturnType<typeof buildTimeline>) {
  expect(tl.segments).toHaveLength(1);
  const s = tl.segments[0];
  expect(s.from).toBe(tl.ideal);
  expect(s.ms).toBe(tl.delayMs);
  expect(s.remedy).toEqual(DELAY_CAUSES[s.cause].remedy);
  return s;
}

describe('buildTimeline: on time', () => {
  it('a T1 sale settled the same evening is expected the next morning, no delay', () => {
    const tl = buildTimeline(online('2025-03-11 10:00', '2025-03-11 20:00'), T1, cal, sh('2025-03-11 21:00'));
    expect(tl.ideal).toBe(sh('2025-03-12 09:00'));
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 09:00'), source: 'estimated' });
    expect(tl.delayMs).toBe(0);
    expect(tl.segments).toEqual([]);
    expect(tl.stages.map((s) => [s.stage, s.source])).toEqual([
      ['authorised', 'terminal'],
      ['batch-settled', 'terminal'],
      ['cleared', 'estimated'],
      ['expected-arrival', 'estimated'],
    ]);
  });
});

describe('buildTimeline: one cause each', () => {
  it('after cut-off: a sale at 23:30 is a day later', () => {
    const tl = buildTimeline(online('2025-03-11 23:30', '2025-03-12 20:00'), T1, cal, sh('2025-03-12 21:00'));
    const s = only(tl);
    expect(s).toMatchObject({ cause: 'after-cut-off', basis: 'contract', ms: 24 * HOUR });
    expect(s.remedy.en).toMatch(/settle the batch earlier/);
  });

  it('batch settled late: settled after the cut-off of the sale day', () => {
    const tl = buildTimeline(online('2025-03-11 10:00', '2025-03-11 23:30'), T1, cal, sh('2025-03-12 08:00'));
    expect(only(tl)).toMatchObject({
      cause: 'batch-settled-late',
      ms: 24 * HOUR,
      to: sh('2025-03-13 09:00'),
    });
  });

  it('batch still open past the cut-off: the delay so far goes to the late batch', () => {
    const tl = buildTimeline(online('2025-03-11 10:00'), T1, cal, sh('2025-03-12 10:00'));
    expect(only(tl)).toMatchObject({ cause: 'batch-settled-late', ms: 24 * HOUR });
  });

  it('terminal offline: forwarded the next morning, with the outage', () => {
    const facts: SettlementFacts = {
      authorisedAt: sh('2025-03-11 10:00'),
      approval: 'offline',
      queuedOffline: { from: sh('2025-03-11 10:00'), forwardedAt: sh('2025-03-12 08:00') },
      batchSettledAt: sh('2025-03-12 12:00'),
      observations: [],
    };
    const tl = buildTimeline(facts, T1, cal, sh('2025-03-12 13:00'));
    const s = only(tl);
    expect(s).toMatchObject({ cause: 'terminal-offline', basis: 'terminal', ms: 24 * HOUR });
    expect(s.outage).toEqual({ from: sh('2025-03-11 10:00'), to: sh('2025-03-12 08:00') });
    expect(s.remedy.en).toMatch(/diagnostics/);
    expect(tl.stages.map((x) => x.stage)).toContain('forwarded');
  });

  it('non-business day: National Day 2025 with its name, 8 days', () => {
    const tl = buildTimeline(online('2025-09-30 10:00', '2025-09-30 20:00'), T1, cal, sh('2025-09-30 21:00'));
    const s = only(tl);
    expect(s).toMatchObject({
      cause: 'non-business-day',
      ms: 8 * 24 * HOUR,
      days: { first: '2025-10-01', last: '2025-10-08' },
      holiday: { zh: '国庆节、中秋节', en: 'National Day and Mid-Autumn Festival' },
    });
    expect(tl.arrival).toMatchObject({ at: sh('2025-10-09 09:00') });
  });

  it('non-business day: an ordinary weekend has no holiday name', () => {
    const tl = buildTimeline(online('2025-03-14 10:00', '2025-03-14 20:00'), T1, cal, sh('2025-03-14 21:00'));
    const s = only(tl);
    expect(s).toMatchObject({
      cause: 'non-business-day',
      ms: 48 * HOUR,
      days: { first: '2025-03-15', last: '2025-03-16' },
    });
    expect(s.holiday).toBeUndefined();
  });

  it('non-business day: Spring Festival 2025 then the adjusted Saturday 8 Feb pays', () => {
    const tl = buildTimeline(online('2025-01-27 10:00', '2025-01-27 20:00'), T1, cal, sh('2025-01-27 21:00'));
    expect(tl.arrival).toMatchObject({ at: sh('2025-02-05 09:00') });
    expect(tl.segments.map((s) => [s.days, s.holiday?.zh])).toEqual([
      [{ first: '2025-01-28', last: '2025-02-04' }, '春节'],
    ]);
    const fri = buildTimeline(
      online('2025-02-07 10:00', '2025-02-07 20:00'),
      T1,
      cal,
      sh('2025-02-07 21:00'),
    );
    expect(fri.arrival).toMatchObject({ at: sh('2025-02-08 09:00') });
    expect(fri.delayMs).toBe(0);
  });

  for (const [reason, cause] of [
    ['03', 'd0-limit'],
    ['04', 'account-not-eligible'],
  ] as const) {
    it(`${cause}: a D0 sale paid T1 (reason ${reason})`, () => {
      const o = obs('2025-03-11 11:00', {
        status: 'P',
        expectedArrival: host('2025-03-12 09:00'),
        delayReason: reason,
      });
      const tl = buildTimeline(
        online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
        D0,
        cal,
        sh('2025-03-11 21:00'),
      );
      expect(tl.ideal).toBe(sh('2025-03-11 12:00'));
      expect(tl.mode).toBe('T1');
      expect(only(tl)).toMatchObject({ cause, basis: 'host', hostReason: reason, ms: 21 * HOUR });
    });
  }

  it('risk hold: held two days, then arrived', () => {
    const facts = online('2025-03-11 10:00', '2025-03-11 20:00', [
      obs('2025-03-12 10:00', { status: 'H', expectedArrival: host('2025-03-14 09:00'), delayReason: '05' }),
      obs('2025-03-14 10:00', { status: 'A', arrivedAt: host('2025-03-14 09:00'), delayReason: '05' }),
    ]);
    const tl = buildTimeline(facts, T1, cal, sh('2025-03-14 10:00'));
    const s = only(tl);
    expect(s).toMatchObject({ cause: 'risk-hold', ms: 48 * HOUR, hostStatus: 'H' });
    expect(s.remedy.en).toMatch(/RRN/);
    expect(tl.arrival).toEqual({ kind: 'arrived', at: sh('2025-03-14 09:00') });
    expect(tl.stages.map((x) => [x.stage, x.source])).toContainEqual(['held', 'host']);
  });

  it('bank maintenance: four hours', () => {
    const o = obs('2025-03-12 08:00', {
      status: 'C',
      expectedArrival: host('2025-03-12 13:00'),
      delayReason: '06',
    });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      T1,
      cal,
      sh('2025-03-12 08:00'),
    );
    expect(only(tl)).toMatchObject({ cause: 'bank-maintenance', ms: 4 * HOUR });
  });

  it('transfer failed: open, the delay so far', () => {
    const o = obs('2025-03-12 10:00', { status: 'F', delayReason: '07' });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      T1,
      cal,
      sh('2025-03-13 09:00'),
    );
    expect(tl.arrival).toEqual({ kind: 'failed', asOf: sh('2025-03-13 09:00') });
    expect(only(tl)).toMatchObject({ cause: 'transfer-failed', ms: 24 * HOUR });
  });

  it('delayed settlement switch: a day held back, remedy names the menu', () => {
    const o = obs('2025-03-11 21:00', {
      status: 'C',
      expectedArrival: host('2025-03-13 09:00'),
      delayReason: '08',
    });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      T1,
      cal,
      sh('2025-03-11 21:00'),
    );
    const s = only(tl);
    expect(s).toMatchObject({ cause: 'delayed-settlement-switch', ms: 24 * HOUR });
    expect(s.remedy.zh).toContain('结算管理 → 到账设置 → 关闭延时到账');
  });

  it('processing beyond the norm: arrived at 11:30 with no reason', () => {
    const o = obs('2025-03-12 12:00', { status: 'A', arrivedAt: host('2025-03-12 11:30') });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      T1,
      cal,
      sh('2025-03-12 12:00'),
    );
    expect(only(tl)).toMatchObject({ cause: 'processing-beyond-norm', ms: 2.5 * HOUR });
  });

  it('unexplained: the host does not know the sale', () => {
    const o = obs('2025-03-12 10:00', { status: 'X' });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [o]),
      T1,
      cal,
      sh('2025-03-13 09:00'),
    );
    expect(tl.arrival).toMatchObject({ kind: 'unknown-to-host' });
    expect(only(tl)).toMatchObject({ cause: 'unexplained', ms: 24 * HOUR });
  });

  it('several causes in order: after cut-off, then the weekend, then the switch', () => {
    const o = obs('2025-03-15 10:00', {
      status: 'C',
      expectedArrival: host('2025-03-18 09:00'),
      delayReason: '08',
    });
    const tl = buildTimeline(
      online('2025-03-13 23:30', '2025-03-14 20:00', [o]),
      T1,
      cal,
      sh('2025-03-15 10:00'),
    );
    expect(tl.segments.map((s) => [s.cause, s.ms / HOUR])).toEqual([
      ['after-cut-off', 24],
      ['non-business-day', 48],
      ['delayed-settlement-switch', 24],
    ]);
    expect(tl.delayMs).toBe(96 * HOUR);
  });
});

describe('buildTimeline: beyond the calendar', () => {
  it('a T1 sale past the coverage says calendar unknown instead of a date', () => {
    const last = cal.coverage()!.years.at(-1)!;
    const tl = buildTimeline(
      online(`${last + 1}-03-02 10:00`, `${last + 1}-03-02 20:00`),
      T1,
      cal,
      sh(`${last + 1}-03-02 21:00`),
    );
    expect(tl.arrival).toMatchObject({
      kind: 'calendar-unknown',
      coverageEnds: `${last}-12-31`,
      firstUnknown: `${last + 1}-03-03`,
    });
    expect(tl.delayMs).toBeNull();
    expect(tl.stages.at(-1)).toEqual({
      stage: 'expected-arrival',
      source: 'estimated',
      calendarUnknown: true,
    });
    // D1 needs no calendar.
    expect(
      buildTimeline(online(`${last + 1}-03-02 10:00`), { mode: 'D1' }, cal, sh(`${last + 1}-03-02 11:00`))
        .arrival,
    ).toMatchObject({
      kind: 'expected',
    });
  });

  it('a bad contract is a coded error', () => {
    const f = online('2025-03-11 10:00');
    expect(() => buildTimeline(f, { mode: 'T1', cutOff: '24:00' }, cal, 0)).toThrow(
      expect.objectContaining({ code: 'SETTLE_CONTRACT_INVALID' }),
    );
    expect(() => buildTimeline(f, { mode: 'T1', timeZone: 'Mars/Olympus' }, cal, 0)).toThrow(
      expect.objectContaining({ code: 'SETTLE_CONTRACT_INVALID' }),
    );
  });
});
