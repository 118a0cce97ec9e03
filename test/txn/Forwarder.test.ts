import { afterEach, describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { Forwarder } from '../../src/txn/Forwarder.js';
import { Lane } from '../../src/txn/Lane.js';
import { answer, approve, type EngineRig, engineRig, MemoryLogger, timeout, unreachable } from './fakes.js';

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

describe('Forwarder: outcomes held in memory', () => {
  it('left after a flush: the pass stops, remaining counts them and the pending reversals written before', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const sale = rig.journal.begin({ kind: 'purchase', amountMinor: 100, currency: '156', fields: {} });
    rig.journal.markSent(sale.id);
    const inquiry = rig.journal.begin({ kind: 'inquiry', amountMinor: 0, currency: '156', fields: {} });
    const full = new PosError('JOURNAL_DISK_FULL', 'full');
    type Held = Parameters<typeof rig.forwarder.held.hold>[0];
    const held = (x: object) => x as Held;
    // the sale's no-answer is written at the flush (a pending reversal, 98); the inquiry's cannot
    // be (never sent: the journal refuses it), so it stays held
    rig.forwarder.held.hold(
      held({
        txnId: sale.id,
        kind: 'purchase',
        stan: sale.stan,
        amountMinor: 100,
        op: 'no-answer',
        reason: '98',
      }),
      full,
    );
    rig.forwarder.held.hold(
      held({
        txnId: inquiry.id,
        kind: 'inquiry',
        stan: inquiry.stan,
        amountMinor: 0,
        op: 'no-answer',
        reason: '98',
      }),
      full,
    );
    const r = await rig.forwarder.forwardAll();
    expect(r).toMatchObject({
      reversalsDone: 0,
      advicesDone: 0,
      failed: 1,
      remaining: 2,
      unreachable: false,
    });
    expect(rig.forwarder.held.size).toBe(1);
    expect(rig.journal.pendingReversals().map((p) => [p.txn.id, p.reason])).toEqual([[sale.id, '98']]);
    expect(rig.host.sent).toEqual([]);
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

describe('Forwarder: background passes, drain, events', () => {
  it('a failed background pass retries after the backoff (2 s +-20 %), not sooner', async () => {
    rig = engineRig();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' }); // kicks a pass at once
    let calls = 0;
    const send = rig.host.send.bind(rig.host);
    rig.host.send = (msg, opts) => {
      calls++;
      return send(msg, opts);
    };
    rig.host.fallback = unreachable;
    rig.clock.advance(0);
    await flushAll();
    expect(calls).toBe(1);
    rig.clock.advance(1599);
    await flushAll();
    expect(calls).toBe(1);
    rig.host.fallback = approve;
    rig.clock.advance(801);
    await flushAll();
    expect(calls).toBe(2);
    expect(rig.journal.listQueue()[0].state).toBe('done');
    rig.clock.advance(60_000);
    await flushAll();
    expect(calls).toBe(2); // nothing left: no more passes
  });

  it('clearReversals sends reversals only, never an advice', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    expect(await rig.lane.run(() => rig.forwarder.clearReversals())).toBe('clear');
    expect(rig.host.sent).toHaveLength(0);
  });

  it('one pass sends every pending reversal; a written reversal without an answer counts as no answer', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(timeout);
    const a = await rig.engine.sale({ amountMinor: 100 });
    // a second pending reversal, made through the journal from the first one's stored request
    const stored = rig.journal.requestOf(a.id);
    const { 11: _stan, ...fields } = stored.fields;
    const b = rig.journal.begin({ kind: 'purchase', amountMinor: 100, card: stored.card!, fields });
    rig.journal.markSent(b.id);
    rig.journal.recordNoAnswer(b.id, '98');
    rig.host.script.push(timeout); // the first 0400: written, no answer
    const r1 = await rig.forwarder.forwardAll();
    expect(r1).toMatchObject({ failed: 1, unreachable: false, reversalsDone: 0, remaining: 2 });
    expect(rig.journal.get(a.id)!.reversal).toMatchObject({ attempts: 1, lastResult: 'no-answer' });
    const r2 = await rig.forwarder.forwardAll();
    expect(r2).toMatchObject({ reversalsDone: 2, failed: 0, remaining: 0 });
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0400', '0400', '0400']);
  });

  it('drain: the pass in flight ends after its item; passed() and reversed() are told', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(timeout);
    const sale = await rig.engine.sale({ amountMinor: 100 });
    await rig.engine.sale({ amountMinor: 200, mode: 'force-offline' });
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const send = rig.host.send.bind(rig.host);
    let inFlight = false;
    const host = {
      send: async (msg: Parameters<typeof send>[0], opts: Parameters<typeof send>[1]) => {
        inFlight = true;
        await gate;
        return send(msg, opts);
      },
    };
    const fw = new Forwarder({
      journal: rig.journal,
      host,
      lane: new Lane(),
      clock: rig.clock,
      log: new MemoryLogger(),
      events: { reversed: (t) => seen.push(`reversed ${t.id}`), passed: () => seen.push('passed') },
    });
    const pass = fw.forwardAll();
    while (!inFlight) await flushAll();
    const drained = fw.drain();
    release();
    expect(await pass).toMatchObject({ reversalsDone: 1, advicesDone: 0, remaining: 1 });
    await drained;
    expect(seen).toEqual([`reversed ${sale.id}`, 'passed']);
    fw.kick(0);
    rig.clock.advance(10);
    await flushAll();
    expect(rig.journal.listQueue()[0].state).toBe('pending');
  });
});

describe('Forwarder: background backoff', () => {
  it('drain with no pass running resolves at once', async () => {
    rig = engineRig();
    await expect(rig.forwarder.drain()).resolves.toBeUndefined();
  });

  it('a pass that throws (a bug) is caught, then retried after the backoff', async () => {
    rig = engineRig();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    let calls = 0;
    const send = rig.host.send.bind(rig.host);
    rig.host.send = (msg, opts) => {
      calls++;
      if (calls === 1) return Promise.reject(new TypeError('bug in a port'));
      return send(msg, opts);
    };
    rig.clock.advance(0);
    await flushAll();
    expect(calls).toBe(1);
    expect(rig.logs.some((l) => l.level === 'error')).toBe(true);
    rig.clock.advance(1500);
    await flushAll();
    expect(calls).toBe(1);
    rig.clock.advance(1000);
    await flushAll();
    expect(calls).toBe(2);
    expect(rig.journal.listQueue()[0].state).toBe('done');
  });

  it('an advice written but not answered is retried after the backoff, not at once; success resets it', async () => {
    rig = engineRig();
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    let calls = 0;
    const send = rig.host.send.bind(rig.host);
    rig.host.send = (msg, opts) => {
      calls++;
      return send(msg, opts);
    };
    rig.host.script.push(timeout, timeout);
    rig.clock.advance(0);
    await flushAll();
    expect(calls).toBe(1);
    rig.clock.advance(1500);
    await flushAll();
    expect(calls).toBe(1); // first backoff: 2 s +-20 %
    rig.clock.advance(1000);
    await flushAll();
    expect(calls).toBe(2);
    rig.clock.advance(3100);
    await flushAll();
    expect(calls).toBe(2); // second backoff: 4 s +-20 %
    rig.clock.advance(1800);
    await flushAll();
    expect(calls).toBe(3);
    expect(rig.journal.listQueue()[0].state).toBe('done');
    // after a success the backoff starts again at 2 s
    rig.host.script.push(timeout);
    await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    rig.clock.advance(0);
    await flushAll();
    expect(calls).toBe(4);
    rig.clock.advance(2400);
    await flushAll();
    expect(calls).toBe(5);
  });
});
