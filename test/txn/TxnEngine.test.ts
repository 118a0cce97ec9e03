import { afterEach, describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { answer, approve, badMac, type EngineRig, engineRig, timeout, unreachable } from './fakes.js';

let rig: EngineRig;
afterEach(() => {
  rig?.forwarder.stop();
  rig?.journal.close();
});

describe('TxnEngine purchase online', () => {
  it('approves, commits the answer and masks the card', async () => {
    rig = engineRig();
    const r = await rig.engine.sale({ amountMinor: 1234 });
    expect(r).toMatchObject({
      outcome: 'approved',
      approval: 'online',
      responseCode: '00',
      textZh: '交易成功',
    });
    expect(r.maskedPan).toBe('621234******1232');
    expect(JSON.stringify(r)).not.toContain('6212345678901232');
    const rec = rig.journal.get(r.id)!;
    expect(rec.state).toBe('approved');
    expect(rec.rrn).toBe(r.rrn);
    const sent = rig.host.sent[0];
    expect(sent.mti).toBe('0200');
    expect(sent.fields[4]).toBe('000000001234');
    expect(sent.fields[22]).toBe('072');
    expect(sent.fields[35]).toContain('D');
    expect(sent.fields[60].slice(0, 2)).toBe('22');
  });

  it('reports a decline with its code in English and Chinese', async () => {
    rig = engineRig();
    rig.host.script.push(answer('51'));
    const r = await rig.engine.sale({ amountMinor: 5151 });
    expect(r).toMatchObject({
      outcome: 'declined',
      responseCode: '51',
      textEn: 'insufficient funds',
      textZh: '余额不足',
    });
    expect(rig.journal.get(r.id)!.state).toBe('declined');
  });

  it('timeout leaves a reversal 98 that goes out before the next sale, with the original STAN', async () => {
    rig = engineRig();
    rig.host.script.push(timeout);
    const first = await rig.engine.sale({ amountMinor: 100 });
    expect(first).toMatchObject({ outcome: 'failed', reversalPending: { reason: '98' } });
    expect(rig.journal.pendingReversals()).toHaveLength(1);
    rig.forwarder.stop(); // keep the background pass out of the way: the next sale must do it
    const second = await rig.engine.sale({ amountMinor: 200 });
    expect(second.outcome).toBe('approved');
    const mtis = rig.host.sent.map((m) => m.mti);
    expect(mtis).toEqual(['0200', '0400', '0200']);
    const reversal = rig.host.sent[1];
    expect(reversal.fields[11]).toBe(first.stan);
    expect(reversal.fields[39]).toBe('98');
    expect(reversal.fields[61]).toBe(`${first.batch}${first.stan}`);
    expect(reversal.fields[35]).toBeUndefined();
    expect(reversal.fields[2]).toBe('6212345678901232');
    expect(rig.journal.get(first.id)!.state).toBe('reversed');
  });

  it('bad MAC leaves a reversal A0', async () => {
    rig = engineRig();
    rig.host.script.push(badMac);
    const r = await rig.engine.sale({ amountMinor: 100 });
    expect(r.reversalPending).toEqual({ reason: 'A0' });
    expect(rig.journal.pendingReversals()[0].reason).toBe('A0');
  });

  it('a reversal the host will not confirm blocks the next sale, and is never dropped', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.script.push(timeout, answer('96'));
    await rig.engine.sale({ amountMinor: 100 });
    const blocked = await rig.engine.sale({ amountMinor: 200 });
    expect(blocked).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_REVERSAL_PENDING' } });
    expect(rig.host.sent.map((m) => m.mti)).toEqual(['0200', '0400']);
    expect(rig.journal.pendingReversals()).toHaveLength(1);
  });
});

describe('TxnEngine offline', () => {
  it('prefer-online falls back to an offline approval when the host cannot be reached', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = unreachable;
    const r = await rig.engine.sale({ amountMinor: 3000 });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'offline', kind: 'offline-sale' });
    expect(r.authCode).toMatch(/^Y[0-9A-Z]{5}$/);
    const q = rig.journal.listQueue();
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ state: 'pending', amountMinor: 3000 });
  });

  it('require-online never approves offline', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    rig.host.fallback = unreachable;
    const r = await rig.engine.sale({ amountMinor: 3000, mode: 'require-online' });
    expect(r.outcome).toBe('failed');
    expect(rig.journal.listQueue()).toHaveLength(0);
  });

  it('force-offline refuses over the floor limit and for magstripe', async () => {
    rig = engineRig({ floorLimitMinor: 1000 });
    const over = await rig.engine.sale({ amountMinor: 1001, mode: 'force-offline' });
    expect(over).toMatchObject({ outcome: 'declined', reason: { code: 'TXN_OFFLINE_FLOOR_LIMIT' } });
    rig.reader.card = { ...rig.reader.card, entryInterface: 'magstripe', iccData: undefined };
    const mag = await rig.engine.sale({ amountMinor: 500, mode: 'force-offline' });
    expect(mag.reason?.code).toBe('TXN_OFFLINE_INTERFACE');
    expect(rig.host.sent).toHaveLength(0);
  });

  it('forwards advices with the same STAN and content; 00 finishes, a refusal is kept for the merchant', async () => {
    rig = engineRig();
    rig.forwarder.stop();
    const a = await rig.engine.sale({ amountMinor: 100, mode: 'force-offline' });
    const b = await rig.engine.sale({ amountMinor: 205, mode: 'force-offline' });
    rig.host.script.push(timeout); // first attempt of a: no answer
    const r1 = await rig.forwarder.forwardAll();
    expect(r1).toMatchObject({ advicesDone: 0, failed: 1, remaining: 2 });
    rig.host.script.push(approve, answer('05'));
    const r2 = await rig.forwarder.forwardAll();
    expect(r2).toMatchObject({ advicesDone: 1, refused: 1, remaining: 0 });
    const [try1, try2, third] = rig.host.sent;
    expect(try1).toEqual(try2);
    expect(try1.mti).toBe('0220');
    expect(try1.fields[11]).toBe(a.stan);
    expect(try1.fields[38]).toBe(a.authCode);
    expect(try1.fields[60].slice(0, 2)).toBe('30');
    expect(third.fields[11]).toBe(b.stan);
    expect(rig.journal.listQueue().map((q) => q.state)).toEqual(['done', 'refused']);
  });
});

describe('TxnEngine void, refund, inquiry', () => {
  it('voids an approved purchase by RRN and refuses a second void', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    const v = await rig.engine.voidSale({ rrn: sale.rrn! });
    expect(v).toMatchObject({ outcome: 'approved', kind: 'void' });
    const msg = rig.host.sent[1];
    expect(msg.fields[3]).toBe('200000');
    expect(msg.fields[37]).toBe(sale.rrn);
    expect(msg.fields[61]).toBe(`${sale.batch}${sale.stan}`);
    expect(rig.journal.get(sale.id)!.voided).toBe(true);
    const again = await rig.engine.voidSale({ rrn: sale.rrn! });
    expect(again.reason?.code).toBe('TXN_ALREADY_VOIDED');
  });

  it('refunds part of a purchase as 0220 with the original date', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    const r = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 400 });
    expect(r).toMatchObject({ outcome: 'approved', kind: 'refund' });
    const msg = rig.host.sent[1];
    expect(msg.mti).toBe('0220');
    expect(msg.fields[61]).toBe(`${sale.batch}${sale.stan}1127`);
    const tooMuch = await rig.engine.refund({ rrn: sale.rrn!, amountMinor: 1001 });
    expect(tooMuch.reason?.code).toBe('TXN_REFUND_TOO_LARGE');
  });

  it('refuses a void with another card', async () => {
    rig = engineRig();
    const sale = await rig.engine.sale({ amountMinor: 1000 });
    rig.reader.card = { ...rig.reader.card, pan: '6258091234567890123' };
    const v = await rig.engine.voidSale({ rrn: sale.rrn! });
    expect(v.reason?.code).toBe('TXN_CARD_MISMATCH');
  });

  it('balance inquiry returns field 54', async () => {
    rig = engineRig();
    const r = await rig.engine.inquiry();
    expect(r).toMatchObject({ outcome: 'approved', kind: 'inquiry', balance: '1002156C000000012345' });
    expect(rig.host.sent[0].fields[3]).toBe('310000');
  });

  it('no card presented is a local decline and nothing is journaled', async () => {
    rig = engineRig();
    rig.reader.next.push({ outcome: 'no-card', reason: 'timeout' });
    const r = await rig.engine.sale({ amountMinor: 100 });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'READER_NO_CARD' } });
    expect(rig.journal.listTransactions()).toHaveLength(0);
  });

  it('refuses a bad amount with a coded error', async () => {
    rig = engineRig();
    await expect(rig.engine.sale({ amountMinor: 0 })).rejects.toBeInstanceOf(PosError);
    await expect(rig.engine.sale({ amountMinor: 12.5 })).rejects.toMatchObject({ code: 'TXN_BAD_AMOUNT' });
  });
});
