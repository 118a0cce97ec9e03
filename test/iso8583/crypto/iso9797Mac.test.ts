import { describe, expect, it } from 'vitest';
import {
  desCbcChain,
  type Iso9797Padding,
  iso9797Mac1,
  iso9797Mac3,
  iso9797Mac3Keys,
  iso9797Pad,
} from '../../../src/iso8583/crypto/index.js';
import { cryptoVectors, hex, upper, vectorData, vectorsWhere } from './vectors.js';

function paddingOf(algorithm: string, inputs: Record<string, unknown>): Iso9797Padding {
  const m = /padding (\d)/.exec(algorithm);
  const p = Number(m ? m[1] : inputs.padding);
  if (p !== 1 && p !== 2 && p !== 3) throw new Error(`no padding in ${algorithm}`);
  return p;
}

describe('ISO 9797-1 MAC algorithm 1', () => {
  for (const v of vectorsWhere(/^ISO 9797-1 MAC alg 1, /)) {
    it(`${v.id}: ${v.algorithm}`, () => {
      const key = hex(v.inputs.key);
      expect(key.length).toBe(/single DES/.test(v.algorithm) ? 8 : 16);
      expect(upper(iso9797Mac1(key, vectorData(v), paddingOf(v.algorithm, v.inputs)))).toBe(v.expected);
    });
  }

  for (const v of vectorsWhere(/^ISO 9797-1 MAC alg 1 CBC intermediate/)) {
    it(`${v.id}: CBC chain blocks`, () => {
      // The chain vector shares key and data with the FIPS 113 MAC vector.
      const base = cryptoVectors.find((x) => x.id === 'alg1-fips113' && x.inputs.key === v.inputs.key);
      expect(base).toBeDefined();
      const chain = desCbcChain(hex(v.inputs.key), iso9797Pad(vectorData(base!), 1));
      const blocks = [];
      for (let i = 0; i < chain.length; i += 8) blocks.push(upper(chain.subarray(i, i + 8)));
      expect(blocks.join(' ')).toBe(v.expected);
    });
  }
});

describe('ISO 9797-1 MAC algorithm 3 (retail MAC)', () => {
  for (const v of vectorsWhere(/^ISO 9797-1 MAC alg 3 \/ X9\.19/)) {
    it(`${v.id}: ${v.algorithm}`, () => {
      expect(upper(iso9797Mac3(hex(v.inputs.key), vectorData(v), paddingOf(v.algorithm, v.inputs)))).toBe(
        v.expected,
      );
    });
  }

  for (const v of vectorsWhere(/^ISO 9797-1 MAC alg 3 variant/)) {
    it(`${v.id}: separate 2-key TDES keys`, () => {
      const mac = iso9797Mac3Keys(
        hex(v.inputs.key1),
        hex(v.inputs.key2),
        vectorData(v),
        paddingOf(v.algorithm, v.inputs),
      );
      expect(upper(mac)).toBe(v.expected);
    });
  }

  it("classic form equals the separate-key form with K and K'", () => {
    const key = hex('7CA110454A1A6E570131D9619DC1376E');
    const data = Buffer.from('any data at all');
    expect(iso9797Mac3(key, data, 2)).toEqual(iso9797Mac3Keys(key.subarray(0, 8), key.subarray(8), data, 2));
    expect(() => iso9797Mac3(key.subarray(0, 8), data)).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_KEY_LENGTH' }),
    );
  });
});

describe('ISO 9797-1 padding', () => {
  it('method 1 pads with zeros; empty data gives one zero block', () => {
    expect(upper(iso9797Pad(hex('0102'), 1))).toBe('0102000000000000');
    expect(upper(iso9797Pad(hex('0102030405060708'), 1))).toBe('0102030405060708');
    expect(upper(iso9797Pad(Buffer.alloc(0), 1))).toBe('0000000000000000');
  });
  it('method 2 always appends 80', () => {
    expect(upper(iso9797Pad(hex('0102030405060708'), 2))).toBe('01020304050607088000000000000000');
  });
  it('method 3 prepends the bit length', () => {
    expect(upper(iso9797Pad(hex('010203'), 3))).toBe('00000000000000180102030000000000');
  });
  it('rejects an unknown method with a coded error', () => {
    expect(() => iso9797Pad(hex('01'), 4 as Iso9797Padding)).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_PADDING' }),
    );
  });
});
