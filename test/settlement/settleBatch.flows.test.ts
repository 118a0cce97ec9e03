/**
 * settleBatch through fakes: a real temp journal with sales made by the engine, a scripted host.
 * What a money bug breaks: the 0500's totals, the batch closed or left open, the upload's entries
 * (8 per 0320, then the end message with the total count) and its resume after a stop.
 * Expected values are worked out from host-cup-pos.md section 5, not from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { settleBatch } from '../../src/settlement/settleBatch.js';
import { timeout, unreachable } from '../txn/fakes.js';
import { ans0330, ans0510, depsOf, rigWithSales, withJournal } from './settleFakes.js';

/** One upload entry of field 48: STAN n6 + amount n12 + PAN length n2 + PAN n19 right padded with 0. */
const PAN = '6212345678901232';
const entry = (stan: string, amount: number) => `${stan}${String(amount).padStart(12, '0')}16${PAN}000`;

describe('settleBatch: the 0500 and a balanced answer', () => {
  it('sends the batch totals (3 sales, 60.50 CNY) and closes the batch on reconciliation 1', async () => {
    const { rig } = await rigWithSales([1000, 2000, 3050]);
    const batch = rig.journal.currentBatch();
    rig.host.script = [ans0510('00', '1')];
    const r = await settleBatch(depsOf(rig));
    expect(rig.host.sent).toHaveLength(1);
    const req = rig.host.sent[0];
    expect(req.mti).toBe('0500');
    // debit 6050 in 3, credit 0 in 0, terminal code 0
    expect(req.fields[48]).toBe('000000006050003000000000000000' + '0');
    expect(req.fields[60]).toBe(`00${batch}201`);
    expect(req.fields[41]).toBe(rig.profile.terminalId);
    expect(r).toMatchObject({
      outcome: 'balanced',
      batch,
      reconciliation: '1',
      responseCode: '00',
      textEn: 'settled, balanced',
      textZh: '结算成功,对账平',
      totals: { debitCount: 3, debitAmountMinor: 6050, creditCount: 0, creditAmountMinor: 0 },
    });
    expect(r.reason).toBeUndefined();
    expect(r.openBatch).not.toBe(batch);
    expect(rig.journal.currentBatch()).toBe(r.openBatch);
    expect(rig.journal.batchState(batch)).toBe('closed');
    expect(r.forwarded.remaining).toBe(0);
  });

  it('a closed batch is refused without a message (SETTLE_BATCH_CLOSED)', async () => {
    const { rig } = await rigWithSales([1000]);
    const batch = rig.journal.currentBatch();
    rig.host.script = [ans0510('00', '1')];
    await settleBatch(depsOf(rig));
    rig.host.sent = [];
    const r = await settleBatch(depsOf(rig), batch);
    expect(rig.host.sent).toEqual([]);
    expect(r).toMatchObject({
      outcome: 'refused',
      batch,
      textEn: `batch ${batch} is already settled`,
      textZh: '该批次已结算',
      reason: { code: 'SETTLE_BATCH_CLOSED', message: `batch ${batch} is closed` },
    });
  });

  it('an advice still owed is refused before any 0500: the count is in the text', async () => {
    const { rig } = await rigWithSales([1000]);
    const off = await rig.engine.sale({ amountMinor: 500, mode: 'force-offline' });
    expect(off.outcome).toBe('approved');
    rig.host.fallback = unreachable;
    rig.host.sent = [];
    const batch = rig.journal.currentBatch();
    const r = await settleBatch(depsOf(rig));
    expect(rig.host.sent.filter((m) => m.mti === '0500')).toEqual([]);
    expect(r).toMatchObject({
      outcome: 'refused',
      textEn: '1 reversal(s) or advice(s) still to send: forward them first',
      textZh: '有未上送的冲正或离线交易,请先上送',
      reason: { code: 'SETTLE_QUEUE_NOT_EMPTY', message: '1 item(s) still owed to the host' },
    });
    expect(r.forwarded.unreachable).toBe(true);
    expect(rig.journal.batchState(batch)).toBe('open');
  });

  it('owed counts reversals, pending and sent advices together (1 + 2 + 4)', async () => {
    const { rig } = await rigWithSales([1000]);
    const j = rig.journal;
    const n = { pending: 2, sent: 4 } as Record<string, number>;
    const owing = withJournal(
      withJournal(j, 'pendingReversals', () => [{}] as never),
      'listQueue',
      ((state?: string) => Array.from({ length: n[state ?? ''] ?? 0 })) as never,
    );
    const r = await settleBatch(depsOf(rig, owing));
    expect(r.reason).toEqual({ code: 'SETTLE_QUEUE_NOT_EMPTY', message: '7 item(s) still owed to the host' });
    expect(rig.host.sent).toEqual([]);
  });

  it('more than 999 sales is SETTLE_BATCH_TOO_LARGE without a message; 999 goes out', async () => {
    const { rig } = await rigWithSales([1000]);
    const j = rig.journal;
    const counts = (debitCount: number, creditCount: number) =>
      withJournal(j, 'totals', (b?: string) => ({ ...j.totals(b), debitCount, creditCount }));
    for (const [d, c] of [
      [1000, 0],
      [0, 1000],
    ]) {
      const r = await settleBatch(depsOf(rig, counts(d, c)));
      expect(r).toMatchObject({
        outcome: 'failed',
        textEn: 'more than 999 sales or refunds in one batch: field 48 cannot carry them',
        textZh: '批次交易笔数超过999,无法结算',
        reason: { code: 'SETTLE_BATCH_TOO_LARGE', message: 'batch counts exceed n3' },
      });
    }
    expect(rig.host.sent).toEqual([]);
    rig.host.script = [ans0510('00', '1')];
    const ok = await settleBatch(depsOf(rig, counts(999, 999)));
    expect(ok.outcome).toBe('balanced');
    expect(rig.host.sent[0].fields[48]).toBe('000000001000999000000000000999' + '0');
  });
});

describe('settleBatch: answers that do not close the batch', () => {
  it('no answer: failed with the host code, "settlement not answered", the batch stays open', async () => {
    const { rig } = await rigWithSales([1000]);
    const batch = rig.journal.currentBatch();
    rig.host.script = [timeout];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({
      outcome: 'failed',
      textEn: 'settlement not answered',
      textZh: '结算无应答',
      reason: { code: 'HOST_TIMEOUT', message: 'no answer in 5000 ms' },
    });
    expect(r.responseCode).toBeUndefined();
    expect(rig.journal.currentBatch()).toBe(batch);
    expect(rig.journal.batchState(batch)).toBe('settling');
  });

  it('a throw that is not a PosError is not swallowed', async () => {
    const { rig } = await rigWithSales([1000]);
    rig.host.script = [
      () => {
        throw new TypeError('bug');
      },
    ];
    await expect(settleBatch(depsOf(rig))).rejects.toThrow('bug');
  });

  it('declined (05): failed, SETTLE_DECLINED with the code', async () => {
    const { rig } = await rigWithSales([1000]);
    rig.host.script = [ans0510('05', '1')];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({
      outcome: 'failed',
      responseCode: '05',
      textEn: 'settlement declined (05)',
      textZh: '结算失败 (05)',
      reason: { code: 'SETTLE_DECLINED', message: 'host answered 05' },
    });
    expect(r.openBatch).toBe(r.batch);
    expect(rig.journal.batchState(r.batch)).toBe('settling');
  });

  it('00 without field 48 decides nothing: SETTLE_DECLINED', async () => {
    const { rig } = await rigWithSales([1000]);
    rig.host.script = [ans0510('00')];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({ outcome: 'failed', responseCode: '00', reason: { code: 'SETTLE_DECLINED' } });
    expect(rig.journal.currentBatch()).toBe(r.batch);
  });

  it('reconciliation 3: unbalanced, SETTLE_HOST_ERROR, batch left open, no upload', async () => {
    const { rig } = await rigWithSales([1000]);
    rig.host.script = [ans0510('00', '3')];
    const r = await settleBatch(depsOf(rig));
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500']);
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      reconciliation: '3',
      responseCode: '00',
      textEn: 'the host could not reconcile the batch (code 3), batch left open',
      textZh: '主机对账出错,批次未关闭',
      reason: { code: 'SETTLE_HOST_ERROR', message: 'reconciliation code 3' },
    });
    expect(rig.journal.currentBatch()).toBe(r.batch);
    expect(rig.journal.batchState(r.batch)).not.toBe('closed');
  });
});

describe('settleBatch: batch upload after reconciliation 2', () => {
  const amounts = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110];

  it('uploads 10 sales as 8 + 2 entries, then the end message with 0010, and closes', async () => {
    const { rig, stans } = await rigWithSales(amounts);
    const batch = rig.journal.currentBatch();
    rig.host.script = [ans0510('00', '2'), ans0330('00'), ans0330('00'), ans0330('00')];
    const r = await settleBatch(depsOf(rig));
    const [s, u1, u2, end] = rig.host.sent;
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500', '0320', '0320', '0320']);
    expect(s.fields[48]).toBe(`000000001055010000000000000000${'0'}`);
    expect(u1.fields[48]).toBe(
      `08${stans
        .slice(0, 8)
        .map((st, k) => entry(st, amounts[k]))
        .join('')}`,
    );
    expect(u2.fields[48]).toBe(`02${entry(stans[8], 109)}${entry(stans[9], 110)}`);
    expect(u1.fields[60]).toBe(`00${batch}201`);
    expect(end.fields[60]).toBe(`00${batch}202`);
    expect(end.fields[48]).toBe('0010');
    expect(r).toMatchObject({
      outcome: 'uploaded',
      batch,
      reconciliation: '2',
      responseCode: '00',
      uploaded: { entries: 10, messages: 2 },
      textEn: 'totals differed: 10 transaction(s) uploaded, batch closed',
      textZh: '对账不平,已批上送10笔,批次已结',
    });
    expect(r.reason).toBeUndefined();
    expect(rig.journal.batchState(batch)).toBe('closed');
    expect(rig.journal.currentBatch()).toBe(r.openBatch);
    expect(r.openBatch).not.toBe(batch);
  });

  it('a declined 0320 stops the upload; settling again resumes with the rest only', async () => {
    const { rig, stans } = await rigWithSales(amounts);
    const batch = rig.journal.currentBatch();
    rig.host.script = [ans0510('00', '2'), ans0330('00'), ans0330('96')];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      reconciliation: '2',
      uploaded: { entries: 8, messages: 1 },
      textEn: 'batch upload stopped: declined (96); settle again to resume',
      reason: { code: 'SETTLE_UPLOAD_DECLINED', message: 'host answered 96' },
    });
    expect(rig.journal.batchState(batch)).toBe('uploading');
    rig.host.sent = [];
    rig.host.script = [ans0330('00'), ans0330('00')];
    const again = await settleBatch(depsOf(rig));
    // no 0500 again: the two entries left, then the end message with the batch's total count
    expect(rig.host.sent.map((m) => m.fields[48])).toEqual([
      `02${entry(stans[8], 109)}${entry(stans[9], 110)}`,
      '0010',
    ]);
    expect(again).toMatchObject({ outcome: 'uploaded', uploaded: { entries: 10, messages: 1 } });
    expect(rig.journal.batchState(batch)).toBe('closed');
  });

  it('a stop after a resume counts the entries acknowledged before it', async () => {
    const { rig } = await rigWithSales(amounts);
    rig.host.script = [ans0510('00', '2'), ans0330('00'), ans0330('96')];
    await settleBatch(depsOf(rig));
    rig.host.script = [ans0330('00'), ans0330('05')];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      uploaded: { entries: 10, messages: 1 },
      textZh: '批上送中断: 被拒 (05),请重新结算',
    });
  });

  it('the end message declined: "to the end" in the reason, all entries counted, batch not closed', async () => {
    const { rig } = await rigWithSales([101, 102]);
    const batch = rig.journal.currentBatch();
    rig.host.script = [ans0510('00', '2'), ans0330('00'), ans0330('05')];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      uploaded: { entries: 2, messages: 1 },
      reason: { code: 'SETTLE_UPLOAD_DECLINED', message: 'host answered 05 to the end' },
    });
    expect(rig.journal.batchState(batch)).toBe('uploading');
    rig.host.sent = [];
    rig.host.script = [ans0330('00')];
    const again = await settleBatch(depsOf(rig));
    expect(rig.host.sent.map((m) => m.fields[48])).toEqual(['0002']);
    expect(again).toMatchObject({ outcome: 'uploaded', uploaded: { entries: 2, messages: 0 } });
  });

  it('no answer to a 0320: unbalanced with the host code, "no answer"', async () => {
    const { rig } = await rigWithSales([101]);
    rig.host.script = [ans0510('00', '2'), timeout];
    const r = await settleBatch(depsOf(rig));
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      uploaded: { entries: 0, messages: 0 },
      textEn: 'batch upload stopped: no answer; settle again to resume',
      textZh: '批上送中断: 无应答,请重新结算',
      reason: { code: 'HOST_TIMEOUT' },
    });
  });

  it('an entry without a stored PAN stops before any 0320 (SETTLE_UPLOAD_NO_CARD)', async () => {
    const { rig } = await rigWithSales([101, 102]);
    const j = rig.journal;
    const noPan = withJournal(j, 'uploadEntries', (b: string) =>
      j.uploadEntries(b).map((e, k) => (k === 1 ? { ...e, pan: null } : e)),
    );
    rig.host.script = [ans0510('00', '2')];
    const r = await settleBatch(depsOf(rig, noPan));
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0500']);
    expect(r).toMatchObject({
      outcome: 'unbalanced',
      uploaded: { entries: 0, messages: 0 },
      textEn: 'batch upload stopped: card numbers missing; settle again to resume',
      textZh: '批上送中断: 缺少卡号,请重新结算',
      reason: {
        code: 'SETTLE_UPLOAD_NO_CARD',
        message: '1 transaction(s) of the batch have no stored card number',
      },
    });
  });
});
