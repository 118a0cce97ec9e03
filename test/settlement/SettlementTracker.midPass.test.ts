/**
 * The tracker while a pass is on the wire (issue 15's last tracker survivors):
 * - stopped mid-pass (SettlementTracker.ts 265, `stopped` checked between the groups of a pass):
 *   nine sales make two inquiries (8 RRNs each at most, host-cup-pos.md 5); a stop while the
 *   first is at the host lets it finish and sends no second;
 * - sales falling due while a pass waits for the host (213, `wakeIn(0)` when the plan after a
 *   pass has inquiries due): they are asked at once, not at some later wake-up;
 * - nothing left to track (214, `Number.isFinite(wake)`): no timer at all;
 * - a scheduled pass chained behind `settlement track` (189, `running` cleared only by the pass
 *   that is still the last): busy until the second one has finished;
 * - the journal failing to read when a pass ends (215): planned again RETRY_MS later.
 */
import { describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { MINUTE_MS, SCHEDULE } from '../../src/settlement/trackingSchedule.js';
import { answer951, asked, inquiries, rec, salesWithRrns, step, trackerFor } from './trackerFakes.js';

/** Holds every request at the host until `release()`; `atHost` lists what reached it. */
function holdAtHost(rig: Awaited<ReturnType<typeof salesWithRrns>>['rig']) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const send = rig.host.send.bind(rig.host);
  const atHost: IsoMessage[] = [];
  rig.host.send = async (m, o) => {
    atHost.push(m);
    await gate;
    return send(m, o);
  };
  return { atHost, release: () => release() };
}

async function untilAtHost(atHost: IsoMessage[], n: number) {
  for (let i = 0; i < 10 && atHost.length < n; i++) await new Promise((r) => setImmediate(r));
  expect(atHost).toHaveLength(n);
}

describe('SettlementTracker mid-pass', () => {
  it('asks at once what fell due while the pass waited for the host', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) => rec(r, 'P')); // P: look again 2 h after the inquiry
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0);
    const held = holdAtHost(rig);
    rig.clock.advance(SCHEDULE.FIRST_MS);
    await untilAtHost(held.atHost, 1);
    // the host takes 2 h 1 min to answer: the next look (2 h after the inquiry) is already due
    rig.clock.advance(2 * 60 * MINUTE_MS + MINUTE_MS);
    held.release();
    await tracker.idle();
    await step(rig, tracker, 0); // no time passes: a pass planned "at once" runs, nothing later
    expect(inquiries(rig).map(asked)).toEqual([rrns, rrns]);
    await tracker.stop();
  });

  it('stopped: finishes the inquiry at the host and asks no further group', async () => {
    const { rig, rrns } = await salesWithRrns(9);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0); // the first pass: nothing due before FIRST_MS

    const held = holdAtHost(rig);
    rig.clock.advance(SCHEDULE.FIRST_MS);
    await untilAtHost(held.atHost, 1); // the first group is on the wire

    const stopped = tracker.stop();
    held.release();
    await stopped;
    await new Promise((r) => setImmediate(r));
    expect(held.atHost).toHaveLength(1);
    expect(inquiries(rig).map(asked)).toEqual([rrns.slice(0, 8)]);
    expect(tracker.busy).toBe(false);
  });
});

describe('SettlementTracker with nothing to track', () => {
  it('sets no wake-up at all (a timer of infinite delay would fire at once on real timers)', async () => {
    const { rig } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'A', { arr: '20260101120000' }));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS); // asked once: arrived, no longer tracked
    expect(inquiries(rig)).toHaveLength(1);
    expect(rig.journal.trackedSettlements(0)).toEqual([]);
    expect(rig.clock.nextTimerIn()).toBeUndefined();
    await tracker.stop();
  });
});

describe('SettlementTracker: a pass chained behind another', () => {
  it('stays busy until the second pass has finished', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0); // nothing due: the scheduled pass is at FIRST_MS
    const first = holdAtHost(rig);
    const manual = tracker.trackNow(); // settlement track: asks everything now, held at the host
    await untilAtHost(first.atHost, 1);
    rig.clock.advance(SCHEDULE.FIRST_MS); // the scheduled pass comes due behind it
    first.release();
    await manual;
    expect(inquiries(rig).map(asked)).toEqual([rrns]);
    expect(tracker.busy).toBe(true);
    await tracker.idle();
    expect(tracker.busy).toBe(false);
    await tracker.stop();
  });
});

describe('SettlementTracker: the journal failing to read', () => {
  it('tries again RETRY_MS later and then asks as planned', async () => {
    const { rig, rrns } = await salesWithRrns(1);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0); // planned: the sale is due at FIRST_MS
    const read = rig.journal.trackedSettlements.bind(rig.journal);
    let failures = 2; // the pass's plan, then the plan after it
    rig.journal.trackedSettlements = (since, all) => {
      if (failures > 0) {
        failures--;
        throw new PosError('JOURNAL_IO', 'disk I/O error');
      }
      return read(since, all);
    };
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(failures).toBe(0);
    expect(inquiries(rig)).toHaveLength(0);
    await step(rig, tracker, SCHEDULE.RETRY_MS - 1);
    expect(inquiries(rig)).toHaveLength(0);
    await step(rig, tracker, 1);
    expect(inquiries(rig).map(asked)).toEqual([rrns]);
    await tracker.stop();
  });
});
