import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, writeIsoTime, writeMonthDayMinute } from '../../../src/settlement/report/isoTime.js';

describe('isoTime', () => {
  it('writes what Date#toISOString writes, for any instant of years 0000-9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('month and year edges', () => {
    for (const s of [
      '2024-02-29T23:59:59.999Z',
      '2026-03-01T00:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '2000-12-31T16:00:00.001Z',
    ])
      expect(isoTime(Date.parse(s))).toBe(s);
  });

  it('a fraction of a millisecond is cut as Date cuts it; the same day twice gives the same text', () => {
    expect(isoTime(1.7)).toBe(new Date(1.7).toISOString());
    expect(isoTime(-0.5)).toBe(new Date(-0.5).toISOString());
    const noon = Date.parse('2026-03-31T12:00:00.000Z');
    expect([isoTime(noon), isoTime(noon + 1)]).toEqual([
      '2026-03-31T12:00:00.000Z',
      '2026-03-31T12:00:00.001Z',
    ]);
  });

  it('writeIsoTime writes the same 24 bytes, or nothing where isoTime would not give 24 characters', () => {
    const b = Buffer.alloc(30, 0x2e);
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(writeIsoTime(b, 3, ms)).toBe(true);
        expect(b.subarray(3, 27).toString('latin1')).toBe(isoTime(ms));
      }),
      { numRuns: 5_000 },
    );
    const before = Buffer.from(b);
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 1.5, Number.NaN])
      expect(writeIsoTime(b, 3, ms)).toBe(false);
    expect(b.equals(before)).toBe(true);
  });

  it("writeMonthDayMinute writes isoTime's 'MM-DD hh:mm' (the table's time column), or nothing", () => {
    const b = Buffer.alloc(16, 0x2e);
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(writeMonthDayMinute(b, 2, ms)).toBe(true);
        const iso = isoTime(ms);
        expect(b.subarray(2, 13).toString('latin1')).toBe(`${iso.slice(5, 10)} ${iso.slice(11, 16)}`);
      }),
      { numRuns: 5_000 },
    );
    const before = Buffer.from(b);
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 0.5, Number.NaN])
      expect(writeMonthDayMinute(b, 2, ms)).toBe(false);
    expect(b.equals(before)).toBe(true);
  });
});
