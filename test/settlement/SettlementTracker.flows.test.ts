/**
 * SettlementTracker through fakes: a real temp journal with sales made by the engine, a host that
 * answers 0800/951 by script, the engine's manual clock. What a money bug would break: the
 * inquiries sent (RRNs, 8 per message), the answers journalled, the hourly ceiling, the days
 * tracked, the coded problems and the events. Records are written by hand (host-cup-pos.md 5).
 */
import { describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { asciiToHex } from '../../src/iso8583/views/cupPosFields.js';
import type { SettlementStatusChange } from '../../src/settlement/SettlementTracker.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, SCHEDULE } from '../../src/settlement/trackingSchedule.js';
import { approve, timeout, unreachable } from '../txn/fakes.js';
import { answer951, asked, inquiries, rec, salesWithRrns, step, trackerFor } from './trackerFakes.js';

describe('SettlementTracker: scheduled passes', () => {
  it('asks FIRST_MS after the sales, once, with every RRN; journals the answers; P is asked again 2 h later', async () => {
    const { rig, rrns } = await salesWithRrns(3);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker, results } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0);
    await step(rig, tracker, SCHEDULE.FIRST_MS - 1000);
    expect(inquiries(rig)).toEqual([]);
    await step(rig, tracker, 1000);
    expect(inquiries(rig).map(asked)).toEqual([rrns]);
    expect(results).toEqual(['ok']);
    const t = rig.journal.trackedSettlements(0);
    expect(t.map((x) => x.latest?.status)).toEqual(['P', 'P', 'P']);
    expect(t.map((x) => x.askedAt)).toEqual([rig.clock.now(), rig.clock.now(), rig.clock.now()]);
    expect(rig.journal.settlementObservations(t[0].txnId).map((o) => o.record)).toEqual([rec(rrns[0], 'P')]);
    await step(rig, tracker, SCHEDULE.PENDING_MS - 1000);
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, 1000);
    expect(inquiries(rig)).toHaveLength(2);
    await tracker.stop();
  });

  it('the hourly ceiling: 20 sales in 3 groups under a ceiling of 2 leave 4 for the next hour', async () => {
    const { rig, rrns } = await salesWithRrns(20);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig, { maxInquiriesPerHour: 2 });
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig).map((m) => asked(m).length)).toEqual([8, 8]);
    await step(rig, tracker, HOUR_MS - 1000);
    expect(inquiries(rig)).toHaveLength(2);
    await step(rig, tracker, 1000);
    expect(inquiries(rig).map((m) => asked(m).length)).toEqual([8, 8, 4]);
    expect(inquiries(rig)[2].fields[62]).toBe(asciiToHex(rrns.slice(16).join('')));
    await tracker.stop();
  });

  it('an arrived sale (A) is never asked again; its record journalled field by field', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) =>
      r === rrns[0]
        ? rec(r, 'A', { clr: '20261126230000', arr: '20261127110000', reason: '01' })
        : rec(r, 'P'),
    );
    const { tracker } = trackerFor(rig);
    const pending = tracker.trackNow();
    await Promise.resolve();
    expect(tracker.busy).toBe(true);
    const r = await pending;
    expect(tracker.busy).toBe(false);
    const [first] = rig.journal.trackedSettlements(0, true);
    expect(rig.journal.settlementObservations(first.txnId)).toMatchObject([
      {
        rrn: rrns[0],
        status: 'A',
        mode: 'T1',
        expectedArrival: null,
        clearedAt: '20261126230000',
        arrivedAt: '20261127110000',
        delayReason: '01',
        learntAt: rig.clock.now(),
      },
    ]);
    expect(r).toMatchObject({ asked: 2, messages: 1, observations: 2, arrived: 1, deferred: 0, errors: [] });
    expect(r.unreachable).toBe(false);
    await tracker.trackNow();
    expect(inquiries(rig).map(asked)).toEqual([rrns, [rrns[1]]]);
  });

  it('days tracked: a sale never asked gets a last look up to an hour past trackDays, not later', async () => {
    const { rig, rrns } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    rig.clock.advance(2 * DAY_MS + 30 * MINUTE_MS);
    const { tracker } = trackerFor(rig, { trackDays: 2 });
    tracker.start();
    await step(rig, tracker, 0);
    expect(inquiries(rig).map(asked)).toEqual([rrns]);
    await tracker.stop();

    const late = await salesWithRrns(1);
    late.rig.host.fallback = answer951((r) => rec(r, 'P'));
    late.rig.clock.advance(2 * DAY_MS + HOUR_MS + MINUTE_MS);
    const t2 = trackerFor(late.rig, { trackDays: 2 });
    expect(await t2.tracker.trackNow()).toMatchObject({ asked: 0, messages: 0 });
    expect(inquiries(late.rig)).toEqual([]);
  });

  it('a settled batch makes its sales due FIRST_MS later, ahead of the 2 h schedule', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, 10 * MINUTE_MS);
    tracker.kick({ batch: rig.journal.currentBatch() });
    await step(rig, tracker, SCHEDULE.FIRST_MS - 1000);
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, 1000);
    expect(inquiries(rig).map(asked)).toEqual([rrns, rrns]);
    // another batch's settlement does not bring them forward, in its pass or the plan after it
    tracker.kick({ batch: '999999' });
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    await step(rig, tracker, 1000);
    expect(inquiries(rig)).toHaveLength(2);
    await tracker.stop();
  });
});

describe('SettlementTracker: when it looks again', () => {
  it("C with the host's expected arrival: asked 5 min after it passes, not 6 h later", async () => {
    // the rig's clock starts at 10:00 Shanghai; first inquiry at 10:02, expected 12:00
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'C', { exp: '20261127120000' }));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, 2 * HOUR_MS + SCHEDULE.GRACE_MS - SCHEDULE.FIRST_MS - 1000);
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, 1000);
    expect(inquiries(rig)).toHaveLength(2);
    await tracker.stop();
  });

  it('a new sale (kick) is asked FIRST_MS after it, not at the next 2 h look', async () => {
    const { rig, rrns } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    await step(rig, tracker, 10 * MINUTE_MS);
    rig.host.fallback = approve;
    expect((await rig.engine.sale({ amountMinor: 500 })).outcome).toBe('approved');
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const fresh = rig.journal
      .trackedSettlements(0)
      .map((t) => t.rrn)
      .filter((r) => !rrns.includes(r));
    tracker.kick();
    tracker.kick();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig).map(asked)).toEqual([rrns, fresh]);
    await tracker.stop();
  });
});

describe('SettlementTracker: kicks and forced batches', () => {
  it('a second kick within FIRST_MS keeps the first wake-up: the first sale is asked on time', async () => {
    const { rig, rrns } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0); // the start pass: nothing due yet
    rig.host.fallback = approve;
    await step(rig, tracker, MINUTE_MS);
    expect((await rig.engine.sale({ amountMinor: 500 })).outcome).toBe('approved');
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    tracker.kick();
    await step(rig, tracker, MINUTE_MS); // FIRST_MS after the first sale
    expect(inquiries(rig).map(asked)).toEqual([rrns]);
    await tracker.stop();
  });

  it('kicks during a pass start no pass of their own: the pass after it plans the new sales', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    let plans = 0;
    const read = rig.journal.trackedSettlements.bind(rig.journal);
    rig.journal.trackedSettlements = (since, all) => {
      plans++;
      return read(since, all);
    };
    tracker.start();
    rig.clock.advance(SCHEDULE.FIRST_MS);
    expect(tracker.busy).toBe(true); // waiting for the host's answer
    for (let k = 0; k < 5; k++) tracker.kick(); // approvals while it waits
    await step(rig, tracker, 0);
    await step(rig, tracker, MINUTE_MS);
    expect(inquiries(rig).map(asked)).toEqual([rrns]);
    expect(plans).toBe(2); // the pass and the plan after it; no pass per kick
    await step(rig, tracker, 2 * HOUR_MS); // P is asked again at the 2 h look
    expect(inquiries(rig).map(asked)).toEqual([rrns, rrns]);
    await tracker.stop();
  });

  it("a settled batch's sales are not due before FIRST_MS, even when a pass runs meanwhile", async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig)).toHaveLength(1);
    tracker.kick({ batch: rig.journal.currentBatch() });
    tracker.replan(); // a pass now: the batch is not due yet
    await step(rig, tracker, 0);
    await step(rig, tracker, 1000);
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, SCHEDULE.FIRST_MS - 1000); // woken for the batch, not at the 2 h look
    expect(inquiries(rig).map(asked)).toEqual([rrns, rrns]);
    await tracker.stop();
  });
});

describe('SettlementTracker: problems are coded, tracking goes on', () => {
  it('X: journalled, SETTLE_STATUS_UNKNOWN with the RRN', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) => rec(r, r === rrns[1] ? 'X' : 'P'));
    const { tracker, results } = trackerFor(rig);
    const r = await tracker.trackNow();
    expect(r.errors).toEqual([{ code: 'SETTLE_STATUS_UNKNOWN', rrn: rrns[1] }]);
    expect(r.observations).toBe(2);
    expect(results).toEqual(['ok']);
    expect(rig.journal.trackedSettlements(0).map((t) => t.latest?.status)).toEqual(['P', 'X']);
  });

  it('a field 62 that does not decode: SETTLE_INQUIRY_BAD_ANSWER, nothing journalled', async () => {
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = answer951(() => 'garbage');
    const { tracker, results } = trackerFor(rig);
    const r = await tracker.trackNow();
    expect(r).toMatchObject({
      asked: 1,
      messages: 1,
      observations: 0,
      errors: [{ code: 'SETTLE_INQUIRY_BAD_ANSWER' }],
    });
    expect(results).toEqual(['bad-answer SETTLE_INQUIRY_BAD_ANSWER']);
    expect(rig.journal.trackedSettlements(0)[0].latest).toBeUndefined();
  });

  it('a refusal: SETTLE_INQUIRY_DECLINED, the result keeps the code', async () => {
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = answer951(() => '', '96');
    const { tracker, results } = trackerFor(rig);
    const r = await tracker.trackNow();
    expect(r.errors).toEqual([{ code: 'SETTLE_INQUIRY_DECLINED' }]);
    expect(results).toEqual(['declined 96']);
  });

  it('an answer that is not an 0810 at all: SETTLE_INQUIRY_BAD_ANSWER', async () => {
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = (q) => ({ mti: '0810', fields: { 11: q.fields[11] } });
    const { tracker, results } = trackerFor(rig);
    const r = await tracker.trackNow();
    expect(r.errors.map((e) => e.code)).toEqual(['SETTLE_INQUIRY_BAD_ANSWER']);
    expect(results[0]).toMatch(/^bad-answer /);
  });

  it('unreachable: the pass stops after the first message, the next one comes RETRY_MS later', async () => {
    const { rig } = await salesWithRrns(9);
    rig.host.fallback = unreachable;
    const { tracker, results } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(results).toEqual(['no-answer HOST_UNREACHABLE']);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    await step(rig, tracker, SCHEDULE.RETRY_MS - 1000);
    expect(inquiries(rig)).toEqual([]);
    await step(rig, tracker, 1000);
    expect(inquiries(rig).map((m) => asked(m).length)).toEqual([8, 1]);
    await tracker.stop();
  });

  it('a timeout ends the round too (no answer is a host failure)', async () => {
    const { rig } = await salesWithRrns(9);
    rig.host.script = [timeout];
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker, results } = trackerFor(rig);
    const r = await tracker.trackNow();
    expect(results).toEqual(['no-answer HOST_TIMEOUT']);
    expect(r).toMatchObject({ messages: 1, asked: 8, observations: 0, unreachable: true });
    expect(r.errors).toEqual([{ code: 'HOST_TIMEOUT' }]);
  });

  it('a throw that is not a host failure is recorded as no-answer unknown; the round goes on', async () => {
    const { rig } = await salesWithRrns(9);
    rig.host.script = [
      () => {
        throw new TypeError('bug');
      },
    ];
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker, results } = trackerFor(rig);
    const r = await tracker.trackNow();
    expect(results).toEqual(['no-answer unknown', 'ok']);
    expect(r).toMatchObject({ messages: 2, asked: 9, observations: 1, unreachable: false });
    expect(r.errors).toEqual([{ code: 'unknown' }]);
  });
});

describe('SettlementTracker: events, stop, replan', () => {
  it('tells a change once: the same record again is no event; a failing listener changes nothing', async () => {
    const { rig, rrns } = await salesWithRrns(1);
    const seen: SettlementStatusChange[] = [];
    rig.host.fallback = answer951((r) => rec(r, 'C', { exp: '20261128090000' }));
    const { tracker } = trackerFor(rig, { onChange: (c) => seen.push(c) });
    await tracker.trackNow();
    await tracker.trackNow();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      rrn: rrns[0],
      status: 'C',
      expectedArrival: '2026-11-28T01:00:00.000Z',
    });
    expect(seen[0].previous).toBeUndefined();
    rig.host.fallback = answer951((r) => rec(r, 'A', { arr: '20261128090000' }));
    const { tracker: t2 } = trackerFor(rig, {
      onChange: () => {
        throw new Error('listener');
      },
    });
    expect((await t2.trackNow()).arrived).toBe(1);
  });

  it('stop: no pass after it, trackNow refused with TXN_STOPPING, start does nothing', async () => {
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await tracker.stop();
    tracker.start();
    tracker.kick();
    tracker.replan();
    await step(rig, tracker, DAY_MS);
    expect(inquiries(rig)).toEqual([]);
    await expect(tracker.trackNow()).rejects.toThrow(PosError);
    await expect(tracker.trackNow()).rejects.toMatchObject({
      code: 'TXN_STOPPING',
      message: 'the runtime is stopping',
    });
  });

  it('replan reads the configuration again at once: a raised ceiling sends the deferred group', async () => {
    const { rig } = await salesWithRrns(9);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker, cfg } = trackerFor(rig, { maxInquiriesPerHour: 1 });
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig)).toHaveLength(1);
    cfg.maxInquiriesPerHour = 2;
    tracker.replan();
    await step(rig, tracker, 0);
    expect(inquiries(rig).map((m) => asked(m).length)).toEqual([8, 1]);
    await tracker.stop();
  });

  it('before start, kick and replan plan nothing', async () => {
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.kick();
    tracker.replan();
    await step(rig, tracker, SCHEDULE.FIRST_MS * 2);
    expect(inquiries(rig)).toEqual([]);
    expect(tracker.busy).toBe(false);
  });
});
