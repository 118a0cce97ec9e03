/**
 * The tracker stopped while a pass is on the wire (issue 15: SettlementTracker.ts 265, `stopped`
 * checked between the groups of a pass). Nine sales make two inquiries (8 RRNs each at most,
 * host-cup-pos.md 5); a stop while the first is at the host lets it finish and sends no second.
 */
import { describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { SCHEDULE } from '../../src/settlement/trackingSchedule.js';
import { answer951, asked, inquiries, rec, salesWithRrns, step, trackerFor } from './trackerFakes.js';

describe('SettlementTracker stopped mid-pass', () => {
  it('finishes the inquiry at the host and asks no further group', async () => {
    const { rig, rrns } = await salesWithRrns(9);
    rig.host.fallback = answer951((r) => rec(r, 'P'));
    const { tracker } = trackerFor(rig);
    tracker.start();
    await step(rig, tracker, 0); // the first pass: nothing due before FIRST_MS

    // hold every request at the host until released
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
    rig.clock.advance(SCHEDULE.FIRST_MS);
    for (let i = 0; i < 5 && atHost.length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(atHost).toHaveLength(1); // the first group is on the wire

    const stopped = tracker.stop();
    release();
    await stopped;
    await new Promise((r) => setImmediate(r));
    expect(atHost).toHaveLength(1);
    expect(inquiries(rig).map(asked)).toEqual([rrns.slice(0, 8)]);
    expect(tracker.busy).toBe(false);
  });
});
