import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import {
  buildSettlementStatusRecord,
  DELAY_REASON_TEXT,
  DelayReason,
  parseSettlementStatusRecord,
  parseSettlementStatusRecords,
  SETTLEMENT_MODE_TEXT,
  SETTLEMENT_STATUS_TEXT,
  SettlementMode,
  SettlementStatus,
  type SettlementStatusRecord,
} from '../../../src/iso8583/views/cupPos.js';

const SP14 = ' '.repeat(14);

describe('settlement status records (59 bytes)', () => {
  it('parses a record byte by byte', () => {
    const rec =
      '153045000321' + // RRN
      'C' + // status: cleared, waiting for payout
      'T1' + // settlement mode
      '20261130090000' + // expected arrival
      '20261127230500' + // cleared at
      SP14 + // not arrived yet
      '02'; // delay reason: non-business day
    expect(rec).toHaveLength(59);
    expect(parseSettlementStatusRecord(rec)).toEqual({
      rrn: '153045000321',
      status: SettlementStatus.ClearedWaitingForPayout,
      settlementMode: SettlementMode.NextBusinessDay,
      expectedArrival: '20261130090000',
      clearedAt: '20261127230500',
      delayReason: DelayReason.NonBusinessDay,
    });
  });

  it('all three times as spaces are undefined', () => {
    const r = parseSettlementStatusRecord(`153045000321PD0${SP14}${SP14}${SP14}00`);
    expect(r.expectedArrival).toBeUndefined();
    expect(r.clearedAt).toBeUndefined();
    expect(r.arrivedAt).toBeUndefined();
    expect('expectedArrival' in r).toBe(false);
  });

  it('rejects bad records with ISO_BAD_STATUS_RECORD naming the offset', () => {
    const good = `153045000321AD1${'20261128090000'.repeat(3)}08`;
    expect(parseSettlementStatusRecord(good).arrivedAt).toBe('20261128090000');
    const cases: [string, number][] = [
      [`${good.slice(0, 12)}Z${good.slice(13)}`, 12], // unknown status
      [`${good.slice(0, 13)}T0${good.slice(15)}`, 13], // unknown mode
      [`${good.slice(0, 15)}2026112809000 ${good.slice(29)}`, 15], // half blank time
      [`${good.slice(0, 57)}10`, 57], // unknown delay reason
    ];
    for (const [rec, offset] of cases) {
      try {
        parseSettlementStatusRecords(good + rec);
        expect.unreachable();
      } catch (e) {
        expect(isPosError(e, 'ISO_BAD_STATUS_RECORD')).toBe(true);
        expect((e as { context: { offset: number } }).context.offset).toBe(59 + offset);
      }
    }
    expect(() => parseSettlementStatusRecords(good.slice(1))).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_STATUS_RECORD' }),
    );
  });

  it('every enum value has English and Chinese text', () => {
    expect(Object.keys(SETTLEMENT_STATUS_TEXT).sort()).toEqual(['A', 'C', 'F', 'H', 'P', 'X']);
    expect(Object.keys(SETTLEMENT_MODE_TEXT).sort()).toEqual(['D0', 'D1', 'T1']);
    expect(Object.keys(DELAY_REASON_TEXT)).toEqual([
      '00',
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
    ]);
    expect(DELAY_REASON_TEXT['08'].zh).toContain('延时到账');
    expect(SETTLEMENT_STATUS_TEXT.A.zh).toContain('到账');
    for (const t of [
      ...Object.values(SETTLEMENT_STATUS_TEXT),
      ...Object.values(SETTLEMENT_MODE_TEXT),
      ...Object.values(DELAY_REASON_TEXT),
    ]) {
      expect(t.en.length).toBeGreaterThan(0);
      expect(t.zh.length).toBeGreaterThan(0);
    }
  });

  const time = fc.option(fc.stringMatching(/^20\d{12}$/), { nil: undefined });
  const record: fc.Arbitrary<SettlementStatusRecord> = fc
    .record({
      rrn: fc.stringMatching(/^[0-9A-Z ]{12}$/),
      status: fc.constantFrom(...Object.values(SettlementStatus)),
      settlementMode: fc.constantFrom(...Object.values(SettlementMode)),
      expectedArrival: time,
      clearedAt: time,
      arrivedAt: time,
      delayReason: fc.constantFrom(...Object.values(DelayReason)),
    })
    .map(
      (r) =>
        Object.fromEntries(
          Object.entries(r).filter(([, v]) => v !== undefined),
        ) as unknown as SettlementStatusRecord,
    );

  it('property: parse(build(record)) round trips', () => {
    fc.assert(
      fc.property(record, (r) => {
        const text = buildSettlementStatusRecord(r);
        expect(text).toHaveLength(59);
        expect(parseSettlementStatusRecord(text)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random 59-character text parses or gives ISO_BAD_STATUS_RECORD', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 59, maxLength: 59 }), (text) => {
        try {
          parseSettlementStatusRecord(text);
        } catch (e) {
          expect(isPosError(e, 'ISO_BAD_STATUS_RECORD')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
