import { afterEach, describe, expect, it } from 'vitest';
import type { NewAdvice } from '../../src/journal/index.js';
import { PAN_A, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const advice = (amountMinor: number): NewAdvice => ({
  amountMinor,
  authCode: 'OFF001',
  card: { pan: PAN_A },
  fields: { 3: '000000', 4: String(amountMinor).padStart(12, '0') },
});

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('open advices without an index (low-water mark)', () => {
  it('finds the open ones in every mix of states, across a reopen and crash recovery', () => {
    fx = tempJournal();
    const a = [1, 2, 3, 4].map((n) => fx.journal.enqueueAdvice(advice(n * 100)).advice.id);
    // 1 done, 2 back to pending after no answer, 3 left sent (a crash), 4 pending
    fx.journal.adviceAttempt(a[0]);
    fx.journal.adviceResult(a[0], { responseCode: '00' });
    fx.journal.adviceAttempt(a[1]);
    fx.journal.adviceResult(a[1], null);
    fx.journal.adviceAttempt(a[2]);
    expect(fx.journal.nextToForward()).toMatchObject({ type: 'advice', advice: { id: a[1] } });
    expect(fx.journal.offlineTotals()).toMatchObject({ count: 3, amountMinor: 900 });

    fx.reopen();
    expect(fx.journal.recoverAfterCrash().advicesRequeued).toEqual([a[2]]);
    expect(ids(fx.journal.listQueue('pending'))).toEqual([a[1], a[2], a[3]]);
    expect(ids(fx.journal.listQueue('done'))).toEqual([a[0]]);

    // finish the oldest open one: the next is the one after it, never a finished one
    fx.journal.adviceAttempt(a[1]);
    fx.journal.adviceResult(a[1], { responseCode: '05' });
    expect(fx.journal.nextToForward()).toMatchObject({ advice: { id: a[2] } });
    for (const id of [a[2], a[3]]) {
      fx.journal.adviceAttempt(id);
      fx.journal.adviceResult(id, { responseCode: '94' });
    }
    expect(fx.journal.nextToForward()).toBeUndefined();
    expect(fx.journal.offlineTotals()).toMatchObject({ count: 0, amountMinor: 0 });

    // a new one after everything was finished is found at once
    const late = fx.journal.enqueueAdvice(advice(700)).advice.id;
    expect(fx.journal.nextToForward()).toMatchObject({ advice: { id: late } });
    expect(ids(fx.journal.listQueue('pending'))).toEqual([late]);
    expect(ids(fx.journal.listQueue('refused'))).toEqual([a[1]]);
    expect(fx.journal.offlineTotals()).toMatchObject({ count: 1, amountMinor: 700 });
  });
});
