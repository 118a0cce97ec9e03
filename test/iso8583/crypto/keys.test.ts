import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import {
  buildSignOnKeys,
  checkValue,
  desEcbEncrypt,
  parseSignOnKeys,
  unwrapKey,
  wrapKey,
} from '../../../src/iso8583/crypto/index.js';
import { hex, upper, vectorsWhere } from './vectors.js';

const TMK = hex('70F2A84CCBC2AE8625CBB0F2C22AB923');
const PIK = hex('0123456789ABCDEFFEDCBA9876543210');
const MAK = hex('1111111111111111AAAAAAAAAAAAAAAA');

describe('key wrap under the TMK', () => {
  for (const v of vectorsWhere(/^3DES-ECB key wrap/)) {
    it(`${v.id}: wraps and unwraps`, () => {
      const tmk = hex(v.inputs.tmk);
      const clear = hex(v.inputs.tak_clear);
      expect(upper(wrapKey(tmk, clear))).toBe(v.expected);
      expect(unwrapKey(tmk, hex(v.expected))).toEqual(clear);
    });
  }

  for (const v of vectorsWhere(/^KCV /)) {
    it(`${v.id}: check value of ${v.expected.length / 2} bytes`, () => {
      expect(upper(checkValue(hex(v.inputs.key), v.expected.length / 2))).toBe(v.expected);
    });
  }

  it('check value defaults to 4 bytes of E(key, 0000000000000000)', () => {
    expect(checkValue(PIK)).toEqual(desEcbEncrypt(PIK, Buffer.alloc(8)).subarray(0, 4));
    expect(() => checkValue(PIK, 0)).toThrow(expect.objectContaining({ code: 'ISO_BAD_CHECK_VALUE_LENGTH' }));
  });

  it('property: unwrap(wrap(key)) round trips for 8/16/24-byte keys and 16/24-byte TMKs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.constantFrom(8, 16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        (tmk, key) => {
          expect(unwrapKey(tmk, wrapKey(tmk, key))).toEqual(Buffer.from(key));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('sign-on field 62 keys', () => {
  it('layout: PIK(16) + KCV(4) + MAK(16) + KCV(4), and parse returns the clear keys', () => {
    const f62 = buildSignOnKeys(TMK, PIK, MAK);
    expect(f62.length).toBe(40);
    expect(f62.subarray(0, 16)).toEqual(wrapKey(TMK, PIK));
    expect(f62.subarray(16, 20)).toEqual(checkValue(PIK));
    expect(f62.subarray(20, 36)).toEqual(wrapKey(TMK, MAK));
    expect(f62.subarray(36, 40)).toEqual(checkValue(MAK));
    expect(parseSignOnKeys(f62, TMK)).toEqual({ pik: PIK, mak: MAK });
  });

  it('a wrong check value names the key and leaks no key material', () => {
    for (const [at, name] of [
      [17, 'PIK'],
      [38, 'MAK'],
      [3, 'PIK'],
      [25, 'MAK'],
    ] as const) {
      const f62 = buildSignOnKeys(TMK, PIK, MAK);
      f62[at] ^= 0x01;
      try {
        parseSignOnKeys(f62, TMK);
        expect.unreachable();
      } catch (e) {
        expect(isPosError(e, 'HOST_KEY_CHECK_FAILED')).toBe(true);
        expect((e as { context: { key: string } }).context.key).toBe(name);
        expect((e as Error).message).not.toMatch(/[0-9A-F]{8}/i);
      }
    }
  });

  it('the wrong TMK fails the PIK check', () => {
    const f62 = buildSignOnKeys(TMK, PIK, MAK);
    expect(() => parseSignOnKeys(f62, hex('00112233445566778899AABBCCDDEEFF'))).toThrow(
      expect.objectContaining({
        code: 'HOST_KEY_CHECK_FAILED',
        context: expect.objectContaining({ key: 'PIK' }),
      }),
    );
  });

  it('rejects a field 62 of the wrong length and keys of the wrong size', () => {
    expect(() => parseSignOnKeys(Buffer.alloc(39), TMK)).toThrow(
      expect.objectContaining({ code: 'HOST_BAD_SIGN_ON_KEYS' }),
    );
    expect(() => buildSignOnKeys(TMK, PIK.subarray(0, 8), MAK)).toThrow(
      expect.objectContaining({ code: 'HOST_BAD_SIGN_ON_KEYS' }),
    );
  });

  it('property: parse(build(pik, mak)) round trips', () => {
    const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(key16, key16, key16, (tmk, pik, mak) => {
        expect(parseSignOnKeys(buildSignOnKeys(tmk, pik, mak), tmk)).toEqual({ pik, mak });
      }),
      { numRuns: 100 },
    );
  });
});
