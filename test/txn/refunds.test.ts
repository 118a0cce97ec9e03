import { afterEach, describe, expect, it } from 'vitest';
import { journalDb } from '../journal/fullDisk.js';
import { answer, type EngineRig, engineRig, timeout } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

const mtis = () => rig.host.sent.map((m) => m.mti);

describe('refunds are checked against what remains of the original', () => {
  it('12.34 purchase: refunds beyond the total and a void after a refund are refused (issue 8 item 4)', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1234 });
    const full = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1234 });
    expect(full.outcome).toBe('approved');
    const five = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 500 });
    expect(five).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_REFUND_TOO_LARGE' } });
    expect(five.textEn).toContain('0.00 left');
    expect(five.textZh).toContain('剩余 0.00');
    const again = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1234 });
    expect(again.reason?.code).toBe('TXN_REFUND_TOO_LARGE');
    const v = await rig.engine.voidSale({ rrn: sale.rrn! });
    expect(v).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_ALREADY_REFUNDED' } });
    expect(v.textZh).toBe('原交易已退货,不能撤销');
    // the host saw the purchase and one refund, nothing else
    expect(mtis()).toEqual(['0200', '0220']);
    expect(rig.journal.totals()).toMatchObject({ creditCount: 1, creditAmountMinor: 1234 });
  });

  it('partial refunds add up to the original amount, and say how much remains', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    expect((await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 400 })).outcome).toBe('approved');
    const over = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 601 });
    expect(over.reason?.code).toBe('TXN_REFUND_TOO_LARGE');
    expect(over.textEn).toContain('6.00 left');
    expect((await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 600 })).outcome).toBe('approved');
    expect((await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1 })).reason?.code).toBe(
      'TXN_REFUND_TOO_LARGE',
    );
    expect(mtis()).toEqual(['0200', '0220', '0220']);
  });

  it('a declined refund does not count; one whose outcome is unknown does', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.host.script.push(answer('05'));
    expect((await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1000 })).outcome).toBe('declined');
    rig.host.script.push(timeout);
    const lost = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 700 });
    expect(lost.outcome).toBe('failed');
    expect(rig.journal.get(lost.id)!.state).toBe('no-answer');
    const next = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 301 });
    expect(next.reason?.code).toBe('TXN_REFUND_TOO_LARGE');
    expect(next.textEn).toContain('3.00 left');
    expect((await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 300 })).outcome).toBe('approved');
  });

  it('a refund after a void is refused', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    expect((await rig.engine.voidSale({ rrn: sale.rrn! })).outcome).toBe('approved');
    const r = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 100 });
    expect(r).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_ALREADY_VOIDED' } });
    expect(mtis()).toEqual(['0200', '0200']);
  });

  it('refunds of one purchase do not count against another', async () => {
    rig = engineRig();
    const a = await rig.engine.sale({ amountMinor: 1000 });
    const b = await rig.engine.sale({ amountMinor: 1000 });
    expect((await rig.engine.refund({ rrn: a.rrn!, amountMinor: 1000 })).outcome).toBe('approved');
    expect((await rig.engine.refund({ rrn: b.rrn!, amountMinor: 1000 })).outcome).toBe('approved');
    expect((await rig.engine.voidSale({ rrn: b.rrn! })).reason?.code).toBe('TXN_ALREADY_REFUNDED');
  });
});

describe('limits.maxSaleMinor', () => {
  it('refuses a sale, refund or void above the limit before the card is read', async () => {
    rig = engineRig();
    const big = await rig.engine.sale({ amountMinor: 20_000 });
    rig.profile.limits = { maxSaleMinor: 10_000 };
    const reads = rig.reader.reads;
    const sale = await rig.engine.sale({ amountMinor: 10_001 });
    expect(sale).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_AMOUNT_LIMIT' } });
    expect(sale.textEn).toContain('100.00');
    expect(sale.textZh).toContain('单笔限额');
    const refund = await rig.engine.refund({ rrn: big.rrn!, amountMinor: 15_000 });
    expect(refund.reason?.code).toBe('TXN_AMOUNT_LIMIT');
    const v = await rig.engine.voidSale({ rrn: big.rrn! });
    expect(v.reason?.code).toBe('TXN_AMOUNT_LIMIT');
    const offline = await rig.engine.sale({ amountMinor: 10_001, mode: 'force-offline' });
    expect(offline.reason?.code).toBe('TXN_AMOUNT_LIMIT');
    expect(rig.reader.reads).toBe(reads);
    expect(mtis()).toEqual(['0200']);
    // at the limit is fine
    expect((await rig.engine.sale({ amountMinor: 10_000 })).outcome).toBe('approved');
    expect((await rig.engine.refund({ rrn: big.rrn!, amountMinor: 10_000 })).outcome).toBe('approved');
  });
});

describe('offline approval codes', () => {
  it('stay unique when the STAN comes round to the same last 4 digits (10,000 later)', async () => {
    rig = engineRig({ floorLimitMinor: 10_000 });
    rig.forwarder.stop();
    const first = await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    // the STAN moves on by 10,000 (as 10,000 transactions would)
    journalDb(rig.journal).prepare(`UPDATE counters SET value = value + 9999 WHERE name = 'stan'`).run();
    const second = await rig.engine.sale({ amountMinor: 200, mode: 'force-offline' });
    expect(second.stan!.slice(-4)).toBe(first.stan!.slice(-4));
    expect(first.authCode).toMatch(/^Y[0-9A-Z]{5}$/);
    expect(second.authCode).not.toBe(first.authCode);
    // the advices carry the codes the till was given
    rig.host.fallback = answer('00');
    await rig.forwarder.forwardAll();
    expect(rig.host.sent.map((m) => m.fields[38])).toEqual([first.authCode, second.authCode]);
  });
});
