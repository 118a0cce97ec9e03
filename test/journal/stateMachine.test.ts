import { afterEach, describe, expect, it } from 'vitest';
import type { Journal, NewTxn, TxnRecord } from '../../src/journal/index.js';
import { codeOf, ICC, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const purchase: NewTxn = {
  kind: 'purchase',
  amountMinor: 1000,
  currency: '156',
  entryMode: '051',
  card: { pan: PAN_A, expiry: '3012', panSeq: '001', iccData: ICC },
  fields: purchaseFields,
};

/** Every action on a transaction, to try the illegal ones. */
const actions: Record<string, (j: Journal, id: number) => unknown> = {
  markSent: (j, id) => j.markSent(id),
  abort: (j, id) => j.abort(id),
  recordAnswer: (j, id) => j.recordAnswer(id, { responseCode: '00' }),
  recordNoAnswer: (j, id) => j.recordNoAnswer(id, '98'),
  reversalAttempt: (j, id) => j.reversalAttempt(id),
  reversalResult: (j, id) => j.reversalResult(id, '00'),
  recordTerminalAbort: (j, id) => j.recordTerminalAbort(id),
};

function expectOnlyAllowed(j: Journal, id: number, allowed: string[]) {
  for (const [name, act] of Object.entries(actions)) {
    if (allowed.includes(name)) continue;
    const before = j.get(id);
    expect(
      codeOf(() => act(j, id)),
      `${name} from ${before?.state}`,
    ).toBe('JOURNAL_ILLEGAL_TRANSITION');
    expect(j.get(id)).toEqual(before); // nothing changed
  }
}

describe('transaction state machine', () => {
  it('begin: reversible kinds are committed as reversal-pending (06), others as pending', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    expect(p.state).toBe('reversal-pending');
    expect(p.reversal).toEqual({ reason: '06', attempts: 0, lastResult: null });
    expect(p.maskedPan).toBe('621234******1232');
    expect(p.hasCardData).toBe(true);
    expect(p.times.created.wallMs).toBe(fx.clock.now());
    const v = fx.journal.begin({
      kind: 'void',
      amountMinor: 1000,
      original: { batch: '000001', stan: p.stan },
    });
    expect(v.state).toBe('reversal-pending');
    expect(v.original).toEqual({ batch: '000001', stan: p.stan });
    for (const kind of ['refund', 'inquiry'] as const) {
      const t = fx.journal.begin({ kind, amountMinor: 5 });
      expect(t.state).toBe('pending');
      expect(t.reversal).toBeNull();
    }
    // a fresh begin is this process's in-flight request, not yet a reversal to send
    expect(fx.journal.pendingReversals()).toEqual([]);
    expectOnlyAllowed(fx.journal, p.id, ['markSent', 'abort']);
    expect(fx.journal.keyCheck()).toEqual({ status: 'ok', checked: 1 });
  });

  it('sent -> approved: no reversal needed, card data dropped, times recorded', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    fx.clock.advance(5);
    const s = fx.journal.markSent(p.id);
    expect(s.state).toBe('sent');
    expect(s.attempts).toBe(1);
    expect(s.times.sent?.monoMs).toBe(5);
    expectOnlyAllowed(fx.journal, p.id, ['recordAnswer', 'recordNoAnswer', 'recordTerminalAbort']);
    fx.clock.advance(300);
    const a = fx.journal.recordAnswer(p.id, { responseCode: '00', rrn: '123456789012', authCode: 'A1B2C3' });
    expect(a).toMatchObject({
      state: 'approved',
      responseCode: '00',
      rrn: '123456789012',
      authCode: 'A1B2C3',
    });
    expect(a.reversal).toBeNull();
    expect(a.hasCardData).toBe(false);
    expect(a.times.answered?.monoMs).toBe(305);
    expect(a.times.finished?.monoMs).toBe(305);
    expect(fx.journal.byRrn('123456789012')?.id).toBe(p.id);
    expectOnlyAllowed(fx.journal, p.id, []);
  });

  it('sent -> declined: no reversal needed', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    fx.journal.markSent(p.id);
    const d = fx.journal.recordAnswer(p.id, { responseCode: '51' });
    expect(d.state).toBe('declined');
    expect(d.reversal).toBeNull();
    expect(fx.journal.pendingReversals()).toEqual([]);
  });

  it('no answer (98) and bad MAC (A0) make a pending reversal; 0410 00/25 finish it, others keep it', () => {
    fx = tempJournal({ reversalAttemptLimit: 2 });
    const rows: TxnRecord[] = [];
    for (const reason of ['98', 'A0'] as const) {
      const p = fx.journal.begin(purchase);
      fx.journal.markSent(p.id);
      const r = fx.journal.recordNoAnswer(p.id, reason);
      expect(r.state).toBe('reversal-pending');
      expect(r.reversal?.reason).toBe(reason);
      expect(r.hasCardData).toBe(true); // needed for the 0400
      rows.push(r);
    }
    expect(fx.journal.pendingReversals().map((p) => [p.txn.id, p.reason])).toEqual([
      [rows[0].id, '98'],
      [rows[1].id, 'A0'],
    ]);
    const id = rows[0].id;
    expectOnlyAllowed(fx.journal, id, ['reversalAttempt']);
    fx.clock.advance(1000);
    expect(fx.journal.reversalAttempt(id).reversal?.attempts).toBe(1);
    expect(fx.journal.get(id)?.times.reversalSent?.monoMs).toBe(1000);
    expect(fx.journal.reversalResult(id, null).reversal).toEqual({
      reason: '98',
      attempts: 1,
      lastResult: 'no-answer',
    });
    fx.journal.reversalAttempt(id);
    const stillPending = fx.journal.reversalResult(id, '96');
    expect(stillPending.state).toBe('reversal-pending');
    expect(stillPending.reversal?.lastResult).toBe('96');
    // past the limit: still pending, flagged, never dropped
    const over = fx.journal.pendingReversals().find((p) => p.txn.id === id);
    expect(over).toMatchObject({ attempts: 2, overLimit: true });
    fx.journal.reversalAttempt(id);
    const done = fx.journal.reversalResult(id, '00');
    expect(done.state).toBe('reversed');
    expect(done.hasCardData).toBe(false);
    expect(done.reversal).toEqual({ reason: '98', attempts: 3, lastResult: '00' });
    expectOnlyAllowed(fx.journal, id, []);
    fx.journal.reversalAttempt(rows[1].id);
    expect(fx.journal.reversalResult(rows[1].id, '25').state).toBe('reversed');
    expect(fx.journal.pendingReversals()).toEqual([]);
  });

  it('terminal abort after sending (e.g. card declined after online approval): reversal 06, answer kept', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    fx.journal.markSent(p.id);
    fx.clock.advance(40);
    const r = fx.journal.recordTerminalAbort(p.id, {
      responseCode: '00',
      rrn: '000000000077',
      authCode: '123456',
    });
    expect(r).toMatchObject({
      state: 'reversal-pending',
      responseCode: '00',
      rrn: '000000000077',
      hasCardData: true,
    });
    expect(r.reversal?.reason).toBe('06');
    expect(r.times.answered?.monoMs).toBe(40);
    expect(fx.journal.pendingReversals().map((x) => [x.txn.id, x.reason])).toEqual([[p.id, '06']]);
    expect(fx.journal.totals().debitCount).toBe(0);
    // non-reversible kinds have nothing to reverse
    const q = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 });
    fx.journal.markSent(q.id);
    expect(codeOf(() => fx.journal.recordTerminalAbort(q.id))).toBe('JOURNAL_ILLEGAL_TRANSITION');
  });

  it('reversalResult needs a prior reversalAttempt', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    fx.journal.markSent(p.id);
    fx.journal.recordNoAnswer(p.id, '98');
    expect(codeOf(() => fx.journal.reversalResult(p.id, '00'))).toBe('JOURNAL_ILLEGAL_TRANSITION');
  });

  it('non-reversible kinds: pending -> sent -> answered or no-answer, never a reversal', () => {
    fx = tempJournal();
    const r = fx.journal.begin({
      kind: 'refund',
      amountMinor: 300,
      original: { batch: '000001', stan: '000007', date: '1127' },
    });
    expectOnlyAllowed(fx.journal, r.id, ['markSent', 'abort']);
    fx.journal.markSent(r.id);
    const n = fx.journal.recordNoAnswer(r.id, '98');
    expect(n.state).toBe('no-answer');
    expect(n.reversal).toBeNull();
    expectOnlyAllowed(fx.journal, r.id, []);
    const q = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 });
    fx.journal.markSent(q.id);
    expect(fx.journal.recordAnswer(q.id, { responseCode: '00' }).state).toBe('approved');
  });

  it('abort before sending: no reversal, card data dropped', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    const a = fx.journal.abort(p.id);
    expect(a.state).toBe('aborted');
    expect(a.reversal).toBeNull();
    expect(a.hasCardData).toBe(false);
    expectOnlyAllowed(fx.journal, p.id, []);
  });

  it('an approved void marks its original as voided', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    fx.journal.markSent(p.id);
    fx.journal.recordAnswer(p.id, { responseCode: '00', rrn: '000000000001' });
    expect(fx.journal.totals()).toMatchObject({ debitCount: 1, debitAmountMinor: 1000 });
    const v = fx.journal.begin({
      kind: 'void',
      amountMinor: 1000,
      original: { batch: p.batch, stan: p.stan },
    });
    fx.journal.markSent(v.id);
    fx.journal.recordAnswer(v.id, { responseCode: '00' });
    expect(fx.journal.get(p.id)?.voided).toBe(true);
    expect(fx.journal.totals()).toMatchObject({ debitCount: 0, debitAmountMinor: 0, creditCount: 0 });
  });

  it('batch totals: debits (purchases, offline sales), credits (refunds)', () => {
    fx = tempJournal();
    const run = (t: NewTxn, code: string) => {
      const r = fx.journal.begin(t);
      fx.journal.markSent(r.id);
      return fx.journal.recordAnswer(r.id, { responseCode: code });
    };
    run({ ...purchase, amountMinor: 1000 }, '00');
    run({ ...purchase, amountMinor: 2500 }, '00');
    run({ ...purchase, amountMinor: 9999 }, '51'); // declined: out
    run({ kind: 'refund', amountMinor: 700 }, '00');
    fx.journal.enqueueAdvice({ amountMinor: 400, authCode: 'Y1', card: { pan: PAN_A }, fields: {} });
    expect(fx.journal.totals()).toEqual({
      batch: '000001',
      debitCount: 3,
      debitAmountMinor: 3900,
      creditCount: 1,
      creditAmountMinor: 700,
    });
    expect(fx.journal.totals('000002').debitCount).toBe(0);
    expect(fx.journal.listTransactions({ state: 'declined' }).map((t) => t.amountMinor)).toEqual([9999]);
    expect(fx.journal.listTransactions({ kind: 'refund', batch: '000001' })).toHaveLength(1);
    expect(fx.journal.listTransactions({ limit: 2 })).toHaveLength(2);
  });

  it('refuses bad input and unknown ids with coded errors', () => {
    fx = tempJournal();
    const j = fx.journal;
    const bad: unknown[] = [
      { ...purchase, kind: 'cashback' },
      { ...purchase, amountMinor: -1 },
      { ...purchase, amountMinor: 1.5 },
      { ...purchase, stan: '12345' },
      { ...purchase, card: { pan: '12ab' } },
      { ...purchase, original: { batch: '1', stan: '000001' } },
      { ...purchase, fields: { 3: 0 } },
    ];
    for (const b of bad) expect(codeOf(() => j.begin(b as NewTxn))).toBe('JOURNAL_BAD_INPUT');
    // no place for track data or PIN blocks, in fields or card data
    for (const f of [35, 52, 2, 55]) {
      expect(codeOf(() => j.begin({ ...purchase, fields: { [f]: 'x' } }))).toBe('JOURNAL_SENSITIVE_FIELD');
    }
    expect(codeOf(() => j.begin({ ...purchase, fields: { 48: `X${PAN_A}` } }))).toBe(
      'JOURNAL_SENSITIVE_FIELD',
    );
    const withTrack = { ...purchase, card: { pan: PAN_A, track2: `${PAN_A}=3012` } } as unknown as NewTxn;
    expect(codeOf(() => j.begin(withTrack))).toBe('JOURNAL_SENSITIVE_FIELD');
    expect(j.listTransactions()).toEqual([]); // nothing written
    expect(codeOf(() => j.markSent(999))).toBe('JOURNAL_NOT_FOUND');
    const p = j.begin(purchase);
    j.markSent(p.id);
    expect(codeOf(() => j.recordAnswer(p.id, { responseCode: 'xyz' }))).toBe('JOURNAL_BAD_INPUT');
    expect(codeOf(() => j.recordNoAnswer(p.id, '06' as '98'))).toBe('JOURNAL_BAD_INPUT');
    expect(codeOf(() => j.recordAnswer(p.id, { responseCode: '00', rrn: 'x'.repeat(13) }))).toBe(
      'JOURNAL_BAD_INPUT',
    );
    expect(codeOf(() => j.begin({ ...purchase, stan: '000050', fields: { 11: '000051' } }))).toBe(
      'JOURNAL_BAD_INPUT',
    );
    expect(codeOf(() => j.recordAnswer(p.id, { responseCode: '00', authCode: '\u0001' }))).toBe(
      'JOURNAL_BAD_INPUT',
    );
    expect(j.get(p.id)?.state).toBe('sent');
    // optional fields are lenient: empty ones are stored as absent
    const ok = j.recordAnswer(p.id, { responseCode: '00', rrn: '', authCode: '      ' });
    expect(ok).toMatchObject({ state: 'approved', rrn: null, authCode: null });
  });

  it('keeps the request content for the reversal (card data decrypted only on demand)', () => {
    fx = tempJournal();
    const p = fx.journal.begin(purchase);
    fx.journal.markSent(p.id);
    fx.journal.recordNoAnswer(p.id, '98');
    const next = fx.journal.nextToForward();
    expect(next?.type).toBe('reversal');
    if (next?.type !== 'reversal') return;
    expect(next.reason).toBe('98');
    expect(next.request.fields).toEqual({ ...purchaseFields, 11: p.stan });
    expect(next.request.card).toEqual(purchase.card);
  });
});

describe('recoverAfterCrash', () => {
  it('turns sent-unanswered reversible txns into pending reversals with reason 06', () => {
    fx = tempJournal();
    const sent = fx.journal.begin(purchase);
    fx.journal.markSent(sent.id);
    const begun = fx.journal.begin(purchase); // committed, bytes may or may not have left
    const timedOut = fx.journal.begin(purchase);
    fx.journal.markSent(timedOut.id);
    fx.journal.recordNoAnswer(timedOut.id, '98');
    const refundSent = fx.journal.begin({ kind: 'refund', amountMinor: 1 });
    fx.journal.markSent(refundSent.id);
    const inquiryPending = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 });
    const done = fx.journal.begin(purchase);
    fx.journal.markSent(done.id);
    fx.journal.recordAnswer(done.id, { responseCode: '00' });
    const j = fx.reopen();
    const report = j.recoverAfterCrash();
    expect(report.reversals.map((r) => [r.id, r.state, r.reversal?.reason])).toEqual([
      [sent.id, 'reversal-pending', '06'],
      [begun.id, 'reversal-pending', '06'],
    ]);
    expect(report.noAnswer).toEqual([refundSent.id, inquiryPending.id]);
    expect(j.get(inquiryPending.id)).toMatchObject({
      state: 'no-answer',
      lastResult: 'recovered-after-crash',
    });
    expect(j.get(timedOut.id)?.reversal?.reason).toBe('98'); // untouched
    expect(j.get(done.id)?.state).toBe('approved');
    expect(j.pendingReversals().map((p) => [p.txn.id, p.reason])).toEqual([
      [sent.id, '06'],
      [begun.id, '06'],
      [timedOut.id, '98'],
    ]);
    // the original can no longer be sent; its reversal can
    expect(codeOf(() => j.markSent(begun.id))).toBe('JOURNAL_ILLEGAL_TRANSITION');
    expect(j.reversalAttempt(begun.id).reversal?.attempts).toBe(1);
    // running it again changes nothing
    const again = j.recoverAfterCrash();
    expect(again).toEqual({ reversals: [], noAnswer: [], advicesRequeued: [] });
  });
});
