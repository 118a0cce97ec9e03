/**
 * The simulator's own MAC and key wrap (src/emulator/simCrypto.ts) against the published vectors,
 * and against the terminal's independent code: two implementations written apart must agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simMacValid, simSign, simSignOnKeys, simUnionPayMac } from '../../src/emulator/simCrypto.js';
import { parseSignOnKeys, unionPayMac } from '../../src/iso8583/crypto/index.js';
import { hex, upper, vectorsWhere } from '../iso8583/crypto/vectors.js';

describe('simulator MAC', () => {
  for (const v of vectorsWhere(/^UnionPay ECB MAC result/)) {
    it(`${v.id}: the published UnionPay MAC`, () => {
      expect(simUnionPayMac(hex(v.inputs.mak), hex(v.inputs.mab_hex)).toString('ascii')).toBe(v.expected);
    });
  }

  it('signs and verifies the last 8 bytes; any flipped bit fails', () => {
    const [v] = vectorsWhere(/^UnionPay ECB MAC result/);
    const mak = hex(v.inputs.mak);
    const signed = simSign(Buffer.concat([hex(v.inputs.mab_hex), Buffer.alloc(8)]), mak);
    expect(signed.subarray(-8).toString('ascii')).toBe(v.expected);
    expect(simMacValid(signed, mak)).toBe(true);
    for (let i = 0; i < signed.length; i++) {
      const bad = Buffer.from(signed);
      bad[i] ^= 0x10;
      expect(simMacValid(bad, mak), `byte ${i}`).toBe(false);
    }
    expect(simMacValid(Buffer.alloc(8), mak)).toBe(false);
  });

  it('agrees with the terminal on random MABs, single DES and 2-key 3DES MAKs', () => {
    const key = fc.oneof(
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
    );
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 300 }), (k, mab) => {
        expect(simUnionPayMac(Buffer.from(k), Buffer.from(mab))).toEqual(unionPayMac(Buffer.from(k), mab));
      }),
      { numRuns: 300 },
    );
  });
});

describe('simulator sign-on keys (field 62)', () => {
  it('wraps with the published TMK/TAK pair and check value', () => {
    const [wrap] = vectorsWhere(/^3DES-ECB key wrap/);
    const [kcv] = vectorsWhere(/^KCV /);
    const tmk = hex(wrap.inputs.tmk);
    const tak = hex(wrap.inputs.tak_clear);
    const tak16 = Buffer.concat([tak, tak]); // 16-byte key with equal halves: single DES
    const f62 = simSignOnKeys(tmk, tak16, hex(kcv.inputs.key));
    expect(f62.length).toBe(40);
    expect(upper(f62.subarray(0, 8))).toBe(wrap.expected);
    expect(upper(f62.subarray(36, 39))).toBe(kcv.expected);
  });

  it('the terminal unwraps and checks what the simulator built', () => {
    const tmk = hex('0123456789ABCDEFFEDCBA9876543210');
    const pik = hex('11111111111111112222222222222222');
    const mak = hex('33333333333333334444444444444444');
    expect(parseSignOnKeys(simSignOnKeys(tmk, pik, mak), tmk)).toEqual({ pik, mak });
  });
});
