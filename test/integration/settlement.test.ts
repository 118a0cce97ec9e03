/** Batch settlement against the simulator: everything owed is forwarded first (issue 5). */
import { afterEach, describe, expect, it } from 'vitest';
import { expectLedgerAgrees, startWorld, type World } from './world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('batch settlement', () => {
  it('forwards the pending reversal and advices before the 0500, then closes a balanced batch', async () => {
    w = await startWorld({ faults: 'no-answer@0200*1' });
    w.rt.forwarder.stop(); // only the settlement may forward
    const timedOut = await w.rt.engine.sale({ amountMinor: 1000 });
    expect(timedOut.reversalPending).toEqual({ reason: '98' });
    await w.rt.engine.sale({ amountMinor: 2000 }); // sends the reversal first
    const offline = await w.rt.engine.sale({ amountMinor: 300, mode: 'force-offline' });
    const sale = await w.rt.engine.sale({ amountMinor: 4000, mode: 'require-online' });
    await w.rt.engine.refund({ rrn: sale.rrn!, amountMinor: 500 });
    expect(w.rt.queue()).toHaveLength(1);

    const r = await w.rt.settle();
    expect(r).toMatchObject({
      outcome: 'balanced',
      batch: '000001',
      openBatch: '000002',
      reconciliation: '1',
      totals: { debitCount: 3, debitAmountMinor: 6300, creditCount: 1, creditAmountMinor: 500 },
    });
    expect(r.forwarded.advicesDone).toBe(1);
    const order = w.seen.map((s) => s.slice(0, 4));
    expect(order.lastIndexOf('0220')).toBeLessThan(order.lastIndexOf('0500'));
    expect(w.sim.ledger(w.profile.terminalId).find((e) => e.stan === offline.stan)?.advice).toBe(true);
    expect(w.rt.journal.currentBatch()).toBe('000002');
    const next = await w.rt.engine.sale({ amountMinor: 100 });
    expect(next.batch).toBe('000002');
    expectLedgerAgrees(w.rt.journal, w.sim, w.profile.terminalId);
  });

  it('refuses to settle while the host cannot take what is owed, and keeps the batch open', async () => {
    w = await startWorld();
    w.rt.forwarder.stop();
    await w.rt.engine.sale({ amountMinor: 300, mode: 'force-offline' });
    w.sim.setFaults('no-answer@0220');
    const r = await w.rt.settle();
    expect(r).toMatchObject({
      outcome: 'refused',
      reason: { code: 'SETTLE_QUEUE_NOT_EMPTY' },
      openBatch: '000001',
    });
    expect(w.seen.some((s) => s.startsWith('0500'))).toBe(false);
  });

  it('reports an unbalanced batch and leaves it open', async () => {
    w = await startWorld();
    await w.rt.engine.sale({ amountMinor: 700 });
    // A sale the terminal holds approved but the host never saw: the totals differ.
    const j = w.rt.journal;
    const ghost = j.begin({ kind: 'purchase', amountMinor: 900, fields: { 3: '000000', 4: '000000000900' } });
    j.markSent(ghost.id);
    j.recordAnswer(ghost.id, { responseCode: '00', rrn: '999999999999', authCode: 'ZZ9999' });
    const r = await w.rt.settle();
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      reconciliation: '2',
      reason: { code: 'SETTLE_UNBALANCED' },
      totals: { debitCount: 2, debitAmountMinor: 1600 },
      openBatch: '000001',
    });
    expect(j.currentBatch()).toBe('000001');
  });
});
