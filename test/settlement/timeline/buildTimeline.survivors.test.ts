/**
 * buildTimeline: the cases the first mutation run showed untested (segment merging by cause and
 * basis, two host reports of a rest day, the applied mode, D0 paid T1 late on a Friday, stages,
 * a repeated A, a holiday ending on a Friday). Expected values by hand (docs/settlement.md).
 */
import { describe, expect, it } from 'vitest';
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

describe('buildTimeline: what the first mutation run left', () => {
  const base = (o: SettlementFacts['observations'] = []) => online('2025-03-11 10:00', '2025-03-11 20:00', o);

  it('after the cut-off and a late batch: two contract segments, not one', () => {
    const tl = buildTimeline(online('2025-03-11 23:30', '2025-03-12 23:30'), T1, cal, sh('2025-03-13 08:00'));
    expect(segs(tl)).toEqual([
      ['after-cut-off', 'contract', 24, undefined, undefined],
      ['batch-settled-late', 'contract', 24, undefined, undefined],
    ]);
  });

  it('a late batch, then the host reporting 09 later still: the same cause on two bases', () => {
    const o = obs('2025-03-13 10:00', {
      status: 'C',
      expectedArrival: host('2025-03-13 12:00'),
      delayReason: '09',
    });
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 23:30', [o]),
      T1,
      cal,
      sh('2025-03-13 10:00'),
    );
    expect(segs(tl)).toEqual([
      ['batch-settled-late', 'contract', 24, undefined, undefined],
      ['batch-settled-late', 'host', 3, '09', 'C'],
    ]);
  });

  it('two host reports of a rest day (02) each keep their own segment, as the calendar runs do', () => {
    const tl = buildTimeline(
      base([
        obs('2025-03-12 08:00', {
          status: 'C',
          expectedArrival: host('2025-03-12 12:00'),
          delayReason: '02',
        }),
        obs('2025-03-12 11:00', {
          status: 'C',
          expectedArrival: host('2025-03-12 15:00'),
          delayReason: '02',
        }),
      ]),
      T1,
      cal,
      sh('2025-03-12 11:00'),
    );
    expect(segs(tl)).toEqual([
      ['non-business-day', 'host', 3, '02', 'C'],
      ['non-business-day', 'host', 3, '02', 'C'],
    ]);
  });

  it('the mode the host applied stays, even when a later record names the contract mode', () => {
    const tl = buildTimeline(
      online('2025-03-11 10:00', '2025-03-11 20:00', [
        obs('2025-03-11 11:00', {
          status: 'P',
          expectedArrival: host('2025-03-12 09:00'),
          delayReason: '03',
        }),
        obs('2025-03-11 12:00', {
          status: 'P',
          settlementMode: 'D0',
          expectedArrival: host('2025-03-12 09:00'),
        }),
      ]),
      D0,
      cal,
      sh('2025-03-11 12:00'),
    );
    expect(tl.mode).toBe('T1');
    expect(segs(tl)[0]).toEqual(['d0-limit', 'host', 21, '03', 'P']);
  });

  it("D0 paid T1 late on a Friday: the mode's shift, then the cut-off, then the Sunday", () => {
    const o = obs('2025-03-14 23:40', {
      status: 'P',
      expectedArrival: host('2025-03-17 09:00'),
      delayReason: '03',
    });
    const tl = buildTimeline(
      online('2025-03-14 23:30', '2025-03-14 23:45', [o]),
      D0,
      cal,
      sh('2025-03-14 23:50'),
    );
    expect(tl.ideal).toBe(sh('2025-03-15 01:30'));
    expect(segs(tl)).toEqual([
      ['d0-limit', 'host', 7.5, '03', 'P'],
      ['after-cut-off', 'contract', 24, undefined, undefined],
      ['non-business-day', 'contract', 24, undefined, undefined],
    ]);
  });

  it("a host record without an expected arrival before the model's: still expected (estimated)", () => {
    const tl = buildTimeline(
      base([obs('2025-03-11 21:00', { status: 'P' })]),
      T1,
      cal,
      sh('2025-03-11 21:00'),
    );
    expect(tl.arrival).toEqual({ kind: 'expected', at: sh('2025-03-12 09:00'), source: 'estimated' });
    expect(tl.stages.at(-1)).toEqual({
      stage: 'expected-arrival',
      at: sh('2025-03-12 09:00'),
      source: 'estimated',
    });
  });

  it('an offline sale without its queue times: the outage from the authorisation, open', () => {
    const facts: SettlementFacts = {
      authorisedAt: sh('2025-03-11 10:00'),
      approval: 'offline',
      observations: [],
    };
    const tl = buildTimeline(facts, T1, cal, sh('2025-03-12 10:00'));
    expect(segs(tl)).toEqual([['terminal-offline', 'terminal', 24, undefined, undefined]]);
    expect(tl.segments[0].outage).toEqual({ from: sh('2025-03-11 10:00') });
    expect('to' in (tl.segments[0].outage ?? {})).toBe(false);
  });

  it('forwarded: a terminal stage; an open batch: no cleared stage', () => {
    const facts: SettlementFacts = {
      authorisedAt: sh('2025-03-11 10:00'),
      approval: 'offline',
      queuedOffline: { from: sh('2025-03-11 10:00'), forwardedAt: sh('2025-03-11 11:00') },
      observations: [],
    };
    const tl = buildTimeline(facts, T1, cal, sh('2025-03-11 12:00'));
    expect(tl.stages).toEqual([
      { stage: 'authorised', at: sh('2025-03-11 10:00'), source: 'terminal' },
      { stage: 'queued-offline', at: sh('2025-03-11 10:00'), source: 'terminal' },
      { stage: 'forwarded', at: sh('2025-03-11 11:00'), source: 'terminal' },
      { stage: 'expected-arrival', at: sh('2025-03-12 09:00'), source: 'estimated' },
    ]);
  });

  it('a repeated A with another reason: the shift goes to the first record that reported it', () => {
    const tl = buildTimeline(
      base([
        obs('2025-03-12 16:00', {
          status: 'A',
          expectedArrival: host('2025-03-12 12:00'),
          arrivedAt: host('2025-03-12 15:00'),
          delayReason: '06',
        }),
        obs('2025-03-12 17:00', { status: 'A', arrivedAt: host('2025-03-12 15:00') }),
      ]),
      T1,
      cal,
      sh('2025-03-12 17:00'),
    );
    expect(segs(tl)).toEqual([['bank-maintenance', 'host', 6, '06', 'A']]);
  });

  it('the arrived stage is learnt with the A, not with a later record', () => {
    const tl = buildTimeline(
      base([
        obs('2025-03-12 10:00', { status: 'A', arrivedAt: host('2025-03-12 09:00') }),
        obs('2025-03-12 11:00', { status: 'C' }),
      ]),
      T1,
      cal,
      sh('2025-03-12 12:00'),
    );
    expect(tl.arrival).toEqual({ kind: 'arrived', at: sh('2025-03-12 09:00') });
    expect(tl.stages.at(-1)).toMatchObject({ stage: 'arrived', learntAt: sh('2025-03-12 10:00') });
  });

  it('a holiday ending on a Friday, then an ordinary weekend: two runs, the name on the first only', () => {
    const c = new HolidayCalendar({
      schema: 1,
      version: 't',
      years: {
        '2030': {
          notice: { title: 't', issued: '2029-11-01' },
          holidays: [{ zh: '测', en: 'Test', from: '2030-01-02', to: '2030-01-04', workdays: [] }],
        },
      },
    });
    const tl = buildTimeline(online('2030-01-01 10:00', '2030-01-01 20:00'), T1, c, sh('2030-01-01 21:00'));
    expect(tl.segments.map((s) => [s.days, s.holiday?.en, s.ms / HOUR])).toEqual([
      [{ first: '2030-01-02', last: '2030-01-04' }, 'Test', 72],
      [{ first: '2030-01-05', last: '2030-01-06' }, undefined, 48],
    ]);
  });
});
