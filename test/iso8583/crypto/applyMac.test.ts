import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMac, type MacFunction, unionPayMac, verifyMac } from '../../../src/iso8583/crypto/index.js';
import { hex } from './vectors.js';

// The v1 purchase vector of the shared cup-pos vectors, MAC placeholder in its last 8 bytes.
const PURCHASE = hex(
  '02007024048020C0821119625809123456789012300000000000000123450003213012005100376258091234567890123D' +
    '301210112345678900313233343536373831323334353637383930313233343531353600659F260811223344556677889F' +
    '2701809F36020001950500000000009A032611279C01009F02060000000123455F2A02015682027C009F1A0201569F3704' +
    'A1B2C3D40011220000010000A1B2C3D4E5F60718',
);
const MAK = hex('2222222222222222');
const macFn: MacFunction = (mab) => unionPayMac(MAK, mab);

describe('applyMac / verifyMac', () => {
  it('replaces only the last 8 bytes with the MAC of everything before them', () => {
    const signed = applyMac(PURCHASE, macFn);
    expect(signed.length).toBe(PURCHASE.length);
    expect(signed.subarray(0, -8)).toEqual(PURCHASE.subarray(0, -8));
    expect(signed.subarray(-8)).toEqual(unionPayMac(MAK, PURCHASE.subarray(0, -8)));
    expect(PURCHASE.subarray(-8)).toEqual(hex('A1B2C3D4E5F60718')); // input left untouched
    expect(verifyMac(signed, macFn)).toBe(true);
    expect(verifyMac(PURCHASE, macFn)).toBe(false);
  });

  it('a MAC computed with another key does not verify', () => {
    // 22 -> 24 changes a key bit (the low bit of each DES key byte is parity and ignored).

    const signed = applyMac(PURCHASE, macFn);
    expect(verifyMac(signed, (mab) => unionPayMac(hex('2222222222222224'), mab))).toBe(false);
  });

  it('too short messages and bad MAC functions', () => {
    expect(() => applyMac(Buffer.alloc(8), macFn)).toThrow(
      expect.objectContaining({ code: 'ISO_MAC_NO_ROOM' }),
    );
    expect(() => applyMac(PURCHASE, () => Buffer.alloc(4))).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_MAC_LENGTH' }),
    );
    expect(verifyMac(Buffer.alloc(8), macFn)).toBe(false);
    expect(verifyMac(PURCHASE, () => Buffer.alloc(4))).toBe(false);
  });

  const message = fc.uint8Array({ minLength: 9, maxLength: 300 }).map((a) => Buffer.from(a));
  const mak = fc.oneof(
    fc.uint8Array({ minLength: 8, maxLength: 8 }),
    fc.uint8Array({ minLength: 16, maxLength: 16 }),
  );

  it('property: applyMac then verifyMac succeeds', () => {
    fc.assert(
      fc.property(message, mak, (msg, key) => {
        const fn: MacFunction = (mab) => unionPayMac(Buffer.from(key), mab);
        expect(verifyMac(applyMac(msg, fn), fn)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('property: flipping any one bit of the MAB or the MAC fails verification', () => {
    fc.assert(
      fc.property(message, mak, fc.nat(), fc.integer({ min: 0, max: 7 }), (msg, key, pos, bit) => {
        const fn: MacFunction = (mab) => unionPayMac(Buffer.from(key), mab);
        const signed = applyMac(msg, fn);
        const tampered = Buffer.from(signed);
        tampered[pos % tampered.length] ^= 1 << bit;
        expect(verifyMac(tampered, fn)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
