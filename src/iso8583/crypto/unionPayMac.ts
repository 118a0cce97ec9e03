/**
 * The UnionPay POS "ECB" MAC of cup-pos field 64 (host-cup-pos.md section 3). Pure.
 *
 * 1. XOR the MAB's 8-byte blocks (last block right-padded with 00).
 * 2. Expand the result to 16 uppercase hex ASCII characters.
 * 3. Encrypt the first 8 with the MAK, XOR with the last 8, encrypt again.
 * 4. The MAC is the first 8 hex ASCII characters of that block (8 bytes).
 * An 8-byte MAK is single DES, a 16-byte MAK two-key 3DES.
 */
import { desEcbEncrypt, xorBytes } from './desEcb.js';

/** Running XOR of the MAB's 8-byte blocks: entry i is block 0 ^ ... ^ block i (00-padded). */
export function runningXorBlocks(mab: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  let acc: Buffer = Buffer.alloc(8);
  for (let off = 0; off < mab.length; off += 8) {
    const block = Buffer.alloc(8);
    Buffer.from(mab.buffer, mab.byteOffset + off, Math.min(8, mab.length - off)).copy(block);
    acc = xorBytes(acc, block);
    out.push(acc);
  }
  return out;
}

/** Every intermediate of the UnionPay MAC, for tests and diagnostics. */
export interface UnionPayMacSteps {
  /** XOR of all blocks (8 bytes). */
  xor: Buffer;
  /** The XOR as 16 uppercase hex ASCII bytes. */
  expanded: Buffer;
  /** E(MAK, first 8 ASCII bytes). */
  enc1: Buffer;
  /** enc1 XOR last 8 ASCII bytes. */
  xor2: Buffer;
  /** E(MAK, xor2). */
  enc2: Buffer;
  /** Field 64: the first 8 hex ASCII characters of enc2. */
  mac: Buffer;
}

export function unionPayMacSteps(mak: Buffer, mab: Uint8Array): UnionPayMacSteps {
  const blocks = runningXorBlocks(mab);
  const xor = blocks.length > 0 ? blocks[blocks.length - 1] : Buffer.alloc(8);
  const expanded = Buffer.from(xor.toString('hex').toUpperCase(), 'ascii');
  const enc1 = desEcbEncrypt(mak, expanded.subarray(0, 8));
  const xor2 = xorBytes(enc1, expanded.subarray(8, 16));
  const enc2 = desEcbEncrypt(mak, xor2);
  const mac = Buffer.from(enc2.subarray(0, 4).toString('hex').toUpperCase(), 'ascii');
  return { xor, expanded, enc1, xor2, enc2, mac };
}

/** The cup-pos field 64 MAC (8 bytes = 8 ASCII hex characters) of a MAB under the MAK. */
export function unionPayMac(mak: Buffer, mab: Uint8Array): Buffer {
  return unionPayMacSteps(mak, mab).mac;
}
