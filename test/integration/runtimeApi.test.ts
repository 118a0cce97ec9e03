/**
 * Issue 9: the runtime's typed surface against the emulator. Idempotency by the till's id (one
 * charge, the same answer: twice, concurrently, after SIGKILL and restart), transaction status,
 * abort (waiting for a card; too late once sent; nothing), numbered events with replay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { NeoCommand } from '../../src/reader/NeoFrame.js';
import type { Runtime } from '../../src/runtime/Runtime.js';
import type { RuntimeEvent } from '../../src/runtime/RuntimeApi.js';
import { asCarried, callApi } from '../helpers/callApi.js';
import { RuntimeChild } from '../helpers/RuntimeChild.js';
import { expectLedgerAgrees, startWorld, until, type World } from './world.js';

let w: World | undefined;
let child: RuntimeChild | undefined;
afterEach(async () => {
  await child?.kill();
  child = undefined;
  await w?.close();
  w = undefined;
});

const purchases = (world: World) => world.seen.filter((s) => s.startsWith('0200/'));

/** Resolves with the first event (from now on) that matches. */
function nextEvent(rt: Runtime, match: (e: RuntimeEvent) => boolean): Promise<RuntimeEvent> {
  return new Promise((resolve) => {
    const sub = rt.subscribe(Number.MAX_SAFE_INTEGER, (e) => {
      if (!match(e)) return;
      sub.close();
      resolve(e);
    });
  });
}

/** Resolves when the virtual reader receives an activate (the runtime waits for a card). */
function readerActivated(world: World): Promise<void> {
  const reader = world.reader!.reader;
  return new Promise((resolve) => {
    const on = (c: { command: number }) => {
      if (c.command !== NeoCommand.ActivateTransaction[0]) return;
      reader.off('command', on);
      resolve();
    };
    reader.on('command', on);
  });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isPosError(e)) throw new Error(`expected a coded refusal, got ${String(e)}`);
  return e.code;
}

describe('idempotency by tillId', () => {
  it('the same tillId twice: one charge, the same answer; another request with it is refused', async () => {
    w = await startWorld();
    const first = await w.rt.sale({ amountMinor: 1250, tillId: 'till-1:0001' });
    expect(first.outcome).toBe('approved');
    const again = await w.rt.sale({ amountMinor: 1250, tillId: 'till-1:0001' });
    expect(again).toEqual(first);
    expect(purchases(w)).toHaveLength(1);
    expect(w.sim.ledger(w.profile.terminalId)).toHaveLength(1);
    // over the control socket too (the protobuf API passes tillId through)
    const viaSocket = await callApi(w.profile.control.socket!, (c) =>
      c.sale({ amountMinor: 1250, tillId: 'till-1:0001' }),
    );
    expect(viaSocket).toEqual(asCarried(first));
    expect(await refusal(w.rt.sale({ amountMinor: 999, tillId: 'till-1:0001' }))).toBe('TXN_TILL_ID_REUSED');
    expect(await refusal(w.rt.sale({ amountMinor: 1, tillId: 'bad id!' }))).toBe('TXN_BAD_TILL_ID');
    expect(await refusal(w.rt.sale({ amountMinor: 1, tillId: 'x'.repeat(65) }))).toBe('TXN_BAD_TILL_ID');
    expect(purchases(w)).toHaveLength(1);
    expectLedgerAgrees(w.rt.journal, w.sim, w.profile.terminalId);
  });

  it('the same tillId while the first is running waits for it: one charge, one answer', async () => {
    w = await startWorld();
    const a = w.rt.sale({ amountMinor: 700, tillId: 'T-2' });
    const b = w.rt.sale({ amountMinor: 700, tillId: 'T-2' });
    // a different request with the id in use is refused at once
    expect(await refusal(w.rt.sale({ amountMinor: 701, tillId: 'T-2' }))).toBe('TXN_TILL_ID_REUSED');
    expect(await w.rt.transactionStatus({ tillId: 'T-2' })).toEqual({ tillId: 'T-2', state: 'in-progress' });
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.outcome).toBe('approved');
    expect(rb).toEqual(ra);
    expect(purchases(w)).toHaveLength(1);
    expect(await w.rt.transactionStatus({ tillId: 'T-2' })).toEqual({
      tillId: 'T-2',
      state: 'done',
      result: ra,
    });
    expect(await w.rt.transactionStatus({ tillId: 'never-sent' })).toEqual({
      tillId: 'never-sent',
      state: 'unknown',
    });
  });

  it('a request refused before it was committed does not use its tillId up', async () => {
    w = await startWorld();
    w.reader!.setCard('no-card');
    const activated = readerActivated(w);
    const sale = w.rt.sale({ amountMinor: 300, tillId: 'retry-me' });
    await activated;
    expect(await w.rt.abort({ tillId: 'retry-me' })).toEqual({ outcome: 'aborted' });
    const r = await sale;
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'READER_CANCELLED' } });
    expect(await w.rt.transactionStatus({ tillId: 'retry-me' })).toMatchObject({ state: 'unknown' });
    w.reader!.setCard('unionpay-contactless');
    const retried = await w.rt.sale({ amountMinor: 300, tillId: 'retry-me' });
    expect(retried.outcome).toBe('approved');
    expect(purchases(w)).toHaveLength(1);
  });

  it('after SIGKILL between send and answer: the restarted runtime answers the same id failed and reversed, and charges nothing more', async () => {
    w = await startWorld({ faults: 'no-answer@0200*1', startRuntime: false });
    child = await RuntimeChild.start({ profileFile: w.profileFile, logFile: w.logFile });
    const socket = w.profile.control.socket!;
    const pending = callApi(socket, (c) => c.sale({ amountMinor: 4321, tillId: 'crash-1' })).catch((e) => e);
    await until(() => purchases(w!).length === 1, 10_000, 'the purchase to reach the host');
    await child.kill();
    expect(await pending).toMatchObject({ code: expect.stringMatching(/^CONTROL_/) });

    const rt = await w.restart();
    const status = await rt.transactionStatus({ tillId: 'crash-1' });
    expect(status).toMatchObject({ state: 'done', result: { outcome: 'failed', amountMinor: 4321 } });
    expect(status.result!.reason?.code).toMatch(/^TXN_REVERS(ED|AL_PENDING)$/);
    await until(() => rt.journal.pendingReversals().length === 0, 10_000, 'the reversal');
    const again = await rt.sale({ amountMinor: 4321, tillId: 'crash-1' });
    expect(again).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_REVERSED' } });
    expect(purchases(w)).toHaveLength(1);
    expect(await refusal(rt.sale({ amountMinor: 1, tillId: 'crash-1' }))).toBe('TXN_TILL_ID_REUSED');
    expectLedgerAgrees(rt.journal, w.sim, w.profile.terminalId);
  });
});

describe('abort', () => {
  it('stops a sale waiting for a card; nothing when nothing runs', async () => {
    w = await startWorld();
    expect(await w.rt.abort()).toEqual({ outcome: 'nothing' });
    w.reader!.setCard('no-card');
    const activated = readerActivated(w);
    const sale = w.rt.sale({ amountMinor: 500 });
    await activated;
    expect(await callApi(w.profile.control.socket!, (c) => c.abort())).toEqual({ outcome: 'aborted' });
    expect(await sale).toMatchObject({ outcome: 'declined', reason: { code: 'READER_CANCELLED' } });
    expect(w.reader!.reader.stats.cancels).toBeGreaterThan(0);
    expect(purchases(w)).toHaveLength(0);
    expect(await w.rt.abort({ tillId: 'unknown-id' })).toEqual({ outcome: 'nothing' });
  });

  it('is too late once the request has left the terminal', async () => {
    w = await startWorld({ faults: 'no-answer@0200*1' });
    const sent = nextEvent(w.rt, (e) => e.type === 'transaction' && e.state === 'sent');
    const sale = w.rt.sale({ amountMinor: 800, tillId: 'late' });
    await sent;
    expect(await w.rt.abort({ tillId: 'late' })).toEqual({ outcome: 'too-late' });
    expect(await w.rt.abort()).toEqual({ outcome: 'too-late' });
    const r = await sale;
    expect(r).toMatchObject({ outcome: 'failed', reversalPending: { reason: '98' } });
    expect(purchases(w)).toHaveLength(1);
  });
});

describe('events', () => {
  it('numbers events, replays the history after a seq, and survives a throwing subscriber', async () => {
    w = await startWorld();
    const rt = w.rt;
    const thrown: RuntimeEvent[] = [];
    rt.subscribe(0, (e) => {
      thrown.push(e);
      throw new Error('a broken till listener');
    });
    const live: RuntimeEvent[] = [];
    const sub = rt.subscribe(Number.MAX_SAFE_INTEGER, (e) => live.push(e));
    const done = nextEvent(rt, (e) => e.type === 'transaction' && e.state === 'approved');
    const r = await rt.sale({ amountMinor: 1500, tillId: 'ev-1' });
    expect(r.outcome).toBe('approved');
    await done;
    const txn = live.filter((e) => e.type === 'transaction' && e.tillId === 'ev-1');
    expect(txn.map((e) => (e as { state: string }).state)).toEqual([
      'started',
      'card-read',
      'sent',
      'approved',
    ]);
    expect(txn[2]).toMatchObject({ id: r.id, kind: 'purchase', amountMinor: 1500 });
    // the reader's answer with card data is the card presented, before the runtime reads it
    const presented = live.findIndex((e) => e.type === 'reader' && e.state === 'card-presented');
    expect(live[presented]).toMatchObject({ reason: 'contactless' });
    expect(presented).toBeLessThan(live.indexOf(txn[1]));
    expect(presented).toBeGreaterThan(live.indexOf(txn[0]));
    const seqs = live.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(thrown.length).toBeGreaterThanOrEqual(live.length);

    // replay from the seq of 'started': everything after it, in order
    const replay: RuntimeEvent[] = [];
    rt.subscribe(txn[0].seq, (e) => replay.push(e)).close();
    expect(replay[0].seq).toBeGreaterThan(txn[0].seq);
    expect(replay.map((e) => e.seq)).toEqual(seqs.filter((s) => s > txn[0].seq).slice(0, replay.length));
    const ev1 = (list: RuntimeEvent[]) => list.filter((e) => e.type === 'transaction' && e.tillId === 'ev-1');
    expect(ev1(replay)).toEqual(txn.slice(1));
    // a subscription over the control socket from the same seq gives the same
    const streamed: RuntimeEvent[] = [];
    await callApi(w.profile.control.socket!, async (c) => {
      const s = await c.subscribe(txn[0].seq, (e) => streamed.push(e));
      await until(() => ev1(streamed).length >= txn.length - 1, 5000, 'the replayed events');
      await s.close();
    });
    expect(ev1(streamed)).toEqual(txn.slice(1));
    expect(streamed).toContainEqual(live[presented]);

    // the start is in the history: reader connected, link up, signed on; the queue after forwarding
    const history: RuntimeEvent[] = [];
    rt.subscribe(0, (e) => history.push(e)).close();
    expect(history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'reader', state: 'connected' }),
        expect.objectContaining({ type: 'link', state: 'up' }),
        expect.objectContaining({ type: 'sign-on', ok: true }),
        expect.objectContaining({ type: 'queue', reversals: 0, advices: 0 }),
      ]),
    );

    // a card taken away during the read: card-removed, and the sale fails without charging
    w.reader!.setCard('removed');
    const removed = nextEvent(rt, (e) => e.type === 'reader' && e.state === 'card-removed');
    expect((await rt.sale({ amountMinor: 1550 })).outcome).not.toBe('approved');
    await removed;
    w.reader!.setCard('unionpay-contactless');

    // closed: no more deliveries
    sub.close();
    const before = live.length;
    await rt.sale({ amountMinor: 1600 });
    expect(live.length).toBe(before);

    // a new run numbers above the old one
    const last = seqs[seqs.length - 1];
    const rt2 = await w.restart();
    const next = nextEvent(rt2, (e) => e.type === 'transaction');
    await rt2.sale({ amountMinor: 1700 });
    expect((await next).seq).toBeGreaterThan(last);
    expect(Math.floor((await next).seq / 2 ** 32)).toBe(Math.floor(last / 2 ** 32) + 1);
  });
});
