import { describe, expect, it } from 'vitest';
import { getDialect, pack, unpack } from '../../src/iso8583/index.js';
import { CODEC_VECTORS, vectorMessage } from '../helpers/codecVectors.js';

const vectors = CODEC_VECTORS;
const d = getDialect('cup-pos');

const messageOf = vectorMessage;

describe('cup-pos vectors', () => {
  it('has the three vectors', () => {
    expect(vectors.map((v) => v.name)).toEqual([
      'v1_0200_purchase_bcd_cup_style',
      'v2_0210_approved_response_bcd',
      'v4_0800_sign_on_bcd',
    ]);
  });

  for (const v of vectors) {
    describe(v.name, () => {
      it('packs to the vector bytes', () => {
        expect(pack(d, messageOf(v)).toString('hex').toUpperCase()).toBe(v.hex);
      });

      it('unpacks the vector bytes to the vector fields', () => {
        expect(unpack(d, Buffer.from(v.hex, 'hex'))).toEqual(messageOf(v));
      });

      it('unpacks from a Uint8Array view at a non-zero offset', () => {
        const raw = Buffer.from(`FFFF${v.hex}`, 'hex');
        const view = new Uint8Array(raw.buffer, raw.byteOffset + 2, raw.length - 2);
        expect(unpack(d, view)).toEqual(messageOf(v));
      });

      it('breakdown parts concatenate to the message', () => {
        expect(v.breakdown.map((p) => p.length_prefix_hex + p.data_hex).join('')).toBe(v.hex);
      });

      for (const part of v.breakdown.filter((p) => /^\d+$/.test(p.field))) {
        it(`field ${part.field}: prefix ${part.length_prefix_hex || '-'} data ${part.data_hex.length / 2} bytes`, () => {
          const n = Number(part.field);
          const alone = { mti: v.fields.t, fields: { [n]: v.fields[part.field] } };
          const bytes = pack(d, alone);
          const bitmaps = n > 64 ? 16 : 8;
          expect(
            bytes
              .subarray(2 + bitmaps)
              .toString('hex')
              .toUpperCase(),
          ).toBe(part.length_prefix_hex + part.data_hex);
          expect(unpack(d, bytes)).toEqual(alone);
        });
      }
    });
  }

  it('v1 bitmap and MTI bytes', () => {
    const v = vectors[0];
    const b = pack(d, messageOf(v));
    expect(b.subarray(0, 2).toString('hex')).toBe('0200');
    expect(b.subarray(2, 10).toString('hex').toUpperCase()).toBe(v.breakdown[1].data_hex);
  });

  it('track 2 with = packs like D and unpacks as D', () => {
    const v = vectors[0];
    const m = messageOf(v);
    const withEq = { ...m, fields: { ...m.fields, 35: m.fields[35].replace('D', '=') } };
    expect(pack(d, withEq).toString('hex').toUpperCase()).toBe(v.hex);
    expect(unpack(d, pack(d, withEq)).fields[35]).toBe(m.fields[35]);
  });
});
