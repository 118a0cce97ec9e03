/**
 * The small pure pieces of settlement tracking: host time (HostZone), the 0810 check
 * (readStatusAnswer) and the status change event (statusChangeOf). Expected values by hand.
 */
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { asciiToHex } from '../../src/iso8583/views/cupPosFields.js';
import type { NewSettlementObservation, SettlementObservationRecord } from '../../src/journal/types.js';
import { readStatusAnswer } from '../../src/settlement/readStatusAnswer.js';
import { statusChangeOf } from '../../src/settlement/settlementStatusChange.js';
import { HostZone } from '../../src/settlement/timeline/HostZone.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayNum = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return { code: e.code, message: e.message, context: e.context };
    throw e;
  }
  throw new Error('no error');
}

describe('HostZone', () => {
  const sh = new HostZone();
  const berlin = new HostZone('Europe/Berlin');

  it('Shanghai (UTC+8, default): day, time of day, instant, host time strings', () => {
    expect(sh.timeZone).toBe('Asia/Shanghai');
    const t = Date.UTC(2026, 11, 1, 15, 59, 59); // 23:59:59 on 1 Dec in Shanghai
    expect(sh.offsetMs(t)).toBe(8 * HOUR);
    expect(sh.dayOf(t)).toBe(dayNum(2026, 12, 1));
    expect(sh.dayOf(t + 1000)).toBe(dayNum(2026, 12, 2));
    expect(sh.timeOfDayMs(t)).toBe(DAY - 1000);
    expect(sh.timeOfDayMs(t + 1000)).toBe(0);
    expect(sh.instant(dayNum(2026, 12, 2), 9 * HOUR)).toBe(Date.UTC(2026, 11, 2, 1, 0));
    expect(sh.parseHostTime('20261201093015')).toBe(Date.UTC(2026, 11, 1, 1, 30, 15));
    expect(sh.format(Date.UTC(2026, 11, 1, 1, 30, 15))).toBe('2026-12-01 09:30:15');
  });

  it('a zone with summer time: the offset changes at 01:00 UTC on 29 March 2026', () => {
    expect(berlin.offsetMs(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe(HOUR);
    expect(berlin.offsetMs(Date.UTC(2026, 2, 29, 1, 0))).toBe(2 * HOUR);
    // local 01:30 (still winter time) and 03:30 (summer time) of the change day
    expect(berlin.instant(dayNum(2026, 3, 29), 1.5 * HOUR)).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(berlin.instant(dayNum(2026, 3, 29), 3.5 * HOUR)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(berlin.parseHostTime('20260328120000')).toBe(Date.UTC(2026, 2, 28, 11, 0));
    expect(berlin.parseHostTime('20260330120000')).toBe(Date.UTC(2026, 2, 30, 10, 0));
    expect(berlin.timeOfDayMs(Date.UTC(2026, 2, 29, 1, 0))).toBe(3 * HOUR);
  });

  it('before 1970 the day and time of day still count from local midnight', () => {
    const t = Date.UTC(1969, 11, 31, 17, 0); // 01:00 on 1 Jan 1970 in Shanghai
    expect(sh.dayOf(t)).toBe(0);
    expect(sh.timeOfDayMs(t)).toBe(HOUR);
    const u = Date.UTC(1969, 11, 31, 15, 0); // 23:00 on 31 Dec 1969
    expect(sh.dayOf(u)).toBe(-1);
    expect(sh.timeOfDayMs(u)).toBe(23 * HOUR);
  });

  it('an unknown zone is SETTLE_CONTRACT_INVALID naming the key', () => {
    expect(errorOf(() => new HostZone('Mars/Olympus'))).toEqual({
      code: 'SETTLE_CONTRACT_INVALID',
      message: "unknown time zone 'Mars/Olympus'",
      context: { key: 'timeZone' },
    });
  });
});

const BLANK = ' '.repeat(14);
const rec = (rrn: string, status = 'P') => `${rrn}${status}T1${BLANK}${BLANK}${BLANK}00`;
function answer(code: string, f62?: string): IsoMessage {
  const fields: Record<number, string> = { 11: '000123', 39: code, 41: '12345678', 42: '123456789012345' };
  if (f62 !== undefined) fields[62] = asciiToHex(f62);
  return { mti: '0810', fields };
}

describe('readStatusAnswer', () => {
  const A = '000000000001';
  const B = '000000000002';

  it('one record per RRN in the order asked, with the raw 59 characters', () => {
    const out = readStatusAnswer(answer('00', rec(A) + rec(B, 'C')), [A, B]);
    expect(out.map((o) => o.raw)).toEqual([rec(A), rec(B, 'C')]);
    expect(out.map((o) => [o.rec.rrn, o.rec.status])).toEqual([
      [A, 'P'],
      [B, 'C'],
    ]);
  });

  it('a record for another RRN names its number and byte offset', () => {
    expect(errorOf(() => readStatusAnswer(answer('00', rec(A) + rec(A)), [A, B]))).toEqual({
      code: 'SETTLE_INQUIRY_BAD_ANSWER',
      message: 'settlement status record 2 is for another RRN',
      context: { field: 62, offset: 59 },
    });
  });

  it('another count of records', () => {
    expect(errorOf(() => readStatusAnswer(answer('00', rec(A)), [A, B]))).toEqual({
      code: 'SETTLE_INQUIRY_BAD_ANSWER',
      message: 'settlement status answer has 1 records for 2 RRNs',
      context: { field: 62 },
    });
    expect(errorOf(() => readStatusAnswer(answer('00'), [A])).message).toBe(
      'settlement status answer has 0 records for 1 RRNs',
    );
  });

  it('a refusal keeps the response code', () => {
    expect(errorOf(() => readStatusAnswer(answer('96'), [A]))).toEqual({
      code: 'SETTLE_INQUIRY_DECLINED',
      message: 'settlement status inquiry refused (96)',
      context: { field: 39, responseCode: '96' },
    });
  });

  it('a field 62 that does not decode names the codec error', () => {
    const e = errorOf(() => readStatusAnswer(answer('00', rec(A).slice(0, 50)), [A]));
    expect(e.code).toBe('SETTLE_INQUIRY_BAD_ANSWER');
    expect(e.message).toMatch(/^settlement status answer does not decode: settlement status record: /);
    expect(e.context).toEqual({ field: 62, cause: 'ISO_BAD_STATUS_RECORD' });
    try {
      readStatusAnswer(answer('00', rec(A).slice(0, 50)), [A]);
    } catch (err) {
      expect((err as Error).cause).toMatchObject({ code: 'ISO_BAD_STATUS_RECORD' });
    }
  });
});

describe('statusChangeOf', () => {
  const zone = new HostZone();
  const o = (over: Partial<NewSettlementObservation> = {}): NewSettlementObservation & { txnId: number } => ({
    txnId: 7,
    rrn: '000000000001',
    learntAt: Date.UTC(2026, 11, 1, 2, 0),
    status: 'C',
    mode: 'T1',
    expectedArrival: '20261202090000',
    clearedAt: '20261201230000',
    arrivedAt: null,
    delayReason: '00',
    record: 'r',
    ...over,
  });
  const prev = (over: Partial<SettlementObservationRecord> = {}): SettlementObservationRecord => ({
    id: 1,
    ...o(),
    ...over,
  });

  it('the first answer: every field, times as ISO instants, no previous', () => {
    expect(statusChangeOf(o(), undefined, zone)).toEqual({
      txnId: 7,
      rrn: '000000000001',
      status: 'C',
      mode: 'T1',
      delayReason: '00',
      learntAt: '2026-12-01T02:00:00.000Z',
      expectedArrival: '2026-12-02T01:00:00.000Z',
    });
    expect('arrivedAt' in (statusChangeOf(o(), undefined, zone) ?? {})).toBe(false);
  });

  it('the same status, mode, reason and expected arrival: no event', () => {
    expect(statusChangeOf(o(), prev({ learntAt: 1, clearedAt: null }), zone)).toBeUndefined();
  });

  it('any of the four changed is an event with the previous status', () => {
    for (const p of [
      prev({ status: 'P' }),
      prev({ mode: 'D0' }),
      prev({ delayReason: '08' }),
      prev({ expectedArrival: '20261203090000' }),
    ]) {
      expect(statusChangeOf(o(), p, zone)).toMatchObject({ status: 'C', previous: p.status });
    }
  });

  it('arrived: the arrival instant, no expected arrival when the host sends none', () => {
    const c = statusChangeOf(
      o({ status: 'A', expectedArrival: null, arrivedAt: '20261202093000' }),
      prev(),
      zone,
    );
    expect(c).toMatchObject({ status: 'A', previous: 'C', arrivedAt: '2026-12-02T01:30:00.000Z' });
    expect(c && 'expectedArrival' in c).toBe(false);
  });
});
