/** Batch settlement against the simulator: everything owed is forwarded first (issue 5). */
import { afterEach, describe, expect, it } from 'vitest';
import { expectLedgerAgrees, startWorld, type World } from './world.js';

const GHOST_PAN = '6212345678901232';

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

  it('uploads an unbalanced batch (0320, then the end message) and closes it', async () => {
    w = await startWorld();
    const sale = await w.rt.engine.sale({ amountMinor: 700 });
    // A sale the terminal holds approved but the host never saw: the totals differ.
    const j = w.rt.journal;
    const ghost = j.begin({
      kind: 'purchase',
      amountMinor: 900,
      card: { pan: GHOST_PAN },
      fields: { 3: '000000', 4: '000000000900' },
    });
    j.markSent(ghost.id);
    j.recordAnswer(ghost.id, { responseCode: '00', rrn: '999999999999', authCode: 'ZZ9999' });
    j.purge(); // the periodic sweep keeps what the upload needs
    const r = await w.rt.settle();
    expect(r).toMatchObject({
      outcome: 'uploaded',
      batch: '000001',
      openBatch: '000002',
      reconciliation: '2',
      totals: { debitCount: 2, debitAmountMinor: 1600 },
      uploaded: { entries: 2, messages: 1 },
    });
    expect(w.seen.map((x) => x.slice(0, 4)).slice(-3)).toEqual(['0500', '0320', '0320']);
    const tid = w.profile.terminalId;
    expect(w.sim.uploads(tid, '000001')).toEqual([
      { stan: sale.stan, amount: 700, maskedPan: sale.maskedPan },
      { stan: ghost.stan, amount: 900, maskedPan: '621234******1232' },
    ]);
    expect(w.sim.settledAt(tid, '000001')).toBeDefined();
    expect(j.batchState('000001')).toBe('closed');
    expect(j.uploadEntries('000001').every((e) => e.pan === null)).toBe(true);
    expect((await w.rt.engine.sale({ amountMinor: 100 })).batch).toBe('000002');
  });

  it('resumes an upload cut by the network after a restart: no second 0500, nothing counted twice', async () => {
    w = await startWorld({ faults: 'unbalanced*1' });
    const sales = [];
    for (let i = 0; i < 10; i++) sales.push(await w.rt.engine.sale({ amountMinor: 1000 + i * 100 }));
    let uploads = 0;
    const sim = w.sim;
    sim.on('request', (p) => {
      if (p.mti === '0320' && ++uploads === 2) sim.setFaults('no-answer@0320*1');
    });
    const cut = await w.rt.settle();
    expect(cut).toMatchObject({
      outcome: 'unbalanced',
      reconciliation: '2',
      uploaded: { entries: 8, messages: 1 },
      reason: { code: 'HOST_TIMEOUT' },
      openBatch: '000001',
    });
    expect(w.rt.journal.batchState('000001')).toBe('uploading');
    const tid = w.profile.terminalId;
    expect(w.sim.settledAt(tid, '000001')).toBeUndefined();

    const rt = await w.restart();
    const before = w.seen.length;
    const r = await rt.settle();
    expect(r).toMatchObject({ outcome: 'uploaded', batch: '000001', openBatch: '000002' });
    expect(r.uploaded).toEqual({ entries: 10, messages: 1 });
    // only the rest of the upload and the end message: no 0500 again (the restart's sign-on
    // runs in the background and may land here)
    const financial = w.seen.slice(before).filter((x) => !x.startsWith('08'));
    expect(financial.map((x) => x.slice(0, 4))).toEqual(['0320', '0320']);
    const got = w.sim.uploads(tid, '000001');
    expect(got.map((e) => e.stan)).toEqual(sales.map((s) => s.stan));
    expect(got.reduce((n, e) => n + e.amount, 0)).toBe(sales.reduce((n, s) => n + (s.amountMinor ?? 0), 0));
    expect(w.sim.settledAt(tid, '000001')).toBeDefined();
    // 8 + 2 entries, then the end message
    expect(w.seen.filter((x) => x.startsWith('0320'))).toHaveLength(4);
  });
});

describe('batch size (profile batch.maxCount)', () => {
  it('refuses sales with TXN_SETTLE_FIRST once the batch is full, offline sales counted, until it is settled', async () => {
    w = await startWorld({ edit: (raw) => (raw.batch = { maxCount: 3, autoSettle: false }) });
    await w.rt.engine.sale({ amountMinor: 100 });
    await w.rt.engine.sale({ amountMinor: 200, mode: 'force-offline' });
    await w.rt.engine.sale({ amountMinor: 300 });
    const refused = await w.rt.engine.sale({ amountMinor: 400 });
    expect(refused).toMatchObject({
      outcome: 'failed',
      reason: { code: 'TXN_SETTLE_FIRST' },
      textZh: '批次已满,请先结算',
    });
    expect(w.sim.ledger(w.profile.terminalId).filter((e) => e.amount === 400)).toEqual([]);
    const r = await w.rt.settle();
    expect(r).toMatchObject({ outcome: 'balanced', batch: '000001', totals: { debitCount: 3 } });
    const next = await w.rt.engine.sale({ amountMinor: 400 });
    expect(next).toMatchObject({ outcome: 'approved', batch: '000002' });
  });

  it('with autoSettle, settles the full batch before the next sale and carries on in the next batch', async () => {
    w = await startWorld({ edit: (raw) => (raw.batch = { maxCount: 2 }) });
    await w.rt.engine.sale({ amountMinor: 100 });
    await w.rt.engine.sale({ amountMinor: 200 });
    const third = await w.rt.engine.sale({ amountMinor: 300 });
    expect(third).toMatchObject({ outcome: 'approved', batch: '000002' });
    const tid = w.profile.terminalId;
    expect(w.sim.settledAt(tid, '000001')).toBeDefined();
    const order = w.seen.map((x) => x.slice(0, 4));
    expect(order.indexOf('0500')).toBeLessThan(order.lastIndexOf('0200'));
    expect(w.sim.ledger(tid).find((e) => e.amount === 300)?.batch).toBe('000002');
  });
});

describe('a batch number handed by the host (0810 60.2)', () => {
  async function switchMidBatch(autoSettle: boolean) {
    w = await startWorld({ edit: (raw) => (raw.batch = { autoSettle }) });
    const first = await w.rt.engine.sale({ amountMinor: 1100 });
    w.sim.setSignOnBatch('000050');
    w.sim.setFaults('sign-on-again*1');
    await w.rt.engine.sale({ amountMinor: 1200 }); // its answer asks for a new sign-on
    const third = await w.rt.engine.sale({ amountMinor: 1300 }); // signs on first: host hands 000050
    expect(w.seen.filter((x) => x.startsWith('0800')).length).toBeGreaterThanOrEqual(2);
    return { first, third };
  }

  it('keeps settling the open batch under its own number, then takes the host number', async () => {
    const { first, third } = await switchMidBatch(false);
    expect([first.batch, third.batch]).toEqual(['000001', '000001']);
    expect(w!.rt.journal.pendingHostBatch()).toBe('000050');
    const r = await w!.rt.settle();
    expect(r).toMatchObject({
      outcome: 'balanced',
      batch: '000001',
      openBatch: '000050',
      totals: { debitCount: 3, debitAmountMinor: 3600 },
    });
    const tid = w!.profile.terminalId;
    expect(w!.sim.settledAt(tid, '000001')).toBeDefined();
    expect((await w!.rt.engine.sale({ amountMinor: 100 })).batch).toBe('000050');
    expect(w!.rt.journal.unsettledBatches().map((b) => b.batch)).toEqual(['000050']);
  });

  it('with autoSettle, settles the old batch before the next sale', async () => {
    await switchMidBatch(true);
    const next = await w!.rt.engine.sale({ amountMinor: 100 });
    expect(next.batch).toBe('000050');
    expect(w!.sim.settledAt(w!.profile.terminalId, '000001')).toBeDefined();
  });

  it('posterm settle settles a batch an earlier release stranded, under its own number, first', async () => {
    w = await startWorld();
    await w.rt.engine.sale({ amountMinor: 500 });
    w.rt.journal.setBatch('000007'); // what a switch did before: batch 000001 left unsettled
    await w.rt.engine.sale({ amountMinor: 800 });
    const r = await w.rt.settle();
    expect(r).toMatchObject({ outcome: 'balanced', batch: '000007', openBatch: '000008' });
    expect(r.earlier).toMatchObject([
      { outcome: 'balanced', batch: '000001', totals: { debitCount: 1, debitAmountMinor: 500 } },
    ]);
    const tid = w.profile.terminalId;
    expect(w.sim.settledAt(tid, '000001')).toBeDefined();
    expect(w.sim.settledAt(tid, '000007')).toBeDefined();
    expect(w.rt.journal.unsettledBatches().map((b) => b.batch)).toEqual(['000008']);
  });
});
