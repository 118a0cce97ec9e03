import { describe, expect, it } from 'vitest';
import { runningXorBlocks, unionPayMac, unionPayMacSteps } from '../../../src/iso8583/crypto/index.js';
import { hex, upper, vectorsWhere } from './vectors.js';

const STEP: Record<string, 'xor' | 'expanded' | 'enc1' | 'xor2' | 'enc2'> = {
  'XOR of 8-byte blocks': 'xor',
  'hex-expand to 16 ASCII bytes': 'expanded',
  'E(MAK, first 8 ASCII)': 'enc1',
  'xor with last 8 ASCII': 'xor2',
  'E(MAK, xor2)': 'enc2',
};

describe('UnionPay ECB MAC', () => {
  for (const v of vectorsWhere(/^UnionPay ECB MAC step: /)) {
    it(`${v.id}: ${v.algorithm}`, () => {
      const name = v.algorithm.replace('UnionPay ECB MAC step: ', '');
      const step = STEP[name];
      expect(step, `unknown step ${name}`).toBeDefined();
      const steps = unionPayMacSteps(hex(v.inputs.mak), hex(v.inputs.mab_hex));
      expect(upper(steps[step])).toBe(v.expected);
    });
  }

  for (const v of vectorsWhere(/^UnionPay ECB MAC result/)) {
    it(`${v.id}: field 64 is 8 ASCII hex characters`, () => {
      const mac = unionPayMac(hex(v.inputs.mak), hex(v.inputs.mab_hex));
      expect(mac.length).toBe(8);
      expect(mac.toString('ascii')).toBe(v.expected);
    });
  }

  for (const v of vectorsWhere(/^UnionPay ECB MAC partial XORs/)) {
    it(`${v.id}: running XOR after blocks 2, 3, 4`, () => {
      const running = runningXorBlocks(hex(v.inputs.mab_hex));
      expect(running.slice(1, 4).map(upper).join(' ')).toBe(v.expected);
    });
  }

  it('matches the worked vector of host-cup-pos.md section 3', () => {
    const mac = unionPayMac(hex('2222222222222222'), hex('1234567890ABCDEFABCDEF1234567890'));
    expect(upper(mac)).toBe('4532363742364532');
  });

  it('one running XOR per 8-byte block, the last one padded', () => {
    expect(runningXorBlocks(Buffer.alloc(16, 1))).toHaveLength(2);
    expect(runningXorBlocks(Buffer.alloc(17, 1))).toHaveLength(3);
    expect(runningXorBlocks(Buffer.alloc(0))).toHaveLength(0);
  });

  it('pads the last block with 00 and handles an empty MAB', () => {
    const mak = hex('0123456789ABCDEF');
    expect(unionPayMac(mak, hex('0102'))).toEqual(unionPayMac(mak, hex('0102000000000000')));
    expect(unionPayMac(mak, Buffer.alloc(0))).toEqual(unionPayMac(mak, Buffer.alloc(8)));
  });

  it('a 16-byte MAK is 2-key 3DES: same halves equal the single-DES MAC, different halves differ', () => {
    const k = hex('0123456789ABCDEF');
    const mab = Buffer.from('0200 some message bytes here');
    expect(unionPayMac(Buffer.concat([k, k]), mab)).toEqual(unionPayMac(k, mab));
    expect(unionPayMac(Buffer.concat([k, hex('FEDCBA9876543210')]), mab)).not.toEqual(unionPayMac(k, mab));
  });
});
