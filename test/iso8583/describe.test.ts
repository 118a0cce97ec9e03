import { expect, describe as group, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import {
  describe,
  getDialect,
  type IsoMessage,
  joinSubfields,
  maskField,
  subfields,
  unpack,
} from '../../src/iso8583/index.js';
import { codecVector } from '../helpers/codecVectors.js';

const v1 = codecVector('v1_');
const d = getDialect('cup-pos');
const msg: IsoMessage = { ...unpack(d, Buffer.from(v1.hex, 'hex')) };
msg.fields = { ...msg.fields, 52: '0123456789ABCDEF' };
const PAN = '6258091234567890123';
const TRACK = '6258091234567890123D30121011234567890';

group('describe', () => {
  const text = describe(d, msg);
  const lines = text.split('\n');

  it('starts with the MTI, then one line per field in order', () => {
    expect(lines[0]).toBe('MTI 0200 (cup-pos)');
    const nums = lines.filter((l) => /^\s{0,2}\d+ /.test(l)).map((l) => Number(l.trim().split(' ')[0]));
    expect(nums).toEqual([2, 3, 4, 11, 14, 22, 25, 35, 41, 42, 49, 52, 55, 60, 64]);
  });

  it('masks by default: PAN first 6/last 4, track, PIN block and ICC data hidden', () => {
    expect(text).toContain('  2 PAN ');
    expect(lines.find((l) => l.startsWith('  2 '))).toMatch(/: 625809\*{9}0123$/);
    expect(text).not.toContain(PAN);
    expect(text).not.toContain('D3012101');
    expect(text).not.toContain('0123456789ABCDEF');
    expect(text).not.toContain('1122334455667788');
    expect(lines.find((l) => l.startsWith(' 35 '))).toContain('[track data, 37 chars hidden]');
    expect(lines.find((l) => l.startsWith(' 52 '))).toContain('[PIN block, 8 bytes hidden]');
    expect(lines.find((l) => l.startsWith(' 55 '))).toMatch(
      /\[ICC data, 65 bytes hidden\] tags 9F26 9F27 9F36 95 /,
    );
  });

  it('shows the subfields of 60 aligned with the field values', () => {
    const i = lines.findIndex((l) => l.startsWith(' 60 '));
    expect(lines[i + 1]).toMatch(/^ {6}60\.1 transaction type \.+: 22$/);
    expect(lines[i + 2]).toMatch(/60\.2 batch number \.+: 000001$/);
    expect(lines[i + 3]).toMatch(/60\.3 network management code \.+: 000$/);
    expect(lines[i + 1].indexOf(':')).toBe(lines[i].indexOf(':'));
  });

  it('reveal shows everything, including each TLV with its name', () => {
    const all = describe(d, msg, { reveal: true });
    expect(all).toContain(`: ${PAN}`);
    expect(all).toContain(TRACK);
    expect(all).toContain('0123456789ABCDEF');
    expect(all).toMatch(/9F26 application cryptogram \.+: 1122334455667788/);
  });

  it('never throws on odd values', () => {
    const odd = describe(d, { mti: '0200', fields: { 55: 'ZZ', 60: '1', 5: 'x', 2: '1234' } });
    expect(odd).toContain('(not valid TLV)');
    expect(odd).toContain('(does not split into subfields)');
    expect(odd).toContain('(not in dialect)');
    expect(odd).not.toContain('1234');
  });

  it('maskField for the CLI JSON', () => {
    expect(maskField(d, 2, PAN)).toBe('625809*********0123');
    expect(maskField(d, 35, TRACK)).not.toContain('6258');
    expect(maskField(d, 4, '000000012345')).toBe('000000012345');
  });
});

group('subfields', () => {
  it('splits 60 and 61, optional parts only when present', () => {
    expect(subfields(d, 60, '22000001000')).toEqual({ '60.1': '22', '60.2': '000001', '60.3': '000' });
    expect(subfields(d, 60, '2200000100061')).toEqual({
      '60.1': '22',
      '60.2': '000001',
      '60.3': '000',
      '60.4': '6',
      '60.5': '1',
    });
    expect(subfields(d, 61, '0000010003211127')).toEqual({
      '61.1': '000001',
      '61.2': '000321',
      '61.3': '1127',
    });
    expect(subfields(d, 61, '000001000321')).toEqual({ '61.1': '000001', '61.2': '000321' });
    expect(subfields(d, 60, '220000010006123')).toMatchObject({ '60.5': '1', '60.rest': '23' });
  });

  it('join is the inverse of split', () => {
    for (const [f, v] of [
      [60, '22000001000'],
      [60, '220000010005'],
      [60, '2200000100061'],
      [61, '000001000321'],
      [61, '0000010003211127'],
    ] as const) {
      expect(joinSubfields(d, f, subfields(d, f, v))).toBe(v);
    }
  });

  it('errors: no subfields, too short, cut subfield, wrong length, gap, unknown part', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isPosError(e) ? e.code : 'not coded';
      }
      return 'no error';
    };
    expect(code(() => subfields(d, 3, '000000'))).toBe('ISO_NO_SUBFIELDS');
    expect(code(() => subfields(d, 60, '2200'))).toBe('ISO_BAD_VALUE');
    expect(code(() => subfields(d, 61, '00000100032111'))).toBe('ISO_BAD_VALUE');
    expect(code(() => joinSubfields(d, 60, { '60.1': '22', '60.2': '1', '60.3': '000' }))).toBe(
      'ISO_BAD_VALUE',
    );
    expect(code(() => joinSubfields(d, 60, { '60.1': '22', '60.2': '000001' }))).toBe('ISO_BAD_VALUE');
    expect(
      code(() => joinSubfields(d, 60, { '60.1': '22', '60.2': '000001', '60.3': '000', '60.5': '1' })),
    ).toBe('ISO_BAD_VALUE');
    expect(code(() => joinSubfields(d, 60, { '60.1': '22', '60.2': '000001', '60.3': '000', x: '1' }))).toBe(
      'ISO_BAD_VALUE',
    );
  });
});
