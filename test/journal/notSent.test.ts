/** Issue 14 item 3: an advice or reversal that never left the terminal is no attempt. */
import { afterEach, describe, expect, it } from 'vitest';
import type { NewAdvice, NewTxn } from '../../src/journal/index.js';
import { codeOf, ICC, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const card = { pan: PAN_A, expiry: '3012', panSeq: '001', iccData: ICC };
const advice: NewAdvice = {
  amountMinor: 500,
  authCode: 'OFF001',
  entryMode: '051',
  card,
  fields: { 3: '000000', 4: '000000000500', 12: '101500', 13: '1127', 22: '051', 60: '30' },
};
const purchase: NewTxn = {
  kind: 'purchase',
  amountMinor: 1000,
  currency: '156',
  entryMode: '051',
  card,
  fields: purchaseFields,
};

describe('not sent', () => {
  it('an advice keeps its attempts and state; the cause is its last result; it stays under the limit', () => {
    fx = tempJournal({ adviceAttemptLimit: 2 });
    const { advice: a } = fx.journal.enqueueAdvice(advice);
    for (let i = 0; i < 3; i++) {
      expect(fx.journal.adviceNotSent(a.id, 'HOST_KEY_CHECK_FAILED')).toMatchObject({
        state: 'pending',
        attempts: 0,
        lastAttempt: null,
        lastResult: 'not-sent: HOST_KEY_CHECK_FAILED',
      });
    }
    expect(fx.journal.nextToForward()).toMatchObject({ type: 'advice', overLimit: false });
    // only a pending advice can be "not sent": one in flight was written
    fx.journal.adviceAttempt(a.id);
    expect(codeOf(() => fx.journal.adviceNotSent(a.id, 'HOST_TLS_FAILED'))).toBe(
      'JOURNAL_ILLEGAL_TRANSITION',
    );
  });

  it('a reversal keeps its attempts; the cause is its last result', () => {
    fx = tempJournal({ reversalAttemptLimit: 1 });
    const p = fx.journal.begin(purchase);
    fx.journal.markSent(p.id);
    fx.journal.recordNoAnswer(p.id, '98');
    for (let i = 0; i < 3; i++) fx.journal.reversalNotSent(p.id, 'HOST_TLS_PIN_MISMATCH');
    expect(fx.journal.get(p.id)).toMatchObject({
      state: 'reversal-pending',
      reversal: { reason: '98', attempts: 0, lastResult: 'not-sent: HOST_TLS_PIN_MISMATCH' },
    });
    expect(fx.journal.pendingReversals()[0]).toMatchObject({ attempts: 0, overLimit: false });
    // a request not yet sent has no reversal to report on
    const q = fx.journal.begin(purchase);
    expect(codeOf(() => fx.journal.reversalNotSent(q.id, 'HOST_UNREACHABLE'))).toBe(
      'JOURNAL_ILLEGAL_TRANSITION',
    );
  });

  it('the cause must be an error code (no free text in the journal)', () => {
    fx = tempJournal();
    const { advice: a } = fx.journal.enqueueAdvice(advice);
    expect(codeOf(() => fx.journal.adviceNotSent(a.id, 'card 6212345678901232'))).toBe('JOURNAL_BAD_INPUT');
  });
});
