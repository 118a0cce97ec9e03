/**
 * The offline limits with the journal's real totals (approveOffline reads offlineTotals()):
 * count, amount and age of the advices the host does not have yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { approve, type EngineRig, engineRig } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

const offline = (amountMinor: number) => rig.engine.sale({ amountMinor, mode: 'force-offline' });

describe('cumulative offline limits', () => {
  it('count: the sale after maxCount unsent ones is refused; forwarding frees the count again', async () => {
    rig = engineRig({ maxCount: 2, totalLimitMinor: 0, maxAgeS: 0 });
    rig.forwarder.stop();
    expect((await offline(100)).outcome).toBe('approved');
    expect((await offline(100)).outcome).toBe('approved');
    const third = await offline(100);
    expect(third).toMatchObject({ outcome: 'declined', reason: { code: 'TXN_OFFLINE_COUNT_LIMIT' } });
    expect(rig.journal.listQueue()).toHaveLength(2);
    rig.host.fallback = approve;
    expect(await rig.forwarder.forwardAll()).toMatchObject({ advicesDone: 2, remaining: 0 });
    expect((await offline(100)).outcome).toBe('approved');
  });

  it('total: the sale that would take the unsent amount past the limit is refused, up to it is approved', async () => {
    rig = engineRig({ totalLimitMinor: 1000, maxCount: 0, maxAgeS: 0 });
    rig.forwarder.stop();
    expect((await offline(600)).outcome).toBe('approved');
    const over = await offline(401);
    expect(over).toMatchObject({ outcome: 'declined', reason: { code: 'TXN_OFFLINE_TOTAL_LIMIT' } });
    expect((await offline(400)).outcome).toBe('approved');
    expect(rig.journal.offlineTotals()).toMatchObject({ count: 2, amountMinor: 1000 });
    expect((await offline(1)).reason?.code).toBe('TXN_OFFLINE_TOTAL_LIMIT');
  });

  it('age: once the oldest unsent advice is older than maxAgeS, no more offline approvals', async () => {
    rig = engineRig({ maxAgeS: 60, maxCount: 0, totalLimitMinor: 0 });
    rig.forwarder.stop();
    expect((await offline(100)).outcome).toBe('approved');
    rig.clock.advance(60_000);
    expect((await offline(100)).outcome).toBe('approved');
    rig.clock.advance(1);
    const late = await offline(100);
    expect(late).toMatchObject({ outcome: 'declined', reason: { code: 'TXN_OFFLINE_AGE_LIMIT' } });
    expect(rig.host.sent).toHaveLength(0);
  });
});

describe('offline results', () => {
  it('approved: 00, the texts, the amount and the time from the card in hand; declined: the refusal as a purchase', async () => {
    rig = engineRig({ floorLimitMinor: 1000 });
    rig.forwarder.stop();
    rig.reader.next.push({ outcome: 'card', card: rig.reader.card, cardMs: 7 });
    rig.clock.advance(5000); // the monotonic clock is not at 0: totalMs is a difference
    const ok = await offline(500);
    expect(ok).toMatchObject({
      kind: 'offline-sale',
      outcome: 'approved',
      approval: 'offline',
      responseCode: '00',
      textEn: 'approved offline',
      textZh: '离线批准',
      amountMinor: 500,
      timings: { cardMs: 7 },
    });
    expect(ok.timings!.totalMs).toBe(0); // nothing advanced the manual clock during the sale
    const no = await offline(1001);
    expect(no).toMatchObject({
      kind: 'purchase',
      outcome: 'declined',
      amountMinor: 1001,
      reason: { code: 'TXN_OFFLINE_FLOOR_LIMIT' },
      maskedPan: '621234******1232',
    });
  });
});
