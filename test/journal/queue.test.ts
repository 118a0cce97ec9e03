import { afterEach, describe, expect, it } from 'vitest';
import type { NewAdvice } from '../../src/journal/index.js';
import { codeOf, ICC, PAN_A, PAN_B, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const advice = (amountMinor: number, pan = PAN_A): NewAdvice => ({
  amountMinor,
  authCode: 'OFF001',
  entryMode: '051',
  card: { pan, expiry: '3012', panSeq: '001', iccData: ICC },
  fields: {
    3: '000000',
    4: String(amountMinor).padStart(12, '0'),
    12: '101500',
    13: '1127',
    22: '051',
    60: '30',
  },
});

describe('store-and-forward queue', () => {
  it('enqueues an offline approval as txn + pending advice in one commit, with its own STAN', () => {
    fx = tempJournal();
    const { txn, advice: a } = fx.journal.enqueueAdvice(advice(1500));
    expect(txn).toMatchObject({
      kind: 'offline-sale',
      state: 'offline-approved',
      approvalMode: 'offline',
      authCode: 'OFF001',
      maskedPan: '621234******1232',
      stan: '000001',
    });
    expect(a).toMatchObject({
      txnId: txn.id,
      state: 'pending',
      stan: '000001',
      attempts: 0,
      hasCardData: true,
    });
    expect(fx.journal.listQueue()).toEqual([a]);
    expect(fx.journal.get(txn.id)).toEqual(txn); // records returned match what was stored
    expect(fx.journal.getAdvice(a.id)).toEqual(a);
    const again = fx.journal.enqueueAdvice(advice(1));
    expect([again.txn.id, again.advice.id, again.advice.stan]).toEqual([txn.id + 1, a.id + 1, '000002']);
  });

  it('orders pending reversals first, then advices oldest first', () => {
    fx = tempJournal();
    const a1 = fx.journal.enqueueAdvice(advice(100)).advice;
    fx.clock.advance(10);
    const a2 = fx.journal.enqueueAdvice(advice(200, PAN_B)).advice;
    const p = fx.journal.begin({
      kind: 'purchase',
      amountMinor: 50,
      card: { pan: PAN_A },
      fields: purchaseFields,
    });
    fx.journal.markSent(p.id);
    fx.journal.recordNoAnswer(p.id, '98');
    const order: string[] = [];
    for (let item = fx.journal.nextToForward(); item; item = fx.journal.nextToForward()) {
      if (item.type === 'reversal') {
        order.push(`reversal:${item.txn.id}`);
        fx.journal.reversalAttempt(item.txn.id);
        fx.journal.reversalResult(item.txn.id, '00');
      } else {
        order.push(`advice:${item.advice.id}`);
        fx.journal.adviceAttempt(item.advice.id);
        fx.journal.adviceResult(item.advice.id, { responseCode: '00' });
      }
      if (order.length > 10) break;
    }
    expect(order).toEqual([`reversal:${p.id}`, `advice:${a1.id}`, `advice:${a2.id}`]);
  });

  it('keeps the same STAN and content on every retry, counts attempts', () => {
    fx = tempJournal({ adviceAttemptLimit: 2 });
    const { advice: a } = fx.journal.enqueueAdvice(advice(1234));
    const first = fx.journal.nextToForward();
    expect(first?.type).toBe('advice');
    if (first?.type !== 'advice') return;
    fx.clock.advance(100);
    expect(fx.journal.adviceAttempt(a.id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(fx.journal.adviceResult(a.id, null)).toMatchObject({ state: 'pending', lastResult: 'no-answer' });
    fx.clock.advance(100);
    const second = fx.journal.nextToForward();
    expect(second?.type === 'advice' && second.request).toEqual(first.request);
    expect(second?.overLimit).toBe(false);
    expect(first.request.fields[11]).toBe(a.stan);
    expect(first.request.card).toEqual(advice(1234).card);
    const s2 = fx.journal.adviceAttempt(a.id);
    expect(s2.attempts).toBe(2);
    expect(s2.lastAttempt?.monoMs).toBe(200);
    // crash while in flight: back to pending, same content
    const j = fx.reopen();
    expect(j.recoverAfterCrash().advicesRequeued).toEqual([a.id]);
    const third = j.nextToForward();
    expect(third?.type === 'advice' && third.request).toEqual(first.request);
    expect(third?.overLimit).toBe(true);
    j.adviceAttempt(a.id);
    const done = j.adviceResult(a.id, { responseCode: '94' }); // duplicate: host already has it
    expect(done).toMatchObject({ state: 'done', attempts: 3, lastResult: '94', hasCardData: false });
    expect(j.get(done.txnId)).toMatchObject({ state: 'approved', responseCode: '94' });
    expect(j.nextToForward()).toBeUndefined();
  });

  it('records a refusal after the fact with the host code', () => {
    fx = tempJournal();
    const { advice: a, txn } = fx.journal.enqueueAdvice(advice(999));
    fx.journal.adviceAttempt(a.id);
    const r = fx.journal.adviceResult(a.id, { responseCode: '05' });
    expect(r).toMatchObject({ state: 'refused', lastResult: '05', hasCardData: false });
    expect(fx.journal.get(txn.id)).toMatchObject({ state: 'refused', responseCode: '05' });
    expect(fx.journal.listQueue('refused')).toHaveLength(1);
    expect(fx.journal.totals().debitCount).toBe(0);
  });

  it('refuses illegal advice steps and bad input with coded errors', () => {
    fx = tempJournal();
    const { advice: a } = fx.journal.enqueueAdvice(advice(10));
    expect(codeOf(() => fx.journal.adviceResult(a.id, { responseCode: '00' }))).toBe(
      'JOURNAL_ILLEGAL_TRANSITION',
    );
    fx.journal.adviceAttempt(a.id);
    fx.journal.adviceResult(a.id, { responseCode: '00' });
    expect(codeOf(() => fx.journal.adviceAttempt(a.id))).toBe('JOURNAL_ILLEGAL_TRANSITION');
    expect(codeOf(() => fx.journal.adviceAttempt(12345))).toBe('JOURNAL_NOT_FOUND');
    expect(codeOf(() => fx.journal.enqueueAdvice({ ...advice(10), fields: { 35: 'x' } }))).toBe(
      'JOURNAL_SENSITIVE_FIELD',
    );
    expect(codeOf(() => fx.journal.enqueueAdvice({ ...advice(10), authCode: '' }))).toBe('JOURNAL_BAD_INPUT');
    expect(
      codeOf(() => fx.journal.enqueueAdvice({ ...advice(10), stan: '000009', fields: { 11: '000010' } })),
    ).toBe('JOURNAL_BAD_INPUT');
    expect(fx.journal.listQueue()).toHaveLength(1);
  });

  it('offline totals count what the host does not have yet, with the age of the oldest', () => {
    fx = tempJournal();
    expect(fx.journal.offlineTotals()).toEqual({ count: 0, amountMinor: 0, oldestAgeMs: 0 });
    const a1 = fx.journal.enqueueAdvice(advice(1000)).advice;
    fx.clock.advance(60_000);
    fx.journal.enqueueAdvice(advice(250));
    fx.clock.advance(5_000);
    expect(fx.journal.offlineTotals()).toEqual({ count: 2, amountMinor: 1250, oldestAgeMs: 65_000 });
    fx.journal.adviceAttempt(a1.id); // in flight still counts
    expect(fx.journal.offlineTotals().count).toBe(2);
    fx.journal.adviceResult(a1.id, { responseCode: '00' });
    expect(fx.journal.offlineTotals()).toEqual({ count: 1, amountMinor: 250, oldestAgeMs: 5_000 });
  });
});
