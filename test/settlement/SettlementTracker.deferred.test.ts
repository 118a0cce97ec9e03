/**
 * A settled batch's sales deferred by the hourly ceiling keep their priority (issue 15: the
 * tracker's last survivors). docs/settlement.md: a batch settlement makes its sales due FIRST_MS
 * after the 0510; the ceiling may hold them back, and then they go out as soon as the window
 * frees a place, not at their own next look (PENDING_MS after the last ask).
 *
 * Timeline, ceiling 1 inquiry an hour, the sales made at t0:
 * - t0 + 2 min: the first inquiry (answer P: next look t0 + 2 min + 2 h = t0 + 122 min);
 * - t0 + 12 min: the batch settles (kick), its sales due at t0 + 14 min;
 * - t0 + 14 min: due, but the window is full (the inquiry of t0 + 2 min): deferred;
 * - t0 + 62 min: the window frees (t0 + 2 min + 1 h): the deferred sales are asked;
 * - then P again: next look 2 h after that inquiry, t0 + 182 min (no longer forced).
 */
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, SCHEDULE } from '../../src/settlement/trackingSchedule.js';
import { answer951, asked, inquiries, rec, salesWithRrns, step, trackerFor } from './trackerFakes.js';

describe('SettlementTracker: a settled batch deferred by the hourly ceiling', () => {
  it('is asked when the window frees a place (t0 + 62 min), not at the 2 h look; then forced no more', async () => {
    const { rig, rrns } = await salesWithRrns(2);
    const t0 = rig.clock.now();
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig, { maxInquiriesPerHour: 1 });
    tracker.start();
    await step(rig, tracker, SCHEDULE.FIRST_MS);
    expect(inquiries(rig).map(asked)).toEqual([rrns]);

    await step(rig, tracker, 10 * MINUTE_MS);
    tracker.kick({ batch: rig.journal.currentBatch() });
    await step(rig, tracker, SCHEDULE.FIRST_MS); // t0 + 14 min: due, deferred
    expect(rig.clock.now()).toBe(t0 + 14 * MINUTE_MS);
    expect(inquiries(rig)).toHaveLength(1);

    await step(rig, tracker, 48 * MINUTE_MS - 1000); // t0 + 62 min less 1 s: the window is full
    expect(inquiries(rig)).toHaveLength(1);
    await step(rig, tracker, 1000); // t0 + 62 min
    expect(rig.clock.now()).toBe(t0 + 62 * MINUTE_MS);
    expect(inquiries(rig).map(asked)).toEqual([rrns, rrns]);

    // Asked: no longer forced. P's next look is 2 h after this inquiry, t0 + 182 min.
    await step(rig, tracker, 2 * HOUR_MS - 1000);
    expect(inquiries(rig)).toHaveLength(2);
    await step(rig, tracker, 1000);
    expect(rig.clock.now()).toBe(t0 + 182 * MINUTE_MS);
    expect(inquiries(rig).map(asked)).toEqual([rrns, rrns, rrns]);
    await tracker.stop();
  });
});
