/**
 * The flows' gates, branch by branch (TxnFlows, TxnEngine): the batch gate, the reversal gate, the
 * host down at the gate, the original of a void or refund, the card, an abort after the card,
 * shutting down. Each asserts what the till gets and what the host and the journal saw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TxnKind, TxnResult } from '../../src/txn/types.js';
import { answer, approve, type EngineRig, engineRig, timeout, unreachable } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

const mtis = () => rig.host.sent.map((m) => m.mti);

const local = (kind: TxnKind, outcome: string, code: string, en: string, zh: string, extra: object = {}) => ({
  id: 0,
  kind,
  outcome,
  textEn: en,
  textZh: zh,
  reason: { code, message: en },
  timings: {},
  ...extra,
});

const NOT_FOUND = ['TXN_ORIGINAL_NOT_FOUND', 'no approved purchase with this RRN', '找不到原交易'] as const;
const UNREACHABLE = ['HOST_UNREACHABLE', 'host unreachable', '主机无法连接'] as const;

/** A sale whose answer never came: a reversal 98 is pending, the background pass out of the way. */
async function pendingReversal(): Promise<TxnResult> {
  rig.forwarder.stop();
  rig.host.script.push(timeout);
  const lost = await rig.engine.sale({ amountMinor: 100 });
  expect(rig.journal.pendingReversals()).toHaveLength(1);
  return lost;
}

describe('the batch gate (batch.maxCount)', () => {
  it('a full batch refuses a sale as debit and a refund as credit, before the card; an open one lets them through', async () => {
    const asked: string[] = [];
    let full = false;
    rig = engineRig(
      {},
      {
        batchGate: {
          beforeTxn: async (kind) => {
            asked.push(kind);
            return full ? { code: 'TXN_SETTLE_FIRST', en: 'settle first', zh: '请先结算' } : undefined;
          },
        },
      },
    );
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    expect(sale.outcome).toBe('approved');
    full = true;
    const reads = rig.reader.reads;
    expect(await rig.engine.sale({ amountMinor: 300 })).toEqual(
      local('purchase', 'failed', 'TXN_SETTLE_FIRST', 'settle first', '请先结算', { amountMinor: 300 }),
    );
    expect(await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 200 })).toEqual(
      local('refund', 'failed', 'TXN_SETTLE_FIRST', 'settle first', '请先结算', { amountMinor: 200 }),
    );
    expect(asked).toEqual(['debit', 'debit', 'credit']);
    expect(rig.reader.reads).toBe(reads);
    expect(mtis()).toEqual(['0200']);
  });
});

describe('the reversal gate', () => {
  it('a pending reversal the host will not confirm blocks every kind, before the card, and says its reason', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    await pendingReversal();
    rig.host.fallback = answer('96'); // the reversal is answered 96: still pending
    const reads = rig.reader.reads;
    const en = 'a reversal is still pending: the host must confirm it first';
    const zh = '有未完成的冲正,请稍后重试';
    const blocked = (kind: TxnKind, amountMinor: number | undefined) =>
      local(kind, 'failed', 'TXN_REVERSAL_PENDING', en, zh, {
        amountMinor,
        reversalPending: { reason: '98' },
      });
    expect(await rig.engine.sale({ amountMinor: 200 })).toEqual(blocked('purchase', 200));
    expect(await rig.engine.voidSale({ rrn: sale.rrn! })).toEqual(blocked('void', 1000));
    expect(await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 300 })).toEqual(blocked('refund', 300));
    expect(await rig.engine.inquiry()).toEqual(blocked('inquiry', 0));
    expect(rig.reader.reads).toBe(reads);
    // each request tried the reversal first, and nothing else went out
    expect(mtis()).toEqual(['0200', '0200', '0400', '0400', '0400', '0400']);
  });

  it('host down at the gate: require-online, void, refund and inquiry fail before the card; prefer-online goes offline', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    await pendingReversal();
    rig.host.fallback = unreachable;
    const reads = rig.reader.reads;
    expect(await rig.engine.sale({ amountMinor: 200, mode: 'require-online' })).toEqual(
      local('purchase', 'failed', ...UNREACHABLE, { amountMinor: 200 }),
    );
    expect(await rig.engine.voidSale({ rrn: sale.rrn! })).toEqual(local('void', 'failed', ...UNREACHABLE));
    expect(await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 300 })).toEqual(
      local('refund', 'failed', ...UNREACHABLE),
    );
    expect(await rig.engine.inquiry()).toEqual(local('inquiry', 'failed', ...UNREACHABLE));
    expect(rig.reader.reads).toBe(reads);
    // prefer-online: the host is known down, so no 0200 is tried: approved offline at once
    const before = rig.journal.listTransactions().length;
    const offline = await rig.engine.sale({ amountMinor: 400 });
    expect(offline).toMatchObject({ outcome: 'approved', approval: 'offline', amountMinor: 400 });
    expect(rig.journal.listTransactions().length).toBe(before + 1);
    expect(rig.journal.listTransactions().some((t) => t.kind === 'purchase' && t.amountMinor === 400)).toBe(
      false,
    );
    expect(mtis()).toEqual(['0200', '0200']);
  });
});

describe('the original of a void or refund', () => {
  it('unknown RRN, a refund, a declined purchase: not found, for void and refund alike', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    const refund = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 100 });
    rig.host.script.push(answer('05'));
    const declined = await rig.engine.sale({ amountMinor: 700 });
    expect(declined.rrn).toMatch(/^\d{12}$/);
    const sent = rig.host.sent.length;
    for (const rrn of ['999999999999', refund.rrn!, declined.rrn!]) {
      expect(await rig.engine.voidSale({ rrn })).toEqual(local('void', 'failed', ...NOT_FOUND));
      expect(await rig.engine.refund({ rrn, amountMinor: 50 })).toEqual(
        local('refund', 'failed', ...NOT_FOUND),
      );
    }
    expect(rig.host.sent.length).toBe(sent);
  });

  it('a purchase of an earlier batch cannot be voided (refund it instead)', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.journal.closeBatch();
    expect(await rig.engine.voidSale({ rrn: sale.rrn! })).toEqual(
      local(
        'void',
        'failed',
        'TXN_NOT_IN_BATCH',
        'only purchases of the open batch can be voided; use a refund',
        '只能撤销当批次交易,请使用退货',
      ),
    );
    expect((await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1000 })).outcome).toBe('approved');
  });

  it('the void carries the original auth code, RRN, batch and STAN, for the original amount', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    const v = await rig.engine.voidSale({ rrn: sale.rrn! });
    expect(v).toMatchObject({ outcome: 'approved', kind: 'void', amountMinor: 1000 });
    const msg = rig.host.sent[1];
    expect(msg.fields[38]).toBe(sale.authCode);
    expect(msg.fields[4]).toBe('000000001000');
    expect(rig.reader.asked.map((a) => [a.type, a.amountMinor])).toEqual([
      ['purchase', 1000],
      ['purchase', 1000],
    ]);
    const row = rig.journal.get(v.id)!;
    expect(row).toMatchObject({ kind: 'void', state: 'approved', amountMinor: 1000 });
  });

  it('limits name the kind refused: a void above the limit is a void refusal', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.profile.limits = { maxSaleMinor: 999 };
    const v = await rig.engine.voidSale({ rrn: sale.rrn! });
    expect(v).toMatchObject({ kind: 'void', amountMinor: 1000, reason: { code: 'TXN_AMOUNT_LIMIT' } });
    const r = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1000 });
    expect(r).toMatchObject({ kind: 'refund', amountMinor: 1000, reason: { code: 'TXN_AMOUNT_LIMIT' } });
    const s = await rig.engine.sale({ amountMinor: 1000 });
    expect(s).toMatchObject({ kind: 'purchase', amountMinor: 1000, reason: { code: 'TXN_AMOUNT_LIMIT' } });
  });
});

describe('the card', () => {
  it('the reader is asked by type: refund and inquiry as themselves (inquiry without an amount)', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 250 });
    await rig.engine.inquiry();
    expect(rig.reader.asked.map((a) => [a.type, a.amountMinor])).toEqual([
      ['purchase', 1000],
      ['refund', 250],
      ['inquiry', 0],
    ]);
  });

  it('no card for a void, refund or inquiry: a local decline of that kind, nothing journalled or sent', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    const noCard = (kind: TxnKind, amountMinor: number) =>
      local(kind, 'declined', 'READER_NO_CARD', 'no card presented', '未检测到卡片', { amountMinor });
    rig.reader.next.push({ outcome: 'no-card', reason: 'timeout' });
    expect(await rig.engine.voidSale({ rrn: sale.rrn! })).toEqual(noCard('void', 1000));
    rig.reader.next.push({ outcome: 'no-card', reason: 'timeout' });
    expect(await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 300 })).toEqual(noCard('refund', 300));
    rig.reader.next.push({ outcome: 'no-card', reason: 'timeout' });
    expect(await rig.engine.inquiry()).toEqual(noCard('inquiry', 0));
    expect(rig.journal.listTransactions()).toHaveLength(1);
    expect(mtis()).toEqual(['0200']);
  });

  it('another card for a refund: refused with the texts, nothing sent', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.reader.card = { ...rig.reader.card, pan: '6258091234567890123' };
    expect(await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 100 })).toEqual(
      local(
        'refund',
        'failed',
        'TXN_CARD_MISMATCH',
        'not the card of the original transaction',
        '非原交易卡',
      ),
    );
    expect(mtis()).toEqual(['0200']);
  });

  it('aborted while the card was read: cancelled for every kind, nothing journalled or sent', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    const cancelled = (kind: TxnKind, amountMinor: number) =>
      local(kind, 'declined', 'READER_CANCELLED', 'cancelled', '交易已取消', { amountMinor });
    const run = async (
      f: (ctx: { signal: AbortSignal; onStep: (s: string) => void }) => Promise<TxnResult>,
    ) => {
      const ac = new AbortController();
      const steps: string[] = [];
      rig.reader.onRead = () => ac.abort(); // the card arrives, but the till gave up meanwhile
      const r = await f({ signal: ac.signal, onStep: (s) => steps.push(s) });
      expect(steps).toEqual(['started', 'card-wait']);
      return r;
    };
    expect(await run((ctx) => rig.engine.sale({ amountMinor: 200 }, ctx))).toEqual(
      cancelled('purchase', 200),
    );
    expect(await run((ctx) => rig.engine.voidSale({ rrn: sale.rrn! }, ctx))).toEqual(cancelled('void', 1000));
    expect(await run((ctx) => rig.engine.refund({ rrn: sale.rrn!, amountMinor: 300 }, ctx))).toEqual(
      cancelled('refund', 300),
    );
    expect(await run((ctx) => rig.engine.inquiry(ctx))).toEqual(cancelled('inquiry', 0));
    // aborted before the reader is asked: the same, and the reader is left alone
    rig.reader.onRead = undefined;
    const reads = rig.reader.reads;
    const early = new AbortController();
    early.abort();
    expect(await rig.engine.voidSale({ rrn: sale.rrn! }, { signal: early.signal })).toEqual(
      cancelled('void', 1000),
    );
    expect(rig.reader.reads).toBe(reads);
    expect(rig.journal.listTransactions()).toHaveLength(1);
    expect(mtis()).toEqual(['0200']);
  });
});

describe('amounts', () => {
  it('12 digits of fen at most: 999999999999 goes out, one more is a coded error', async () => {
    rig = engineRig();
    const max = await rig.engine.sale({ amountMinor: 999_999_999_999 });
    expect(max.outcome).toBe('approved');
    expect(rig.host.sent[0].fields[4]).toBe('999999999999');
    for (const bad of [1_000_000_000_000, -1, 0, 1.5, Number.NaN]) {
      await expect(rig.engine.sale({ amountMinor: bad })).rejects.toMatchObject({
        code: 'TXN_BAD_AMOUNT',
        message: 'amount must be a positive whole number of fen, at most 12 digits',
      });
    }
    // a refused request does not block the line: the next one runs
    expect((await rig.engine.sale({ amountMinor: 1 })).outcome).toBe('approved');
  });
});

describe('shutting down', () => {
  it('close() waits for the request under way; afterwards every kind is refused with TXN_STOPPING', async () => {
    rig = engineRig();
    const order: string[] = [];
    rig.host.afterWritten = () => order.push('sent');
    const sale = rig.engine.sale({ amountMinor: 1000 }).then((r) => {
      order.push('sale done');
      return r;
    });
    await rig.engine.close().then(() => order.push('closed'));
    expect(order).toEqual(['sent', 'sale done', 'closed']);
    const { rrn } = await sale;
    const stopping = (kind: TxnKind, amountMinor?: number) =>
      local(kind, 'failed', 'TXN_STOPPING', 'the terminal is shutting down', '终端正在关闭', { amountMinor });
    expect(await rig.engine.sale({ amountMinor: 5 })).toEqual(stopping('purchase', 5));
    expect(await rig.engine.voidSale({ rrn: rrn! })).toEqual(stopping('void'));
    expect(await rig.engine.refund({ rrn: rrn!, amountMinor: 7 })).toEqual(stopping('refund', 7));
    expect(await rig.engine.inquiry()).toEqual(stopping('inquiry'));
    expect(mtis()).toEqual(['0200']);
    expect(rig.reader.reads).toBe(1);
  });

  it('requests run one at a time, in the order given', async () => {
    rig = engineRig();
    const order: string[] = [];
    rig.host.fallback = (m) => {
      order.push(`host ${m.fields[4]}`);
      return approve(m);
    };
    rig.reader.onRead = () => order.push(`card ${rig.reader.reads}`);
    const all = await Promise.all([1, 2, 3].map((n) => rig.engine.sale({ amountMinor: n })));
    expect(all.map((r) => r.outcome)).toEqual(['approved', 'approved', 'approved']);
    expect(order).toEqual([
      'card 1',
      'host 000000000001',
      'card 2',
      'host 000000000002',
      'card 3',
      'host 000000000003',
    ]);
  });
});
