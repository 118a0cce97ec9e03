/**
 * The journal's row mapping and input checks (src/journal/records.ts), called directly: each
 * refusal with its code, text and context, each bound one inside and one past it, and the rows
 * read back field by field (issue 15: records.ts had never been through a mutation run).
 * Note for merges: TxnRow / AdviceRow are the journal's internal row shapes; a schema change
 * there changes the rows built below.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { PosError } from '../../src/errors.js';
import {
  type AdviceRow,
  adviceRecordId,
  checkAmount,
  checkAnswer,
  checkClearFields,
  checkDigits,
  checkTillId,
  notSentResult,
  parseFields,
  stepNow,
  type TxnRow,
  toAdviceRecord,
  toTxnRecord,
  txnRecordId,
} from '../../src/journal/records.js';
import type { Answer } from '../../src/journal/types.js';

/** The PosError fn throws: code, message and context. */
function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PosError);
    const p = e as PosError;
    return { code: p.code, message: p.message, context: p.context };
  }
  throw new Error('expected a refusal');
}

const bad = (message: string, context: Record<string, unknown>) => ({
  code: 'JOURNAL_BAD_INPUT',
  message,
  context,
});

const PAN = '6212345678901232';

describe('checkClearFields', () => {
  it('keeps clear fields 3..128 (numbered keys), nothing else', () => {
    expect(checkClearFields(undefined)).toEqual({});
    expect(checkClearFields({ 3: '000000', 4: '000000001000', 128: 'X', 11: '' })).toEqual({
      3: '000000',
      4: '000000001000',
      11: '',
      128: 'X',
    });
  });

  it('refuses a non-object, and field numbers outside 2..128, with the key', () => {
    for (const f of [null, 'fields', 7, ['a'], true]) {
      expect(
        refusal(() => checkClearFields(f)),
        JSON.stringify(f),
      ).toEqual(bad('request fields must be an object', {}));
    }
    for (const k of ['1', '0', '-3', '129', '4.5', 'x']) {
      expect(
        refusal(() => checkClearFields({ [k]: 'A' })),
        k,
      ).toEqual(bad('bad field number', { field: k }));
    }
  });

  it('refuses the card data fields 2, 14, 23, 35, 36, 45, 52, 55 in clear, by number', () => {
    for (const n of [2, 14, 23, 35, 36, 45, 52, 55]) {
      expect(
        refusal(() => checkClearFields({ [n]: '1' })),
        String(n),
      ).toEqual({
        code: 'JOURNAL_SENSITIVE_FIELD',
        message: 'card data field cannot be stored in clear',
        context: { field: n },
      });
    }
    for (const n of [13, 15, 22, 24, 34, 37, 44, 46, 51, 53, 54, 56]) {
      expect(checkClearFields({ [n]: '1' }), String(n)).toEqual({ [n]: '1' });
    }
  });

  it('refuses a value that is not a string', () => {
    for (const v of [1, null, undefined, {}, ['1']]) {
      expect(
        refusal(() => checkClearFields({ 4: v })),
        String(v),
      ).toEqual(bad('field value must be a string', { field: 4 }));
    }
  });

  it("refuses a value holding the card's PAN, also between separators; a shorter value or another number passes", () => {
    const held = {
      code: 'JOURNAL_SENSITIVE_FIELD',
      message: 'field holds the card number',
      context: { field: 48 },
    };
    expect(refusal(() => checkClearFields({ 48: `AB${PAN}CD` }, PAN))).toEqual(held);
    expect(refusal(() => checkClearFields({ 48: '6212 3456 7890 1232' }, PAN))).toEqual(held);
    expect(refusal(() => checkClearFields({ 48: PAN }, PAN))).toEqual(held); // exactly as long
    expect(checkClearFields({ 48: PAN.slice(1) }, PAN)).toEqual({ 48: PAN.slice(1) });
    expect(checkClearFields({ 48: '6212345678901233' }, PAN)).toEqual({ 48: '6212345678901233' });
    expect(checkClearFields({ 48: PAN })).toEqual({ 48: PAN }); // no card: nothing to compare
  });
});

describe('parseFields', () => {
  it('reads stored fields; a damaged or refused one is JOURNAL_RECORD_CORRUPT naming the record', () => {
    expect(parseFields('{"3":"000000","41":"T1"}', 'txn:4')).toEqual({ 3: '000000', 41: 'T1' });
    for (const json of ['{', '[1]', '{"2":"6212"}', '{"4":4}']) {
      const r = refusal(() => parseFields(json, 'txn:4'));
      expect(r, json).toEqual({
        code: 'JOURNAL_RECORD_CORRUPT',
        message: 'stored request fields are not valid',
        context: { key: 'txn:4' },
      });
      try {
        parseFields(json, 'txn:4');
      } catch (e) {
        expect((e as PosError).cause, json).toBeInstanceOf(Error); // what JSON.parse or the check said
      }
    }
  });
});

describe('digits, amounts, causes, till ids', () => {
  it('checkDigits: exactly len digits', () => {
    expect(checkDigits('000123', 6, 'stan')).toBe('000123');
    for (const v of ['00012', '0001234', '00012a', 'a00012', '', 123456, undefined]) {
      expect(
        refusal(() => checkDigits(v, 6, 'stan')),
        String(v),
      ).toEqual(bad('stan must be 6 digits', { field: 'stan' }));
    }
  });

  it('checkAmount: 0 to 999,999,999,999 minor units, integers only', () => {
    for (const v of [0, 1, 999_999_999_999]) expect(checkAmount(v)).toBe(v);
    const msg = bad('amount must be a non-negative integer of minor units (n12)', { field: 'amountMinor' });
    for (const v of [-1, 1_000_000_000_000, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, '100', null]) {
      expect(
        refusal(() => checkAmount(v)),
        String(v),
      ).toEqual(msg);
    }
  });

  it('notSentResult: an error code as the cause', () => {
    expect(notSentResult('HOST_UNREACHABLE')).toBe('not-sent: HOST_UNREACHABLE');
    expect(notSentResult('A')).toBe('not-sent: A');
    expect(notSentResult(`A${'B'.repeat(63)}`)).toBe(`not-sent: A${'B'.repeat(63)}`);
    for (const c of ['', 'host_down', '9X', 'A B', `A${'B'.repeat(64)}`, 42]) {
      expect(
        refusal(() => notSentResult(c as string)),
        String(c),
      ).toEqual(bad('not-sent cause must be an error code', { field: 'cause' }));
    }
  });

  it('checkTillId: 1 to 64 of A-Z a-z 0-9 . _ : -', () => {
    for (const t of ['a', 'Till-1.sale_2:x', 'z'.repeat(64)]) expect(checkTillId(t)).toBe(t);
    for (const t of ['', 'z'.repeat(65), 'a b', 'a/b', 'é', 7]) {
      expect(
        refusal(() => checkTillId(t as string)),
        String(t),
      ).toEqual(bad('till id must be 1..64 characters of A-Z a-z 0-9 . _ : -', { field: 'tillId' }));
    }
  });
});

describe('checkAnswer', () => {
  it('keeps field 39; an absent, empty or all-space RRN or auth code is null', () => {
    expect(checkAnswer({ responseCode: '00', rrn: '123456789012', authCode: 'AB12CD' })).toEqual({
      responseCode: '00',
      rrn: '123456789012',
      authCode: 'AB12CD',
    });
    expect(checkAnswer({ responseCode: 'a0' })).toEqual({ responseCode: 'a0', rrn: null, authCode: null });
    expect(checkAnswer({ responseCode: '05', rrn: '', authCode: '      ' })).toEqual({
      responseCode: '05',
      rrn: null,
      authCode: null,
    });
    expect(checkAnswer({ responseCode: '00', rrn: null, authCode: ' 1 ' } as unknown as Answer)).toEqual({
      responseCode: '00',
      rrn: null,
      authCode: ' 1 ',
    });
  });

  it('refuses field 39 that is not 2 letters or digits, and 37 / 38 too long or not printable', () => {
    for (const code of ['0', '000', '0 ', '', undefined, 5, 10]) {
      expect(
        refusal(() => checkAnswer({ responseCode: code } as Answer)),
        String(code),
      ).toEqual(bad('response code must be 2 characters', { field: 39 }));
    }
    expect(refusal(() => checkAnswer(undefined as unknown as Answer))).toEqual(
      bad('response code must be 2 characters', { field: 39 }),
    );
    const rrn = bad('field 37 must be up to 12 printable characters', { field: 37 });
    expect(refusal(() => checkAnswer({ responseCode: '00', rrn: '1234567890123' }))).toEqual(rrn);
    expect(refusal(() => checkAnswer({ responseCode: '00', rrn: '12\n' }))).toEqual(rrn);
    expect(refusal(() => checkAnswer({ responseCode: '00', rrn: 12 } as unknown as Answer))).toEqual(rrn);
    const auth = bad('field 38 must be up to 6 printable characters', { field: 38 });
    expect(refusal(() => checkAnswer({ responseCode: '00', authCode: '1234567' }))).toEqual(auth);
    expect(refusal(() => checkAnswer({ responseCode: '00', authCode: '\x7F' }))).toEqual(auth);
    expect(checkAnswer({ responseCode: '00', authCode: '~ !' }).authCode).toBe('~ !');
  });
});

describe('rows to records', () => {
  const txnRow: TxnRow = {
    id: 7,
    kind: 'void',
    state: 'reversal-pending',
    approval_mode: 'online',
    amount_minor: 1250,
    currency: '156',
    stan: '000042',
    batch: '000003',
    rrn: '123456789012',
    auth_code: 'AB12CD',
    response_code: '00',
    masked_pan: '621234******1232',
    entry_mode: '051',
    orig_batch: '000003',
    orig_stan: '000040',
    orig_date: '1130',
    attempts: 2,
    last_result: 'timeout',
    can_send: 0,
    reversal_reason: '98',
    reversal_attempts: 1,
    reversal_result: 'timeout',
    voided: 1,
    fields_json: '{}',
    has_card: 1,
    created_wall: 1000,
    created_mono: 10,
    sent_wall: 2000,
    sent_mono: 20,
    answered_wall: 3000,
    answered_mono: null,
    reversal_sent_wall: 4000,
    reversal_sent_mono: 40,
    finished_wall: 5000,
    finished_mono: 50,
  };

  it('a transaction row, every step time and the original with its date', () => {
    expect(toTxnRecord(txnRow)).toEqual({
      id: 7,
      kind: 'void',
      state: 'reversal-pending',
      approvalMode: 'online',
      amountMinor: 1250,
      currency: '156',
      stan: '000042',
      batch: '000003',
      rrn: '123456789012',
      authCode: 'AB12CD',
      responseCode: '00',
      maskedPan: '621234******1232',
      entryMode: '051',
      original: { batch: '000003', stan: '000040', date: '1130' },
      attempts: 2,
      lastResult: 'timeout',
      reversal: { reason: '98', attempts: 1, lastResult: 'timeout' },
      voided: true,
      hasCardData: true,
      times: {
        created: { wallMs: 1000, monoMs: 10 },
        sent: { wallMs: 2000, monoMs: 20 },
        answered: { wallMs: 3000, monoMs: 0 },
        reversalSent: { wallMs: 4000, monoMs: 40 },
        finished: { wallMs: 5000, monoMs: 50 },
      },
    });
  });

  it('a fresh transaction row: no step after created, no original, no reversal, flags false', () => {
    const fresh: TxnRow = {
      ...txnRow,
      orig_date: null,
      reversal_reason: null,
      voided: 0,
      has_card: 0,
      sent_wall: null,
      answered_wall: null,
      reversal_sent_wall: null,
      finished_wall: null,
    };
    const r = toTxnRecord(fresh);
    expect(r.times).toEqual({ created: { wallMs: 1000, monoMs: 10 } });
    expect(Object.keys(r.times)).toEqual(['created']);
    expect(r.original).toEqual({ batch: '000003', stan: '000040' });
    expect(Object.keys(r.original ?? {})).toEqual(['batch', 'stan']);
    expect([r.reversal, r.voided, r.hasCardData]).toEqual([null, false, false]);
    expect(toTxnRecord({ ...fresh, orig_batch: null }).original).toBeNull();
    expect(toTxnRecord({ ...fresh, orig_stan: null }).original).toBeNull();
    expect(toTxnRecord({ ...fresh, voided: 2, has_card: 2 })).toMatchObject({
      voided: false,
      hasCardData: false,
    });
  });

  it('an advice row, with and without its attempt and finish times', () => {
    const row: AdviceRow = {
      id: 3,
      txn_id: 7,
      state: 'done',
      stan: '000043',
      batch: '000003',
      amount_minor: 990,
      masked_pan: '621234******1232',
      attempts: 1,
      last_result: '00',
      fields_json: '{}',
      has_card: 0,
      created_wall: 100,
      created_mono: 1,
      last_attempt_wall: 200,
      last_attempt_mono: 2,
      finished_wall: 300,
      finished_mono: 3,
    };
    expect(toAdviceRecord(row)).toEqual({
      id: 3,
      txnId: 7,
      state: 'done',
      stan: '000043',
      batch: '000003',
      amountMinor: 990,
      maskedPan: '621234******1232',
      attempts: 1,
      lastAttempt: { wallMs: 200, monoMs: 2 },
      lastResult: '00',
      created: { wallMs: 100, monoMs: 1 },
      finished: { wallMs: 300, monoMs: 3 },
      hasCardData: false,
    });
    const open = toAdviceRecord({ ...row, has_card: 1, last_attempt_wall: null, finished_wall: null });
    expect([open.lastAttempt, open.finished, open.hasCardData]).toEqual([null, null, true]);
  });

  it('record ids and step times', () => {
    expect([txnRecordId(12), adviceRecordId(12)]).toEqual(['txn:12', 'advice:12']);
    const clock = new ManualClock(1_700_000_000_000);
    clock.advance(250);
    expect(stepNow(clock)).toEqual({ wallMs: 1_700_000_000_250, monoMs: 250 });
  });
});
