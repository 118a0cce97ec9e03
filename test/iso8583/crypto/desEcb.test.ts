import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  desCbcChain,
  desEcbDecrypt,
  desEcbEncrypt,
  expandDesKey,
} from '../../../src/iso8583/crypto/index.js';
import { hex, upper, vectorsWhere } from './vectors.js';

describe('DES / 3DES ECB', () => {
  for (const v of vectorsWhere(/^DES-ECB/)) {
    it(`${v.id}: encrypts and decrypts`, () => {
      const key = hex(v.inputs.key);
      const ct = desEcbEncrypt(key, hex(v.inputs.plaintext));
      expect(upper(ct)).toBe(v.expected);
      expect(upper(desEcbDecrypt(key, ct))).toBe(String(v.inputs.plaintext));
    });
  }

  it('2-key 3DES equals 3-key K1|K2|K1 and differs from single DES K1', () => {
    const k16 = hex('0123456789ABCDEFFEDCBA9876543210');
    const data = hex('1122334455667788AABBCCDDEEFF0011');
    const as24 = desEcbEncrypt(Buffer.concat([k16, k16.subarray(0, 8)]), data);
    expect(desEcbEncrypt(k16, data)).toEqual(as24);
    expect(desEcbEncrypt(k16.subarray(0, 8), data)).not.toEqual(as24);
    // K1 = K2 degrades 3DES to single DES.
    const k8 = k16.subarray(0, 8);
    expect(desEcbEncrypt(Buffer.concat([k8, k8]), data)).toEqual(desEcbEncrypt(k8, data));
  });

  it('rejects bad key and data lengths with coded errors that say what was given', () => {
    for (const n of [0, 7, 9, 15, 17, 23, 25, 32]) {
      expect(() => expandDesKey(Buffer.alloc(n)), `key of ${n}`).toThrow(
        expect.objectContaining({
          code: 'ISO_BAD_KEY_LENGTH',
          message: `DES key must be 8, 16 or 24 bytes, got ${n}`,
          context: { length: n },
        }),
      );
    }
    for (const f of [desEcbEncrypt, desEcbDecrypt, desCbcChain]) {
      for (const n of [1, 7, 9, 15]) {
        expect(() => f(Buffer.alloc(16), Buffer.alloc(n)), `${f.name}, ${n} bytes`).toThrow(
          expect.objectContaining({
            code: 'ISO_BAD_BLOCK_LENGTH',
            message: `DES data must be whole 8-byte blocks, got ${n} bytes`,
            context: { length: n },
          }),
        );
      }
    }
  });

  it('decrypt inverts encrypt for 8/16/24-byte keys', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8, 16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.integer({ min: 0, max: 6 }).chain((n) => fc.uint8Array({ minLength: n * 8, maxLength: n * 8 })),
        (key, data) => {
          expect(desEcbDecrypt(key, desEcbEncrypt(key, data))).toEqual(Buffer.from(data));
        },
      ),
      { numRuns: 100 },
    );
  });
});
