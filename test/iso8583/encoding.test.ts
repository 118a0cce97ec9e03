/** The building blocks: encodings and length prefixes, by example and by property. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import {
  CC_DIGIT,
  CC_TRACKSEP,
  Enc,
  type EncCode,
  PREFIX_DIGITS,
  prefixCapacity,
  prefixWireLength,
  readAscii,
  readBcd,
  readBinaryHex,
  readEbcdic,
  readHexAscii,
  readLengthPrefix,
  writeAscii,
  writeBcd,
  writeBinaryHex,
  writeEbcdic,
  writeHexAscii,
  writeLengthPrefix,
} from '../../src/iso8583/index.js';

fc.configureGlobal({ seed: 8583 });
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));
const ALL_TEXT = 0xff;
const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const hexBytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('hex').toUpperCase());

describe('packed BCD', () => {
  it('odd fixed counts pad left, odd variable counts pad right', () => {
    const b = Buffer.alloc(4);
    expect(b.subarray(0, writeBcd(b, 0, '051', true)).toString('hex')).toBe('0051');
    expect(b.subarray(0, writeBcd(b, 0, '051', false)).toString('hex')).toBe('0510');
    expect(readBcd(Buffer.from('0051', 'hex'), 0, 3, true, false, 22)).toBe('051');
    expect(readBcd(Buffer.from('0510', 'hex'), 0, 3, false, false, 2)).toBe('051');
  });
  it('track separators D and = both become nibble D, read back as D', () => {
    const b = Buffer.alloc(4);
    writeBcd(b, 0, '12=4', false);
    expect(b.subarray(0, 2).toString('hex')).toBe('12d4');
    expect(readBcd(b, 0, 4, false, true, 35)).toBe('12D4');
  });
  it('property: digits round trip with either padding', () => {
    fc.assert(
      fc.property(digits(0, 60), fc.boolean(), (v, left) => {
        const b = Buffer.alloc(40);
        const end = writeBcd(b, 3, v, left);
        expect(end - 3).toBe((v.length + 1) >> 1);
        expect(readBcd(b, 3, v.length, left, false, 2)).toBe(v);
      }),
    );
  });
  it('property: any bytes either read as digits that re-encode to the same bytes, or ISO_BAD_BCD', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        (raw, left, track) => {
          const src = Buffer.from(raw);
          const n = src.length * 2 - 1;
          let v: string;
          try {
            v = readBcd(src, 0, n, left, track, 9);
          } catch (e) {
            expect(isPosError(e, 'ISO_BAD_BCD')).toBe(true);
            expect((e as { context: { offset: number } }).context.offset).toBeLessThan(src.length);
            return;
          }
          expect(v).toMatch(track ? /^[0-9D]*$/ : /^[0-9]*$/);
          const out = Buffer.alloc(src.length);
          writeBcd(out, 0, v, left);
          expect(out.equals(src)).toBe(true);
        },
      ),
    );
  });
});

describe('text, binary and hex', () => {
  it('property: ASCII and EBCDIC round trip printable text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PRINTABLE), { maxLength: 200 }), (a) => {
        const v = a.join('');
        const b = Buffer.alloc(v.length);
        writeAscii(b, 0, v);
        expect(readAscii(b, 0, v.length, ALL_TEXT, 1)).toBe(v);
        writeEbcdic(b, 0, v);
        expect(readEbcdic(b, 0, v.length, ALL_TEXT, 1)).toBe(v);
      }),
    );
  });
  it('EBCDIC CP037 examples', () => {
    const b = Buffer.alloc(6);
    writeEbcdic(b, 0, 'A1 z[]');
    expect(b.toString('hex').toUpperCase()).toBe('C1F140A9BABB');
  });
  it('readAscii refuses a byte outside the class, naming its offset', () => {
    try {
      readAscii(Buffer.from('12a4'), 0, 4, CC_DIGIT, 3);
      expect.unreachable();
    } catch (e) {
      expect(isPosError(e, 'ISO_BAD_VALUE')).toBe(true);
      expect((e as { context: object }).context).toEqual({ field: 3, offset: 2 });
    }
    expect(readAscii(Buffer.from('12=4D'), 0, 5, CC_DIGIT | CC_TRACKSEP, 35)).toBe('12=4D');
  });
  it('property: binary and hex-character encodings round trip bytes (uppercase out)', () => {
    fc.assert(
      fc.property(hexBytes, fc.boolean(), (hex, lower) => {
        const v = lower ? hex.toLowerCase() : hex;
        const b = Buffer.alloc(hex.length * 2);
        expect(writeBinaryHex(b, 0, v)).toBe(hex.length / 2);
        expect(readBinaryHex(b, 0, hex.length / 2)).toBe(hex);
        expect(writeHexAscii(b, 0, v)).toBe(hex.length);
        expect(b.subarray(0, hex.length).toString('latin1')).toBe(hex);
        expect(readHexAscii(b, 0, hex.length, 55)).toBe(hex);
      }),
    );
  });
});

describe('length prefixes', () => {
  const encs: [string, EncCode][] = [
    ['ascii', Enc.ascii],
    ['ebcdic', Enc.ebcdic],
    ['bcd', Enc.bcd],
    ['binary', Enc.binary],
  ];
  it('wire sizes', () => {
    expect([1, 2, 3, 4].map((n) => prefixWireLength(n, Enc.bcd))).toEqual([1, 1, 2, 2]);
    expect([1, 2, 3, 4].map((n) => prefixWireLength(n, Enc.ascii))).toEqual([1, 2, 3, 4]);
    expect([1, 2, 3, 4].map((n) => prefixWireLength(n, Enc.binary))).toEqual([1, 2, 3, 4]);
    expect(prefixCapacity(3, Enc.bcd)).toBe(999);
    expect(prefixCapacity(2, Enc.binary)).toBe(65535);
  });
  it('examples: LLL BCD 65 = 00 65, LL ASCII 7 = "07", LL binary 300 = 01 2C', () => {
    const b = Buffer.alloc(4);
    expect(b.subarray(0, writeLengthPrefix(b, 0, 65, 3, Enc.bcd)).toString('hex')).toBe('0065');
    expect(b.subarray(0, writeLengthPrefix(b, 0, 7, 2, Enc.ascii)).toString('latin1')).toBe('07');
    expect(b.subarray(0, writeLengthPrefix(b, 0, 300, 2, Enc.binary)).toString('hex')).toBe('012c');
  });
  for (const [name, enc] of encs) {
    for (const kind of ['L', 'LL', 'LLL', 'LLLL'] as const) {
      it(`property: ${kind} ${name} round trips every length it can carry`, () => {
        const digitsN = PREFIX_DIGITS[kind];
        const cap = Math.min(prefixCapacity(digitsN, enc), 2 ** 31 - 1);
        fc.assert(
          fc.property(fc.integer({ min: 0, max: cap }), (len) => {
            const b = Buffer.alloc(8);
            const end = writeLengthPrefix(b, 1, len, digitsN, enc);
            expect(end - 1).toBe(prefixWireLength(digitsN, enc));
            expect(readLengthPrefix(b, 1, digitsN, enc, 7)).toBe(len);
          }),
        );
      });
    }
  }
  it('bad prefix digits are coded errors', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isPosError(e) ? `${e.code}@${e.context.offset}` : 'not coded';
      }
      return 'ok';
    };
    expect(code(() => readLengthPrefix(Buffer.from('1A', 'hex'), 0, 2, Enc.bcd, 2))).toBe('ISO_BAD_BCD@0');
    expect(code(() => readLengthPrefix(Buffer.from('1234', 'hex'), 0, 3, Enc.bcd, 2))).toBe('ISO_BAD_BCD@0');
    expect(code(() => readLengthPrefix(Buffer.from('0x9'), 0, 3, Enc.ascii, 2))).toBe('ISO_BAD_LENGTH@1');
  });
});
