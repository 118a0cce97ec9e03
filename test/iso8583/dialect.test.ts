/** Dialects as data: built-ins, spec validation, the ASCII dialect, custom encodings and bitmaps. */
import { describe, expect, it } from 'vitest';
import { isPosError, type PosError } from '../../src/errors.js';
import {
  compileDialect,
  DIALECT_NAMES,
  type DialectSpec,
  getDialect,
  pack,
  unpack,
} from '../../src/iso8583/index.js';

function caught(fn: () => unknown): PosError {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return e;
    throw e;
  }
  throw new Error('expected a PosError');
}

function spec(fields: DialectSpec['fields'], extra: Partial<DialectSpec> = {}): DialectSpec {
  return {
    name: 'test',
    mti: 'bcd',
    bitmap: 'binary',
    maxBitmaps: 2,
    encoding: { n: 'bcd', z: 'bcd', a: 'ascii', an: 'ascii', ans: 'ascii', b: 'binary' },
    prefixEncoding: 'bcd',
    fields,
    ...extra,
  };
}

describe('getDialect', () => {
  it('knows cup-pos and iso87-ascii, returns the same compiled object', () => {
    expect(DIALECT_NAMES).toEqual(['cup-pos', 'iso87-ascii']);
    expect(getDialect('cup-pos')).toBe(getDialect('cup-pos'));
    expect(getDialect('iso87-ascii').name).toBe('iso87-ascii');
  });
  it('unknown name -> ISO_UNKNOWN_DIALECT', () => {
    expect(caught(() => getDialect('cup')).code).toBe('ISO_UNKNOWN_DIALECT');
    expect(caught(() => getDialect('toString')).code).toBe('ISO_UNKNOWN_DIALECT');
  });
  it('iso87-ascii defines fields 2-128 (65 is the 1987 extended bitmap field b1)', () => {
    const d = getDialect('iso87-ascii');
    for (let n = 2; n <= 128; n++) expect(d.fields[n], `field ${n}`).toBeDefined();
    expect(d.fields[65]?.type).toBe('b');
  });
});

describe('compileDialect validates the spec', () => {
  const cases: [string, unknown, string][] = [
    ['bad type', spec({ 2: { name: 'x', type: 'q' as 'n', len: 2 } }), 'fields.2.type'],
    ['fixed without len', spec({ 2: { name: 'x', type: 'n' } }), 'fields.2.len'],
    [
      'max over prefix capacity',
      spec({ 2: { name: 'x', type: 'n', max: 100, prefix: 'LL' } }),
      'fields.2.max',
    ],
    ['field number 0', spec({ 0: { name: 'x', type: 'n', len: 2 } }), 'fields.0'],
    ['field number 129', spec({ 129: { name: 'x', type: 'n', len: 2 } }), 'fields.129'],
    ['n in binary', spec({ 2: { name: 'x', type: 'n', len: 2, encoding: 'binary' } }), 'fields.2.encoding'],
    ['bad mti', spec({}, { mti: 'hex' as 'bcd' }), 'mti'],
    ['bad maxBitmaps', spec({}, { maxBitmaps: 4 as 3 }), 'maxBitmaps'],
    ['tlv on n', spec({ 2: { name: 'x', type: 'n', len: 2, tlv: true } }), 'fields.2.tlv'],
    [
      'subfields longer than field',
      spec({ 2: { name: 'x', type: 'n', len: 2, subfields: [{ id: '2.1', name: 'a', len: 3 }] } }),
      'fields.2.subfields',
    ],
    ['missing name', { ...spec({}), name: '' }, 'name'],
    ['not an object', null, 'spec'],
  ];
  for (const [what, s, key] of cases) {
    it(`${what} -> ISO_BAD_SPEC at ${key}`, () => {
      const e = caught(() => compileDialect(s as DialectSpec));
      expect(e.code).toBe('ISO_BAD_SPEC');
      expect(e.context.key).toBe(key);
    });
  }
});

describe('iso87-ascii', () => {
  const d = getDialect('iso87-ascii');
  it('ASCII MTI, hex bitmaps, plain ASCII fields', () => {
    const b = pack(d, { mti: '0800', fields: { 11: '000001', 70: '301' } });
    expect(b.toString('latin1')).toBe('0800' + '8020000000000000' + '0400000000000000' + '000001' + '301');
    expect(unpack(d, b)).toEqual({ mti: '0800', fields: { 11: '000001', 70: '301' } });
  });
  it('LL/LLL ASCII prefixes, track with =, b as hex characters, x+n', () => {
    const m = {
      mti: '0200',
      fields: {
        2: '4111111111111111',
        28: 'D00000150',
        35: '4111111111111111=2512101',
        52: '0123456789ABCDEF',
        55: '9F02060000000123459F370411223344',
      },
    };
    const b = pack(d, m);
    const s = b.toString('latin1');
    expect(s.slice(0, 4)).toBe('0200');
    expect(s.slice(4, 20)).toBe('4000001020001200');
    expect(s.slice(20)).toBe(
      '164111111111111111' +
        'D00000150' +
        '244111111111111111=2512101' +
        '0123456789ABCDEF' +
        '016' +
        '9F02060000000123459F370411223344',
    );
    expect(unpack(d, b)).toEqual(m);
  });
  it('ASCII length prefix with a non-digit -> ISO_BAD_LENGTH at the prefix', () => {
    const b = pack(d, { mti: '0200', fields: { 2: '4111111111111111' } });
    b[20] = 0x41;
    const e = caught(() => unpack(d, b));
    expect([e.code, e.context.field, e.context.offset]).toEqual(['ISO_BAD_LENGTH', 2, 20]);
  });
  it('hex bitmap with a non-hex character -> ISO_BAD_VALUE on field 1', () => {
    const b = pack(d, { mti: '0800', fields: { 11: '000001' } });
    b[7] = 0x47;
    const e = caught(() => unpack(d, b));
    expect([e.code, e.context.field, e.context.offset]).toEqual(['ISO_BAD_VALUE', 1, 6]);
  });
});

describe('custom dialects', () => {
  it('EBCDIC MTI, text and prefix', () => {
    const d = compileDialect(
      spec(
        { 2: { name: 'x', type: 'an', max: 10, prefix: 'LL', encoding: 'ebcdic', prefixEncoding: 'ebcdic' } },
        { mti: 'ebcdic' },
      ),
    );
    const b = pack(d, { mti: '0200', fields: { 2: 'AB z9' } });
    expect(b.toString('hex').toUpperCase()).toBe('F0F2F0F0' + '4000000000000000' + 'F0F5' + 'C1C240A9F9');
    expect(unpack(d, b).fields[2]).toBe('AB z9');
  });
  it('binary prefixes: L is one byte, LL two bytes', () => {
    const d = compileDialect(
      spec({
        2: { name: 'x', type: 'b', max: 255, prefix: 'L', prefixEncoding: 'binary' },
        3: { name: 'y', type: 'ans', max: 1000, prefix: 'LL', prefixEncoding: 'binary' },
      }),
    );
    const b = pack(d, { mti: '0200', fields: { 2: 'AABB', 3: 'x'.repeat(300) } });
    expect(b.subarray(10, 13).toString('hex')).toBe('02aabb');
    expect(b.subarray(13, 15).toString('hex')).toBe('012c');
    expect(unpack(d, b).fields[3]).toBe('x'.repeat(300));
  });
  it('BCD prefix counting bytes', () => {
    const d = compileDialect(spec({ 2: { name: 'x', type: 'n', max: 10, prefix: 'LL', counts: 'bytes' } }));
    const b = pack(d, { mti: '0200', fields: { 2: '1234' } });
    expect(b.subarray(10).toString('hex')).toBe('021234');
    expect(unpack(d, b).fields[2]).toBe('1234');
    expect(caught(() => pack(d, { mti: '0200', fields: { 2: '123' } })).code).toBe('ISO_BAD_VALUE');
  });
  it('LLLL BCD prefix and left padding of a variable field when the spec says so', () => {
    const d = compileDialect(spec({ 2: { name: 'x', type: 'n', max: 2000, prefix: 'LLLL', pad: 'left' } }));
    const b = pack(d, { mti: '0200', fields: { 2: '123' } });
    expect(b.subarray(10).toString('hex')).toBe('00030123');
    expect(unpack(d, b).fields[2]).toBe('123');
  });
  it('tertiary bitmap: bit 65 announces fields 129-192', () => {
    const d = compileDialect(
      spec(
        { 2: { name: 'x', type: 'n', len: 2 }, 130: { name: 'y', type: 'ans', len: 3 } },
        { maxBitmaps: 3 },
      ),
    );
    const b = pack(d, { mti: '0200', fields: { 2: '12', 130: 'abc' } });
    expect(b.toString('hex')).toBe(
      '0200' + 'c000000000000000' + '8000000000000000' + '4000000000000000' + '12' + '616263',
    );
    expect(unpack(d, b)).toEqual({ mti: '0200', fields: { 2: '12', 130: 'abc' } });
  });
  it('one bitmap only: bit 1 is an undefined field', () => {
    const d = compileDialect(spec({ 2: { name: 'x', type: 'n', len: 2 } }, { maxBitmaps: 1 }));
    const e = caught(() => unpack(d, Buffer.from('0200C00000000000000012', 'hex')));
    expect([e.code, e.context.field, e.context.offset]).toEqual(['ISO_UNDEFINED_FIELD', 1, 2]);
  });
  it('a secondary bitmap with no field in it is accepted and packs back canonical', () => {
    const d = getDialect('cup-pos');
    const b = Buffer.from('0800' + '8020000000000000' + '0000000000000000' + '000001', 'hex');
    const m = unpack(d, b);
    expect(m).toEqual({ mti: '0800', fields: { 11: '000001' } });
    expect(pack(d, m).toString('hex')).toBe('0800' + '0020000000000000' + '000001');
  });
});
