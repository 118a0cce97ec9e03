/** The tracking schedule (pure): intervals per status, the hourly ceiling, stop at A and after the limit. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  nextCheckAt,
  planInquiries,
  SCHEDULE,
  type ScheduleItem,
} from '../../src/settlement/trackingSchedule.js';

const cfg = { maxInquiriesPerHour: 12, trackDays: 7 };
const T0 = Date.UTC(2026, 2, 2, 2, 0); // Monday 10:00 in Shanghai

function item(txnId: number, extra: Partial<ScheduleItem> = {}): ScheduleItem {
  return { txnId, rrn: String(txnId).padStart(12, '0'), authorisedAt: T0, ...extra };
}

describe('nextCheckAt', () => {
  it('never asked: due FIRST_MS after authorisation', () => {
    expect(nextCheckAt(item(1), cfg)).toBe(T0 + SCHEDULE.FIRST_MS);
  });

  it('asked, nothing learnt since (no answer, garbage): again after RETRY_MS', () => {
    const asked = T0 + MINUTE_MS;
    expect(nextCheckAt(item(1, { askedAt: asked }), cfg)).toBe(asked + SCHEDULE.RETRY_MS);
    const old = { status: 'P', learntAt: T0 };
    expect(nextCheckAt(item(1, { askedAt: asked, latest: old }), cfg)).toBe(asked + SCHEDULE.RETRY_MS);
  });

  it('P without expected arrival: every PENDING_MS; C: every CLEARED_MS (slower)', () => {
    const a = T0 + MINUTE_MS;
    expect(nextCheckAt(item(1, { askedAt: a, latest: { status: 'P', learntAt: a } }), cfg)).toBe(
      a + SCHEDULE.PENDING_MS,
    );
    expect(nextCheckAt(item(1, { askedAt: a, latest: { status: 'C', learntAt: a } }), cfg)).toBe(
      a + SCHEDULE.CLEARED_MS,
    );
    expect(SCHEDULE.CLEARED_MS).toBeGreaterThan(SCHEDULE.PENDING_MS);
  });

  it('soon after the expected arrival passes, then every OVERDUE_MS', () => {
    const a = T0 + MINUTE_MS;
    const expected = a + 3 * HOUR_MS;
    const latest = { status: 'C', expectedArrival: expected, learntAt: a };
    // before it: the expected arrival comes before the C interval
    expect(nextCheckAt(item(1, { askedAt: a, latest }), cfg)).toBe(expected + SCHEDULE.GRACE_MS);
    // far ahead: the C interval comes first
    const far = { ...latest, expectedArrival: a + 2 * DAY_MS };
    expect(nextCheckAt(item(1, { askedAt: a, latest: far }), cfg)).toBe(a + SCHEDULE.CLEARED_MS);
    // asked after it, still not arrived: overdue, every hour
    const b = expected + SCHEDULE.GRACE_MS;
    const again = { ...latest, learntAt: b };
    expect(nextCheckAt(item(1, { askedAt: b, latest: again }), cfg)).toBe(b + SCHEDULE.OVERDUE_MS);
  });

  it('H and F: every HELD_MS; X: every UNKNOWN_MS', () => {
    const a = T0 + MINUTE_MS;
    for (const status of ['H', 'F'])
      expect(nextCheckAt(item(1, { askedAt: a, latest: { status, learntAt: a } }), cfg)).toBe(
        a + SCHEDULE.HELD_MS,
      );
    expect(nextCheckAt(item(1, { askedAt: a, latest: { status: 'X', learntAt: a } }), cfg)).toBe(
      a + SCHEDULE.UNKNOWN_MS,
    );
  });

  it('stops at A, and after the limit of days (one last look at its end)', () => {
    const a = T0 + MINUTE_MS;
    expect(nextCheckAt(item(1, { askedAt: a, latest: { status: 'A', learntAt: a } }), cfg)).toBe('stop');
    const late = T0 + 7 * DAY_MS - HOUR_MS;
    const h = { status: 'H', learntAt: late };
    expect(nextCheckAt(item(1, { askedAt: late, latest: h }), cfg)).toBe(T0 + 7 * DAY_MS);
    const end = T0 + 7 * DAY_MS;
    expect(nextCheckAt(item(1, { askedAt: end, latest: { ...h, learntAt: end } }), cfg)).toBe('stop');
  });
});

describe('planInquiries over a manual clock', () => {
  it('groups due transactions by 8, most overdue first, and says when to wake', () => {
    const clock = new ManualClock(T0 + SCHEDULE.FIRST_MS + 1000);
    const items = Array.from({ length: 19 }, (_, k) => item(k + 1, { authorisedAt: T0 + k }));
    const plan = planInquiries(items, [], clock.now(), cfg);
    expect(plan.inquiries.map((g) => g.length)).toEqual([8, 8, 3]);
    expect(plan.inquiries[0][0].txnId).toBe(1);
    expect(plan.deferred).toBe(0);
    expect(plan.wakeAt).toBeUndefined();
    // after they were asked and answered P, the next look is PENDING_MS later
    const asked = items.map((i) => ({
      ...i,
      askedAt: clock.now(),
      latest: { status: 'P', learntAt: clock.now() },
    }));
    const next = planInquiries(asked, [clock.now(), clock.now(), clock.now()], clock.now(), cfg);
    expect(next.inquiries).toEqual([]);
    expect(next.wakeAt).toBe(clock.now() + SCHEDULE.PENDING_MS);
    clock.advance(SCHEDULE.PENDING_MS);
    expect(planInquiries(asked, [], clock.now(), cfg).inquiries.flat()).toHaveLength(19);
  });

  it('the hourly ceiling: no more than maxInquiriesPerHour in any hour; wakes when a place frees', () => {
    const clock = new ManualClock(T0);
    const items = Array.from({ length: 40 }, (_, k) => item(k + 1, { authorisedAt: T0 - SCHEDULE.FIRST_MS }));
    const sent: number[] = [];
    const small = { maxInquiriesPerHour: 3, trackDays: 7 };
    const first = planInquiries(items, sent, clock.now(), small);
    expect(first.inquiries).toHaveLength(3);
    expect(first.deferred).toBe(40 - 24);
    expect(first.wakeAt).toBe(T0 + HOUR_MS);
    sent.push(T0, T0, T0);
    clock.advance(30 * MINUTE_MS);
    const asked = new Set(first.inquiries.flat().map((i) => i.txnId));
    const rest = items.filter((i) => !asked.has(i.txnId));
    const half = planInquiries(rest, sent, clock.now(), small);
    expect(half.inquiries).toEqual([]);
    expect(half.wakeAt).toBe(T0 + HOUR_MS);
    clock.advance(30 * MINUTE_MS);
    expect(planInquiries(rest, sent, clock.now(), small).inquiries).toHaveLength(2);
    // forced ones count against the ceiling too; a manual track is not held back
    const forced = planInquiries(
      rest,
      [T0 + HOUR_MS - 1, T0 + HOUR_MS - 1, T0 + HOUR_MS - 1],
      clock.now(),
      small,
      {
        forced: () => true,
      },
    );
    expect(forced.inquiries).toEqual([]);
    const manual = planInquiries(rest, [clock.now(), clock.now(), clock.now()], clock.now(), small, {
      manual: true,
    });
    expect(manual.inquiries.flat()).toHaveLength(16);
  });

  it('forced: due at once whatever the rule; A and past the limit are stopped', () => {
    const now = T0 + HOUR_MS;
    const p = { status: 'P', learntAt: now - MINUTE_MS };
    const items = [
      item(1, { askedAt: now - MINUTE_MS, latest: p }),
      item(2, { askedAt: now - MINUTE_MS, latest: p }),
      item(3, { askedAt: now - MINUTE_MS, latest: { status: 'A', learntAt: now - MINUTE_MS } }),
      item(4, { authorisedAt: now - 8 * DAY_MS }),
    ];
    const plan = planInquiries(items, [], now, cfg, { forced: (i) => i.txnId === 2 });
    expect(plan.inquiries.flat().map((i) => i.txnId)).toEqual([2]);
    expect(plan.stopped.sort()).toEqual([3, 4]);
    expect(plan.wakeAt).toBe(now - MINUTE_MS + SCHEDULE.PENDING_MS);
  });
});

describe('planInquiries at the boundaries', () => {
  const now = T0 + DAY_MS;

  it('due exactly now is due; ties go by transaction id', () => {
    const at = now - SCHEDULE.FIRST_MS; // authorised so that FIRST_MS ends exactly now
    const plan = planInquiries([item(3, { authorisedAt: at }), item(2, { authorisedAt: at })], [], now, cfg);
    expect(plan.inquiries.flat().map((i) => i.txnId)).toEqual([2, 3]);
  });

  it('the last look: up to OVERDUE_MS past trackDays, stopped a millisecond later', () => {
    const end = now - 7 * DAY_MS - SCHEDULE.OVERDUE_MS;
    expect(planInquiries([item(1, { authorisedAt: end })], [], now, cfg).inquiries.flat()).toHaveLength(1);
    const gone = planInquiries([item(1, { authorisedAt: end - 1 })], [], now, cfg);
    expect(gone.inquiries).toEqual([]);
    expect(gone.stopped).toEqual([1]);
  });

  it('a manual track sends the not-yet-due ones in txn order: each counts as due now', () => {
    const plan = planInquiries(
      [item(1, { authorisedAt: now }), item(2, { authorisedAt: now - MINUTE_MS })],
      [],
      now,
      cfg,
      { manual: true },
    );
    expect(plan.inquiries.flat().map((i) => i.txnId)).toEqual([1, 2]);
    expect(plan.wakeAt).toBeUndefined();
  });

  it('a full window wakes when a place frees, not when the next sale falls due (no plan for nothing)', () => {
    const small = { maxInquiriesPerHour: 2, trackDays: 7 };
    // sales authorised a millisecond apart: one falls due every millisecond from now on
    const now = T0 + SCHEDULE.FIRST_MS;
    const items = Array.from({ length: 100 }, (_, k) => item(k + 1, { authorisedAt: T0 + k }));
    const sent = [now - 10 * MINUTE_MS, now - 5 * MINUTE_MS];
    const plan = planInquiries(items, sent, now, small);
    expect(plan).toMatchObject({ inquiries: [], deferred: 1, wakeAt: now - 10 * MINUTE_MS + HOUR_MS });
    // nothing due yet, but the window is full: the first look waits for the window too
    const notYet = planInquiries(items.slice(1), sent, now, small);
    expect(notYet).toMatchObject({ inquiries: [], deferred: 0, wakeAt: now - 10 * MINUTE_MS + HOUR_MS });
    // a place left: the next sale's due time
    const room = planInquiries(items.slice(1), sent.slice(1), now, small);
    expect(room).toMatchObject({ inquiries: [], deferred: 0, wakeAt: T0 + 1 + SCHEDULE.FIRST_MS });
    // the inquiry sent now fills the window: the rest wait for the place it frees
    const fills = planInquiries(items.slice(0, 20), sent.slice(1), now, small);
    expect(fills.inquiries.flat().map((i) => i.txnId)).toEqual([1]);
    expect(fills.wakeAt).toBe(now - 5 * MINUTE_MS + HOUR_MS);
  });

  it('an inquiry exactly an hour old no longer counts; a ceiling of 0 waits an hour', () => {
    const one = { maxInquiriesPerHour: 1, trackDays: 7 };
    const due = [item(1, { authorisedAt: now - HOUR_MS })];
    expect(planInquiries(due, [now - HOUR_MS], now, one).inquiries).toHaveLength(1);
    expect(planInquiries(due, [now - HOUR_MS + 1], now, one)).toMatchObject({
      inquiries: [],
      deferred: 1,
      wakeAt: now + 1,
    });
    expect(planInquiries(due, [], now, { maxInquiriesPerHour: 0, trackDays: 7 })).toMatchObject({
      inquiries: [],
      deferred: 1,
      wakeAt: now + HOUR_MS,
    });
  });

  it('wakes at the soonest of the items not due, whatever their order', () => {
    const a = now - MINUTE_MS;
    const p = (txnId: number, learnt: number) =>
      item(txnId, { askedAt: learnt, latest: { status: 'P', learntAt: learnt } });
    const plan = planInquiries([p(1, a), p(2, a - 30 * MINUTE_MS), p(3, a)], [], now, cfg);
    expect(plan.wakeAt).toBe(a - 30 * MINUTE_MS + SCHEDULE.PENDING_MS);
    expect('wakeAt' in planInquiries([], [], now, cfg)).toBe(false);
  });

  it('the ceiling frees a place when the oldest inquiry is an hour old, in whatever order they are given', () => {
    const two = { maxInquiriesPerHour: 2, trackDays: 7 };
    const due = [item(1, { authorisedAt: now - HOUR_MS })];
    const plan = planInquiries(due, [now - 10 * MINUTE_MS, now - 50 * MINUTE_MS], now, two);
    expect(plan).toMatchObject({ inquiries: [], deferred: 1, wakeAt: now + 10 * MINUTE_MS });
  });

  it('a full window: nothing tracked, no wake-up; a later look is kept; over the ceiling, the place frees when enough have aged', () => {
    const two = { maxInquiriesPerHour: 2, trackDays: 7 };
    const sent = [now - 50 * MINUTE_MS, now - 40 * MINUTE_MS];
    expect('wakeAt' in planInquiries([], sent, now, two)).toBe(false);
    // H: the next look HELD_MS (3 h) after the last ask, well after the place frees (now + 10 min)
    const held = item(1, { askedAt: now - MINUTE_MS, latest: { status: 'H', learntAt: now - MINUTE_MS } });
    expect(planInquiries([held], sent, now, two)).toMatchObject({
      inquiries: [],
      deferred: 0,
      wakeAt: now - MINUTE_MS + 3 * HOUR_MS,
    });
    // three in the last hour under a ceiling of 2 (a manual track counts but is not held back):
    // a place frees when the second oldest is an hour old, not the oldest
    const three = [now - 30 * MINUTE_MS, now - 50 * MINUTE_MS, now - 40 * MINUTE_MS];
    const due = [item(2, { authorisedAt: now - HOUR_MS })];
    expect(planInquiries(due, three, now, two)).toMatchObject({
      inquiries: [],
      deferred: 1,
      wakeAt: now + 20 * MINUTE_MS,
    });
  });
});
