/**
 * Settler through fakes (temp journal, scripted host): older batches first under their own
 * number, a stop at the first that does not close, one settlement at a time, and the batch limit
 * before a sale (refuse, or settle first with autoSettle).
 */
import { describe, expect, it } from 'vitest';
import { Settler } from '../../src/settlement/Settler.js';
import type { SettlementResult } from '../../src/settlement/settleBatch.js';
import { engineRig } from '../txn/fakes.js';
import { ans0330, ans0510, depsOf, rigWithSales, withJournal } from './settleFakes.js';

const batchOf = (m: { fields: Record<number, string> }) => m.fields[60].slice(2, 8);

describe('Settler.settle', () => {
  it('settles an older unsettled batch first, then the open one, and tells onSettled once', async () => {
    const { rig } = await rigWithSales([1000]);
    const old = rig.journal.currentBatch();
    rig.journal.setBatch('000042');
    await rigWithSales([2000], rig);
    const seen: SettlementResult[] = [];
    const settler = new Settler(depsOf(rig), (r) => seen.push(r));
    rig.host.script = [ans0510('00', '1'), ans0510('00', '1')];
    const r = await settler.settle();
    expect(rig.host.sent.map(batchOf)).toEqual([old, '000042']);
    expect(rig.host.sent.map((m) => m.fields[48].slice(0, 12))).toEqual(['000000001000', '000000002000']);
    expect(r).toMatchObject({ outcome: 'balanced', batch: '000042' });
    expect(r.earlier).toHaveLength(1);
    expect(r.earlier?.[0]).toMatchObject({ outcome: 'balanced', batch: old });
    expect(seen).toEqual([r]);
    expect(rig.journal.unsettledBatches().map((b) => b.batch)).toEqual([rig.journal.currentBatch()]);
  });

  it('stops at an older batch that does not close: no 0500 for the open one, earlier is empty', async () => {
    const { rig } = await rigWithSales([1000]);
    const old = rig.journal.currentBatch();
    rig.journal.setBatch('000042');
    await rigWithSales([2000], rig);
    rig.host.script = [ans0510('05', '1')];
    const r = await new Settler(depsOf(rig)).settle();
    expect(rig.host.sent.map(batchOf)).toEqual([old]);
    expect(r).toMatchObject({ outcome: 'failed', batch: old, earlier: [] });
  });

  it('an uploaded older batch counts as closed: the open one is settled next', async () => {
    const { rig } = await rigWithSales([1000]);
    rig.journal.setBatch('000042');
    await rigWithSales([2000], rig);
    // older batch: unbalanced, one 0320 and the end message; then the open batch balanced
    rig.host.script = [ans0510('00', '2'), ans0330('00'), ans0330('00'), ans0510('00', '1')];
    const r = await new Settler(depsOf(rig)).settle();
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500', '0320', '0320', '0500']);
    expect(r.earlier?.map((e) => e.outcome)).toEqual(['uploaded']);
    expect(r).toMatchObject({ outcome: 'balanced', batch: '000042' });
  });

  it('without older batches the result has no earlier list', async () => {
    const { rig } = await rigWithSales([1000]);
    rig.host.script = [ans0510('00', '1')];
    const r = await new Settler(depsOf(rig)).settle();
    expect(r.outcome).toBe('balanced');
    expect('earlier' in r).toBe(false);
  });

  it('two calls at once share one settlement; a later call settles again', async () => {
    const { rig } = await rigWithSales([1000]);
    const settler = new Settler(depsOf(rig));
    rig.host.fallback = ans0510('00', '1');
    const [a, b] = [settler.settle(), settler.settle()];
    expect(b).toBe(a);
    await a;
    expect(rig.host.sent.filter((m) => m.mti === '0500')).toHaveLength(1);
    await settler.settle();
    expect(rig.host.sent.filter((m) => m.mti === '0500')).toHaveLength(2);
  });
});

describe('Settler.beforeTxn', () => {
  function rigAt(maxCount: number, autoSettle: boolean) {
    const rig = engineRig();
    rig.profile.batch = { maxCount, autoSettle };
    return rig;
  }

  it('without autoSettle: goes ahead below maxCount, refuses at it; debits and credits counted apart', async () => {
    const { rig } = await rigWithSales([100], rigAt(2, false));
    const settler = new Settler(depsOf(rig));
    expect(await settler.beforeTxn('debit')).toBeUndefined();
    await rigWithSales([100], rig);
    expect(await settler.beforeTxn('debit')).toEqual({
      code: 'TXN_SETTLE_FIRST',
      en: 'the batch is full: settle it first',
      zh: '批次已满,请先结算',
    });
    expect(await settler.beforeTxn('credit')).toBeUndefined();
    expect(rig.host.sent).toEqual([]);
  });

  it('with autoSettle at maxCount: settles first and goes ahead in a new batch', async () => {
    const { rig } = await rigWithSales([100, 200], rigAt(2, true));
    const before = rig.journal.currentBatch();
    const seen: SettlementResult[] = [];
    const settler = new Settler(depsOf(rig), (r) => seen.push(r));
    rig.host.script = [ans0510('00', '1')];
    expect(await settler.beforeTxn('debit')).toBeUndefined();
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500']);
    expect(seen.map((r) => r.outcome)).toEqual(['balanced']);
    expect(rig.journal.currentBatch()).not.toBe(before);
  });

  it('with autoSettle, a failed settlement still lets the batch grow below 999', async () => {
    const { rig } = await rigWithSales([100, 200], rigAt(2, true));
    rig.host.script = [ans0510('05', '1')];
    expect(await new Settler(depsOf(rig)).beforeTxn('debit')).toBeUndefined();
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500']);
  });

  it('with autoSettle, a failed settlement at 999 refuses', async () => {
    const { rig } = await rigWithSales([100], rigAt(2, true));
    const j = rig.journal;
    const full = withJournal(j, 'totals', (b?: string) => ({ ...j.totals(b), debitCount: 999 }));
    rig.host.script = [ans0510('05', '1')];
    const r = await new Settler(depsOf(rig, full)).beforeTxn('debit');
    expect(r?.code).toBe('TXN_SETTLE_FIRST');
    // maxCount above 999: the n3 limit alone does not refuse while under maxCount
    rig.profile.batch.maxCount = 1200;
    rig.host.script = [ans0510('05', '1')];
    expect(await new Settler(depsOf(rig, full)).beforeTxn('debit')).toBeUndefined();
  });

  it('with autoSettle below maxCount and no host batch: no settlement', async () => {
    const { rig } = await rigWithSales([100], rigAt(5, true));
    expect(await new Settler(depsOf(rig)).beforeTxn('debit')).toBeUndefined();
    expect(rig.host.sent).toEqual([]);
  });

  it('after a failed automatic settlement: refused at maxCount, allowed below it', async () => {
    const { rig } = await rigWithSales([100], rigAt(1000, true));
    const j = rig.journal;
    const at = (n: number) => withJournal(j, 'totals', (b?: string) => ({ ...j.totals(b), debitCount: n }));
    rig.host.fallback = ans0510('05', '1');
    expect((await new Settler(depsOf(rig, at(1000))).beforeTxn('debit'))?.code).toBe('TXN_SETTLE_FIRST');
    rig.profile.batch.maxCount = 1200;
    expect(j.hostBatch('000077')).toBe('deferred'); // settles first because of the host's batch, then 999 < 1200 goes ahead
    expect(await new Settler(depsOf(rig, at(999))).beforeTxn('debit')).toBeUndefined();
    // 1,000 sales cannot be sent (field 48 is n3): only the second call reached the host
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500']);
  });

  it('a batch number handed by the host: settles first with autoSettle even below maxCount', async () => {
    const { rig } = await rigWithSales([100], rigAt(5, true));
    expect(rig.journal.hostBatch('000077')).toBe('deferred');
    rig.host.script = [ans0510('00', '1')];
    expect(await new Settler(depsOf(rig)).beforeTxn('debit')).toBeUndefined();
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500']);
    expect(rig.journal.currentBatch()).toBe('000077');
  });

  it('a batch number handed by the host without autoSettle changes nothing below maxCount', async () => {
    const { rig } = await rigWithSales([100], rigAt(5, false));
    rig.journal.hostBatch('000077');
    expect(await new Settler(depsOf(rig)).beforeTxn('debit')).toBeUndefined();
    expect(rig.host.sent).toEqual([]);
  });
});
