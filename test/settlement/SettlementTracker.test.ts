/** The tracker's wake-ups: a burst of approvals costs one planning pass, not one each. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import { SettlementTracker, type TrackerJournal } from '../../src/settlement/SettlementTracker.js';
import { SCHEDULE } from '../../src/settlement/trackingSchedule.js';
import { Lane } from '../../src/txn/Lane.js';

function rig() {
  const clock = new ManualClock(Date.parse('2026-12-01T02:00:00Z'));
  let plans = 0;
  const journal = {
    trackedSettlements: () => {
      plans++;
      return [];
    },
    settlementInquiriesSince: () => [],
  } as unknown as TrackerJournal;
  const tracker = new SettlementTracker({
    journal,
    host: { send: () => Promise.reject(new Error('no inquiry expected')) },
    lane: new Lane(),
    clock,
    log: silentLogger,
    terminalId: '12345678',
    merchantId: '123456789012345',
    timeZone: 'Asia/Shanghai',
    config: () => ({ maxInquiriesPerHour: 12, trackDays: 7 }),
  });
  return { clock, tracker, plans: () => plans };
}

describe('SettlementTracker wake-ups', () => {
  it('plans once at start, then once for a burst of approvals, FIRST_MS after the first', async () => {
    const { clock, tracker, plans } = rig();
    tracker.start();
    clock.advance(0);
    await tracker.idle();
    const atStart = plans();
    expect(atStart).toBeGreaterThan(0);
    for (let i = 0; i < 200; i++) {
      tracker.kick(); // an approval
      clock.advance(100);
    }
    await tracker.idle();
    expect(plans()).toBe(atStart); // nothing due before FIRST_MS after the first approval
    clock.advance(SCHEDULE.FIRST_MS);
    await tracker.idle();
    const after = plans() - atStart;
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(2); // the pass and its re-plan, not 200
    await tracker.stop();
  });
});
