/**
 * The journal's coded errors say what was wrong and where (message and context, ARCHITECTURE.md
 * "Errors carry codes"), and each step leaves its last result: checked through public methods.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import type { NewTxn } from '../../src/journal/index.js';
import { journalDb } from './fullDisk.js';
import { ICC, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

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

function errorOf(fn: () => unknown): { code: string; message: string; context: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return { code: e.code, message: e.message, context: { ...e.context } };
    throw e;
  }
  throw new Error('no error');
}

describe('journal errors name what and where', () => {
  it('begin and enqueueAdvice: bad input', () => {
    fx = tempJournal();
    const j = fx.journal;
    expect(errorOf(() => j.begin({ ...purchase, kind: 'cashback' } as unknown as NewTxn))).toEqual({
      code: 'JOURNAL_BAD_INPUT',
      message: 'unknown transaction kind',
      context: { field: 'kind' },
    });
    expect(errorOf(() => j.begin(undefined as unknown as NewTxn)).context).toEqual({ field: 'kind' });
    expect(errorOf(() => j.begin({ ...purchase, stan: '1' }))).toMatchObject({
      message: 'stan must be 6 digits',
      context: { field: 'stan' },
    });
    const orig = { batch: '000001', stan: '000002', date: '1127' };
    expect(errorOf(() => j.begin({ ...purchase, original: { ...orig, batch: '1' } })).context).toEqual({
      field: 'original.batch',
    });
    expect(errorOf(() => j.begin({ ...purchase, original: { ...orig, stan: '2' } })).context).toEqual({
      field: 'original.stan',
    });
    expect(errorOf(() => j.begin({ ...purchase, original: { ...orig, date: '27' } })).context).toEqual({
      field: 'original.date',
    });
    expect(errorOf(() => j.begin({ ...purchase, tillId: 'bad id!' })).context).toEqual({ field: 'tillId' });
    expect(errorOf(() => j.begin({ ...purchase, stan: '000050', fields: { 11: '000051' } }))).toEqual({
      code: 'JOURNAL_BAD_INPUT',
      message: 'field 11 differs from the transaction STAN',
      context: { field: 11 },
    });
    const advice = { amountMinor: 50, authCode: 'Y00001', card: { pan: PAN_A }, fields: {} };
    expect(errorOf(() => j.enqueueAdvice({ ...advice, authCode: '' }))).toEqual({
      code: 'JOURNAL_BAD_INPUT',
      message: 'offline approval code must be 1..6 characters',
      context: { field: 38 },
    });
    expect(errorOf(() => j.enqueueAdvice({ ...advice, stan: '12' })).context).toEqual({ field: 'stan' });
    expect(errorOf(() => j.enqueueAdvice({ ...advice, stan: '000007', fields: { 11: '000008' } }))).toEqual({
      code: 'JOURNAL_BAD_INPUT',
      message: 'field 11 differs from the advice STAN',
      context: { field: 11 },
    });
    for (const authCode of [123456, 'Y00001!', '!Y0001']) {
      expect(errorOf(() => j.enqueueAdvice({ ...advice, authCode: authCode as string })).context).toEqual({
        field: 38,
      });
    }
    expect(j.listTransactions()).toEqual([]);
    // a field 11 equal to the STAN given is fine
    expect(j.begin({ ...purchase, stan: '000050', fields: { ...purchaseFields, 11: '000050' } }).stan).toBe(
      '000050',
    );
    const { txn } = j.enqueueAdvice({
      ...advice,
      stan: '000060',
      fields: { 11: '000060' },
      tillId: 'till-9',
      entryMode: '071',
    });
    expect(j.byTillId('till-9')?.txn.id).toBe(txn.id);
    expect(j.get(txn.id)?.entryMode).toBe('071');
    expect(j.get(j.enqueueAdvice(advice).txn.id)?.entryMode).toBeNull();
  });

  it('steps: unknown ids, illegal transitions and bad results', () => {
    fx = tempJournal();
    const j = fx.journal;
    expect(errorOf(() => j.markSent(99))).toEqual({
      code: 'JOURNAL_NOT_FOUND',
      message: 'no such transaction',
      context: { key: expect.any(String) },
    });
    const p = j.begin(purchase);
    expect(errorOf(() => j.recordAnswer(p.id, { responseCode: '00' }))).toEqual({
      code: 'JOURNAL_ILLEGAL_TRANSITION',
      message: 'answer not allowed in state reversal-pending',
      context: { key: expect.any(String), state: 'reversal-pending', action: 'answer' },
    });
    const actions: [string, () => unknown][] = [
      ['send', () => j.markSent(p.id)],
      ['no-answer', () => j.recordNoAnswer(p.id, '98')],
      ['terminal-abort', () => j.recordTerminalAbort(p.id)],
      ['reversal-result', () => j.reversalResult(p.id, '00')],
    ];
    j.markSent(p.id);
    j.recordAnswer(p.id, { responseCode: '05' });
    for (const [action, call] of actions) expect(errorOf(call).context.action).toBe(action);
    const q = j.begin(purchase);
    j.abort(q.id);
    expect(errorOf(() => j.abort(q.id)).context.action).toBe('abort');
    expect(errorOf(() => j.reversalAttempt(q.id)).context.action).toBe('reversal-attempt');
    expect(errorOf(() => j.reversalNotSent(q.id, 'HOST_UNREACHABLE')).context.action).toBe(
      'reversal-not-sent',
    );
    expect(errorOf(() => j.recordNoAnswer(q.id, '06' as '98'))).toEqual({
      code: 'JOURNAL_BAD_INPUT',
      message: 'no-answer reason must be 98 or A0',
      context: { field: 39 },
    });
    for (const bad of ['0', 'ABC', 7 as unknown as string, 12 as unknown as string]) {
      expect(errorOf(() => j.reversalResult(q.id, bad))).toEqual({
        code: 'JOURNAL_BAD_INPUT',
        message: 'response code must be 2 characters',
        context: { field: 39 },
      });
    }
    const { advice } = j.enqueueAdvice({
      amountMinor: 50,
      authCode: 'Y00001',
      card: { pan: PAN_A },
      fields: {},
    });
    expect(errorOf(() => j.adviceResult(advice.id, null))).toEqual({
      code: 'JOURNAL_ILLEGAL_TRANSITION',
      message: 'advice result not allowed in state pending',
      context: { key: expect.any(String), state: 'pending', action: 'result' },
    });
    j.adviceAttempt(advice.id);
    expect(errorOf(() => j.adviceNotSent(advice.id, 'HOST_UNREACHABLE')).context.action).toBe('not-sent');
    j.adviceResult(advice.id, { responseCode: '00' });
    expect(errorOf(() => j.adviceAttempt(advice.id)).context.action).toBe('attempt');
    expect(errorOf(() => j.adviceAttempt(999))).toEqual({
      code: 'JOURNAL_NOT_FOUND',
      message: 'no such advice',
      context: { key: expect.any(String) },
    });
  });

  it('each step leaves its last result and stores what begin was given', () => {
    fx = tempJournal();
    const j = fx.journal;
    const last = (id: number) => j.get(id)!.lastResult;
    const a = j.begin({
      ...purchase,
      tillId: 'till-1',
      original: { batch: '000001', stan: '000002', date: '1127' },
    });
    expect(j.get(a.id)).toMatchObject({
      currency: '156',
      entryMode: '051',
      original: { batch: '000001', stan: '000002', date: '1127' },
    });
    expect(j.byTillId('till-1')?.txn.id).toBe(a.id);
    j.markSent(a.id);
    j.recordAnswer(a.id, { responseCode: '00' });
    expect(last(a.id)).toBe('approved');
    const b = j.begin({ kind: 'refund', amountMinor: 5, card: { pan: PAN_A }, fields: purchaseFields });
    expect(j.get(b.id)).toMatchObject({ currency: null, entryMode: null, original: null });
    j.markSent(b.id);
    j.recordAnswer(b.id, { responseCode: '05' });
    expect(last(b.id)).toBe('declined');
    const c = j.begin(purchase);
    j.markSent(c.id);
    j.recordNoAnswer(c.id, '98');
    expect(last(c.id)).toBe('timeout');
    const d = j.begin(purchase);
    j.markSent(d.id);
    j.recordNoAnswer(d.id, 'A0');
    expect(last(d.id)).toBe('bad-mac');
    const e = j.begin(purchase);
    j.markSent(e.id);
    j.recordTerminalAbort(e.id, { responseCode: '00', authCode: 'AB12' });
    expect(j.get(e.id)).toMatchObject({ responseCode: '00', authCode: 'AB12', lastResult: 'terminal-abort' });
    const f = j.begin(purchase);
    j.markSent(f.id);
    j.recordTerminalAbort(f.id);
    expect(j.get(f.id)).toMatchObject({ responseCode: null, authCode: null });
    const done = j.enqueueAdvice({ amountMinor: 50, authCode: 'Y00001', card: { pan: PAN_A }, fields: {} });
    const refused = j.enqueueAdvice({
      amountMinor: 60,
      authCode: 'Y00002',
      card: { pan: PAN_A },
      fields: {},
    });
    for (const x of [done, refused]) j.adviceAttempt(x.advice.id);
    j.adviceResult(done.advice.id, { responseCode: '00' });
    j.adviceResult(refused.advice.id, { responseCode: '05' });
    expect(last(done.txn.id)).toBe('forwarded');
    expect(last(refused.txn.id)).toBe('refused-after-the-fact');
    expect(j.adviceRequest(done.advice.id).card).toBeNull(); // card data dropped once done
    expect(j.adviceRequest(refused.advice.id).card).toBeNull();
    const open = j.enqueueAdvice({ amountMinor: 70, authCode: 'Y00003', card: { pan: PAN_A }, fields: {} });
    expect(j.adviceRequest(open.advice.id).card?.pan).toBe(PAN_A); // pending
    j.adviceAttempt(open.advice.id);
    expect(j.adviceRequest(open.advice.id).card?.pan).toBe(PAN_A); // sent
  });

  it('a counter row gone from the database: JOURNAL_DB_CORRUPT naming it, not an I/O error', () => {
    fx = tempJournal();
    journalDb(fx.journal).prepare(`DELETE FROM counters WHERE name = 'batch'`).run();
    expect(errorOf(() => fx.journal.currentBatch())).toEqual({
      code: 'JOURNAL_DB_CORRUPT',
      message: 'batch counter is missing',
      context: {},
    });
  });
});
