import { afterEach, describe, expect, it } from 'vitest';
import { answer, approve, type EngineRig, engineRig, timeout, unreachable } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

describe('Forwarder: an advice answered A0 (the host could not check our MAC)', () => {
  it('is no answer: the advice stays pending with its card data and goes out again, same STAN and content', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const sale = await rig.engine.sale({ amountMinor: 700, mode: 'force-offline' });
    rig.host.script.push(answer('A0'));
    const r1 = await rig.forwarder.forwardAll();
    expect(r1).toMatchObject({ advicesDone: 0, refused: 0, failed: 1, remaining: 1, unreachable: false });
    const [queued] = rig.journal.listQueue();
    expect(queued).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastResult: 'no-answer',
      hasCardData: true,
    });
    expect(rig.journal.get(sale.id)!.state).toBe('offline-approved');

    rig.host.script.push(approve);
    const r2 = await rig.forwarder.forwardAll();
    expect(r2).toMatchObject({ advicesDone: 1, refused: 0, failed: 0, remaining: 0 });
    const [first, second] = rig.host.sent;
    expect(second).toEqual(first);
    expect(first.fields[11]).toBe(sale.stan);
    expect(rig.journal.listQueue()[0]).toMatchObject({ state: 'done', attempts: 2, hasCardData: false });
    expect(rig.journal.get(sale.id)!.state).toBe('approved');
  });
});

describe('Forwarder: outcomes of a pass', () => {
  it('a reversal answered 96 stays pending (retry), the pass stops there; clearReversals says pending', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(timeout);
    await rig.engine.sale({ amountMinor: 100 });
    await rig.engine.sale({ amountMinor: 200, mode: 'force-offline' });
    rig.host.script.push(answer('96'));
    const r = await rig.forwarder.forwardAll();
    expect(r).toMatchObject({ reversalsDone: 0, advicesDone: 0, failed: 1, remaining: 2 });
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0400']);
    rig.host.script.push(answer('96'));
    expect(await rig.lane.run(() => rig.forwarder.clearReversals())).toBe('pending');
    rig.host.script.push(answer('00'));
    expect(await rig.lane.run(() => rig.forwarder.clearReversals())).toBe('clear');
  });

  it('host down before anything is written: unreachable, no attempt counted, nothing behind it tried', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    await rig.engine.sale({ amountMinor: 200, mode: 'force-offline' });
    rig.host.fallback = unreachable;
    const r = await rig.forwarder.forwardAll();
    expect(r).toMatchObject({ unreachable: true, failed: 0, advicesDone: 0, remaining: 2 });
    expect(rig.journal.listQueue().map((a) => [a.attempts, a.lastResult])).toEqual([
      [0, 'not-sent: HOST_UNREACHABLE'],
      [0, null],
    ]);
    rig.host.script.push(timeout);
    await rig.engine.sale({ amountMinor: 300 }); // leaves a reversal 98
    rig.host.fallback = unreachable;
    expect(await rig.lane.run(() => rig.forwarder.clearReversals())).toBe('unreachable');
  });

  it('a failure that is no host failure (a bug) propagates and is not recorded as an attempt result', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    rig.host.send = async () => {
      throw new TypeError('bug in a port');
    };
    await expect(rig.forwarder.forwardAll()).rejects.toThrow('bug in a port');
    expect(rig.journal.listQueue()[0]).toMatchObject({ state: 'pending', attempts: 0, lastResult: null });
  });

  it('kick runs a background pass on the clock; after stop() it does nothing', async () => {
    const idle = engineRig();
    try {
      await idle.engine.sale({ amountMinor: 100, mode: 'force-offline' });
      idle.forwarder.stop();
      idle.forwarder.kick(0);
      idle.clock.advance(10);
      await flushAll();
      expect(idle.host.sent).toHaveLength(0);
    } finally {
      idle.journal.close();
    }
    const live = engineRig();
    try {
      await live.engine.sale({ amountMinor: 100, mode: 'force-offline' });
      live.host.sent.length = 0;
      live.forwarder.kick(1000);
      live.clock.advance(999);
      await flushAll();
      expect(live.host.sent).toHaveLength(0);
      live.clock.advance(1);
      await flushAll();
      expect(live.host.sent.map((m) => m.mti)).toEqual(['0220']);
      expect(live.journal.listQueue()[0].state).toBe('done');
    } finally {
      live.forwarder.stop();
      live.journal.close();
    }
  });
});

async function flushAll(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
