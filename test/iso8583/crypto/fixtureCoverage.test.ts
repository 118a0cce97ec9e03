import { describe, expect, it } from 'vitest';
import { cryptoVectors } from './vectors.js';

/** The algorithm patterns the crypto tests select by (keep in step with the test files). */
const COVERED = [
  /^DES-ECB/, // desEcb.test.ts
  /^ISO 9797-1 MAC alg 1, /, // iso9797Mac.test.ts
  /^ISO 9797-1 MAC alg 1 CBC intermediate/,
  /^ISO 9797-1 MAC alg 3 \/ X9\.19/,
  /^ISO 9797-1 MAC alg 3 variant/,
  /^UnionPay ECB MAC step: /, // unionPayMac.test.ts
  /^UnionPay ECB MAC result/,
  /^UnionPay ECB MAC partial XORs/,
  /^ISO 9564-1 format 0 \(clear\)$/, // pinBlockIso0.test.ts
  /^ISO 9564-1 format 0 decode$/,
  /^ISO 9564-1 format 0 decode must reject$/,
  /^3DES-ECB key wrap/, // keys.test.ts
  /^KCV /,
];

describe('crypto fixture', () => {
  it('every vector in test/fixtures/crypto.json is exercised by a test', () => {
    const orphans = cryptoVectors.filter((v) => !COVERED.some((re) => re.test(v.algorithm))).map((v) => v.id);
    expect(orphans).toEqual([]);
    expect(cryptoVectors.length).toBe(36);
  });
});
