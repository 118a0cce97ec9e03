import { describe, expect, it } from 'vitest';
import { isPosError, type PosError } from '../../src/errors.js';
import { getDialect, type IsoMessage, pack, unpack } from '../../src/iso8583/index.js';
import { codecVector } from '../helpers/codecVectors.js';

const v1 = codecVector('v1_');
const d = getDialect('cup-pos');
const bytes = () => Buffer.from(v1.hex, 'hex');
const { t: mti, ...f } = v1.fields;
const msg = (): IsoMessage => ({ mti, fields: { ...f } as Record<number, string> });

function caught(fn: () => unknown): PosError {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return e;
    throw e;
  }
  throw new Error('expected a PosError');
}

function expectUnpackError(b: Buffer, code: string, field: number, offset: number): PosError {
  const e = caught(() => unpack(d, b));
  expect({ code: e.code, field: e.context.field, offset: e.context.offset }).toEqual({ code, field, offset });
  expect(e.message).not.toContain('6258091234567890123');
  return e;
}

function edit(at: number, value: number): Buffer {
  const b = bytes();
  b[at] = value;
  return b;
}

describe('unpack errors name field and offset', () => {
  it('ISO_TRUNCATED: MTI, bitmap, a length prefix, a fixed field', () => {
    expectUnpackError(bytes().subarray(0, 1), 'ISO_TRUNCATED', 0, 0);
    expectUnpackError(bytes().subarray(0, 5), 'ISO_TRUNCATED', 1, 2);
    expectUnpackError(bytes().subarray(0, 10), 'ISO_TRUNCATED', 2, 10);
    expectUnpackError(bytes().subarray(0, 160), 'ISO_TRUNCATED', 64, 159);
    expectUnpackError(bytes().subarray(0, 152), 'ISO_TRUNCATED', 60, 151);
  });

  it('ISO_LENGTH_OVER_MAX: PAN length 20 > 19, field 55 length 256 > 255', () => {
    expectUnpackError(edit(10, 0x20), 'ISO_LENGTH_OVER_MAX', 2, 10);
    const b = bytes();
    b[84] = 0x02;
    b[85] = 0x56;
    expectUnpackError(b, 'ISO_LENGTH_OVER_MAX', 55, 84);
  });

  it('ISO_LENGTH_PAST_END: field 55 claims more bytes than are left', () => {
    expectUnpackError(bytes().subarray(0, 100), 'ISO_LENGTH_PAST_END', 55, 86);
  });

  it('ISO_BAD_BCD: digits, pad nibbles, track nibbles, length prefix', () => {
    expectUnpackError(edit(21, 0x0a), 'ISO_BAD_BCD', 3, 21);
    expectUnpackError(edit(11, 0x6d), 'ISO_BAD_BCD', 2, 11); // D is not a digit in n
    expectUnpackError(edit(20, 0x31), 'ISO_BAD_BCD', 2, 20); // right pad nibble must be 0
    expectUnpackError(edit(35, 0x10), 'ISO_BAD_BCD', 22, 35); // left pad nibble must be 0
    expectUnpackError(edit(48, 0xe3), 'ISO_BAD_BCD', 35, 48); // E in track 2
    expectUnpackError(edit(38, 0x3a), 'ISO_BAD_BCD', 35, 38); // prefix not BCD
    expectUnpackError(edit(151, 0x10), 'ISO_BAD_BCD', 60, 151); // LLL pad nibble
  });

  it('track 2 nibble D is read as D', () => {
    expect(unpack(d, bytes()).fields[35]).toContain('D');
  });

  it('ISO_UNDEFINED_FIELD: bitmap claims field 5, which cup-pos does not define', () => {
    expectUnpackError(edit(2, 0x70 | 0x08), 'ISO_UNDEFINED_FIELD', 5, 2);
    expectUnpackError(edit(9, 0x11 | 0x20), 'ISO_UNDEFINED_FIELD', 59, 9);
  });

  it('ISO_TRAILING_BYTES: one byte after field 64', () => {
    expectUnpackError(Buffer.concat([bytes(), Buffer.of(0)]), 'ISO_TRAILING_BYTES', 64, 167);
  });

  it('ISO_BAD_MTI: non-digit nibbles', () => {
    expectUnpackError(edit(0, 0x0a), 'ISO_BAD_MTI', 0, 0);
    expectUnpackError(edit(1, 0xf0), 'ISO_BAD_MTI', 0, 1);
  });

  it('ISO_TLV_TRUNCATED: a TLV length inside field 55 runs past its end', () => {
    // 9F26 08 ...: length byte at 88, value would start at 89.
    expectUnpackError(edit(88, 0x7f), 'ISO_TLV_TRUNCATED', 55, 89);
  });

  it('ISO_BAD_VALUE on unpack: control byte in an ans field', () => {
    expectUnpackError(edit(60, 0x01), 'ISO_BAD_VALUE', 41, 60);
  });

  it('never a non-coded exception for odd inputs', () => {
    for (const b of [Buffer.alloc(0), Buffer.alloc(3), Buffer.alloc(400, 0xff), Buffer.alloc(400, 0x99)]) {
      expect(caught(() => unpack(d, b)).code).toMatch(/^ISO_/);
    }
    expect(caught(() => unpack(d, 'nope' as unknown as Uint8Array)).code).toBe('ISO_BAD_VALUE');
  });
});

describe('pack errors', () => {
  function expectPackError(m: IsoMessage, code: string, field: number | undefined) {
    const e = caught(() => pack(d, m));
    expect(e.code).toBe(code);
    expect(e.context.field).toBe(field);
    expect(e.message).not.toContain('6258091234567890123');
    return e;
  }
  const withField = (n: number, v: unknown): IsoMessage => {
    const m = msg();
    (m.fields as Record<number, unknown>)[n] = v;
    return m;
  };

  it('ISO_BAD_VALUE: wrong fixed length, over max, charset, hex, type', () => {
    expectPackError(withField(3, '12345'), 'ISO_BAD_VALUE', 3);
    expectPackError(withField(2, '62580912345678901234'), 'ISO_BAD_VALUE', 2);
    expectPackError(withField(2, '625809123456789012X'), 'ISO_BAD_VALUE', 2);
    expectPackError(withField(41, '1234\u00017'), 'ISO_BAD_VALUE', 41);
    expectPackError(withField(41, '1234567\u00e9'), 'ISO_BAD_VALUE', 41);
    expectPackError(withField(37, '12345678901_'), 'ISO_BAD_VALUE', 37);
    expectPackError(withField(64, 'A1B2C3D4E5F6071'), 'ISO_BAD_VALUE', 64);
    expectPackError(withField(64, 'A1B2C3D4E5F6071G'), 'ISO_BAD_VALUE', 64);
    expectPackError(withField(4, 12345), 'ISO_BAD_VALUE', 4);
    expectPackError(withField(35, '6258091234567890123X30121011234567890'), 'ISO_BAD_VALUE', 35);
  });

  it('ISO_BAD_VALUE: field 60 shorter than its required subfields', () => {
    expectPackError(withField(60, '2200000100'), 'ISO_BAD_VALUE', 60);
  });

  it('ISO_BAD_VALUE names the offset where the field starts', () => {
    expect(caught(() => pack(d, withField(3, '1'))).context.offset).toBe(21);
  });

  it('ISO_UNDEFINED_FIELD: a field the dialect does not define, field 1, and junk keys', () => {
    expectPackError(withField(5, '000000000001'), 'ISO_UNDEFINED_FIELD', 5);
    expectPackError(withField(1, '0000000000000000'), 'ISO_UNDEFINED_FIELD', 1);
    expectPackError(withField(200, '1'), 'ISO_UNDEFINED_FIELD', 200);
    const junk = msg();
    (junk.fields as Record<string, string>).abc = '1';
    expect(caught(() => pack(d, junk)).code).toBe('ISO_BAD_VALUE');
  });

  it('undefined values count as absent', () => {
    expect(pack(d, withField(5, undefined)).toString('hex').toUpperCase()).toBe(v1.hex);
  });

  it('ISO_BAD_MTI', () => {
    expectPackError({ mti: '02A0', fields: {} }, 'ISO_BAD_MTI', 0);
    expectPackError({ mti: '200', fields: {} }, 'ISO_BAD_MTI', 0);
  });

  it('ISO_TLV_*: field 55 must be BER-TLV, the offset is in the message', () => {
    // MTI 2 + bitmap 8 + LLL prefix 2: data at 12; 9F26 08 then 3 bytes: value at 15 too short.
    const e = expectPackError({ mti: '0200', fields: { 55: '9F2608112233' } }, 'ISO_TLV_TRUNCATED', 55);
    expect(e.context.offset).toBe(15);
    expectPackError({ mti: '0200', fields: { 55: '9F' } }, 'ISO_TLV_TRUNCATED', 55);
  });

  it('non-object messages', () => {
    expect(caught(() => pack(d, null as unknown as IsoMessage)).code).toBe('ISO_BAD_VALUE');
    expect(caught(() => pack(d, { mti: '0200' } as unknown as IsoMessage)).code).toBe('ISO_BAD_VALUE');
  });
});
