import { afterEach, describe, expect, it } from 'vitest';
import { answer, approve, type EngineRig, engineRig } from './fakes.js';

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
