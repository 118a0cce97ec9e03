/** Loads test/fixtures/crypto.json (a copy of the shared crypto vectors in scope). */
import { readFileSync } from 'node:fs';

export interface CryptoVector {
  id: string;
  algorithm: string;
  source: string;
  inputs: Record<string, string | number>;
  expected: string;
}

const file = new URL('../../fixtures/crypto.json', import.meta.url);
export const cryptoVectors: CryptoVector[] = JSON.parse(readFileSync(file, 'utf8')).vectors;

/** Vectors whose algorithm name matches. Throws when none do, so a renamed fixture cannot pass silently. */
export function vectorsWhere(match: RegExp): CryptoVector[] {
  const out = cryptoVectors.filter((v) => match.test(v.algorithm));
  if (out.length === 0) throw new Error(`no crypto vector matches ${match}`);
  return out;
}

export const hex = (s: string | number): Buffer => Buffer.from(String(s).replace(/\s+/g, ''), 'hex');
export const upper = (b: Buffer): string => b.toString('hex').toUpperCase();

/** Input data of a vector: data_hex when present, else the ASCII bytes of data_ascii. */
export function vectorData(v: CryptoVector): Buffer {
  if (v.inputs.data_hex !== undefined) return hex(v.inputs.data_hex);
  if (v.inputs.data_ascii !== undefined) return Buffer.from(String(v.inputs.data_ascii), 'ascii');
  throw new Error(`vector ${v.id} has no data`);
}
