import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { parseTlv } from '../../src/iso8583/tlv.js';
import { encodeActivateData } from '../../src/reader/ReaderCommands.js';

describe('encodeActivateData', () => {
  it('writes the timeout byte and the TLVs 9F02, 9C, 5F2A, 9A, 9F21 (BCD)', () => {
    const at = new Date(2026, 4, 17, 9, 30, 15); // local time
    const data = encodeActivateData({ amountMinor: 1234, timeoutSec: 20, type: 'refund', at }, new Date(0));
    // 14 = 20 s | 9F02 06 000000001234 | 9C 01 20 | 5F2A 02 0156 | 9A 03 260517 | 9F21 03 093015
    expect(data.toString('hex')).toBe(
      '14' + '9f0206000000001234' + '9c0120' + '5f2a020156' + '9a03260517' + '9f2103093015',
    );
  });

  it('defaults: purchase, CNY, 30 s, the given now', () => {
    const now = new Date(2030, 0, 2, 3, 4, 5);
    const data = encodeActivateData({ amountMinor: 999_999_999_999n }, now);
    expect(data[0]).toBe(30);
    const tl = Object.fromEntries(parseTlv(data.subarray(1)).map((t) => [t.tag, t.value.toString('hex')]));
    expect(tl).toEqual({
      '9F02': '999999999999',
      '9C': '00',
      '5F2A': '0156',
      '9A': '300102',
      '9F21': '030405',
    });
  });

  it('refuses bad input with coded errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isPosError(e) ? e.code : 'not coded';
      }
      return 'no error';
    };
    const now = new Date();
    expect(code(() => encodeActivateData({ amountMinor: 1_000_000_000_000n }, now))).toBe(
      'READER_BAD_AMOUNT',
    );
    expect(code(() => encodeActivateData({ amountMinor: 1, timeoutSec: 256 }, now))).toBe(
      'READER_BAD_TIMEOUT',
    );
    expect(code(() => encodeActivateData({ amountMinor: 1, currency: 'CNY' }, now))).toBe(
      'READER_BAD_CURRENCY',
    );
    expect(code(() => encodeActivateData({ amountMinor: 1, type: 'sale' as never }, now))).toBe(
      'READER_BAD_TYPE',
    );
  });
});
