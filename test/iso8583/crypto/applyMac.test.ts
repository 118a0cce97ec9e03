import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMac,
  iso9797Mac1,
  type MacFunction,
  unionPayMac,
  verifyMac,
} from '../../../src/iso8583/crypto/index.js';
import { hex, upper, vectorData, vectorsWhere } from './vectors.js';

// The v1 purchase vector of the shared cup-pos vectors, MAC placeholder in its last 8 bytes.
const PURCHASE = hex(
  '02007024048020C0821119625809123456789012300000000000000123450003213012005100376258091234567890123D' +
    '301210112345678900313233343536373831323334353637383930313233343531353600659F260811223344556677889F' +
    '2701809F36020001950500000000009A032611279C01009F02060000000123455F2A02015682027C009F1A0201569F3704' +
    'A1B2C3D40011220000010000A1B2C3D4E5F60718',
);
const MAK = hex('2222222222222222');
const macFn: MacFunction = (mab) => unionPayMac(MAK, mab);
const PLACEHOLDER = hex('A1B2C3D4E5F60718');

// Expected MACs come from the published vectors (test/fixtures/crypto.json), never from the code
// under test: a "message" is the vector's data followed by an 8-byte field-64 placeholder.
const [CUP] = vectorsWhere(/^UnionPay ECB MAC result/);
const [FIPS113] = vectorsWhere(/^ISO 9797-1 MAC alg 1, single DES, padding 1/);

describe('applyMac / verifyMac', () => {
  it(`${CUP.id}: field 64 of MAB + placeholder is the published UnionPay MAC, the rest untouched`, () => {
    const mab = hex(CUP.inputs.mab_hex);
    const packed = Buffer.concat([mab, PLACEHOLDER]);
    const signed = applyMac(packed, (m) => unionPayMac(hex(CUP.inputs.mak), m));
    expect(signed.length).toBe(packed.length);
    expect(signed.subarray(0, -8)).toEqual(mab);
    expect(signed.subarray(-8).toString('ascii')).toBe(CUP.expected);
    expect(packed.subarray(-8)).toEqual(PLACEHOLDER); // input left untouched
    const published = Buffer.concat([mab, Buffer.from(CUP.expected, 'ascii')]);
    expect(verifyMac(published, (m) => unionPayMac(hex(CUP.inputs.mak), m))).toBe(true);
    expect(verifyMac(packed, (m) => unionPayMac(hex(CUP.inputs.mak), m))).toBe(false);
  });

  it(`${FIPS113.id}: the MAB handed to the MAC function is exactly the message minus its last 8 bytes`, () => {
    const key = hex(FIPS113.inputs.key);
    const data = vectorData(FIPS113);
    const signed = applyMac(Buffer.concat([data, PLACEHOLDER]), (m) => iso9797Mac1(key, m, 1));
    expect(upper(signed.subarray(-8))).toBe(FIPS113.expected);
    expect(verifyMac(Buffer.concat([data, hex(FIPS113.expected)]), (m) => iso9797Mac1(key, m, 1))).toBe(true);
  });

  it('on the v1 purchase vector: only the last 8 bytes change, and the result verifies', () => {
    const signed = applyMac(PURCHASE, macFn);
    expect(signed.length).toBe(PURCHASE.length);
    expect(signed.subarray(0, -8)).toEqual(PURCHASE.subarray(0, -8));
    expect(signed.subarray(-8)).not.toEqual(PLACEHOLDER);
    expect(PURCHASE.subarray(-8)).toEqual(PLACEHOLDER); // input left untouched
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
    expect(() => applyMac(Buffer.alloc(8), macFn)).toThrow(
      expect.objectContaining({
        message: 'packed message of 8 bytes cannot hold a MAC',
        context: { field: 64, length: 8 },
      }),
    );
    expect(() => applyMac(PURCHASE, () => Buffer.alloc(4))).toThrow(
      expect.objectContaining({
        message: 'MAC function returned 4 bytes, expected 8',
        context: { field: 64 },
      }),
    );
    expect(verifyMac(Buffer.alloc(8), macFn)).toBe(false);
    // 8 bytes that are the MAC of an empty MAB: still no message, so no valid MAC
    expect(verifyMac(macFn(Buffer.alloc(0)), macFn)).toBe(false);
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
