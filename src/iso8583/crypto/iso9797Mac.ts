/**
 * ISO/IEC 9797-1 MACs with a DES block cipher: algorithm 1 (CBC-MAC) and algorithm 3 (retail
 * MAC, ANSI X9.19), padding methods 1, 2 and 3. Pure (node:crypto only).
 */
import { PosError } from '../../errors.js';
import { desCbcChain, desEcbDecrypt, desEcbEncrypt } from './desEcb.js';

/** ISO 9797-1 padding method: 1 zeros, 2 `80` then zeros, 3 length block then zeros. */
export type Iso9797Padding = 1 | 2 | 3;

/** Pad data to whole 8-byte blocks with ISO 9797-1 padding method 1, 2 or 3. */
export function iso9797Pad(data: Uint8Array, method: Iso9797Padding): Buffer {
  const d = Buffer.from(data);
  switch (method) {
    case 1: {
      // Method 1: zeros to the next block boundary; empty data becomes one zero block.
      const len = d.length === 0 ? 8 : Math.ceil(d.length / 8) * 8;
      return Buffer.concat([d, Buffer.alloc(len - d.length)]);
    }
    case 2: {
      const len = Math.floor(d.length / 8) * 8 + 8;
      const out = Buffer.alloc(len);
      d.copy(out);
      out[d.length] = 0x80;
      return out;
    }
    case 3: {
      // Method 3: a block holding the data length in bits (big-endian), then method-1 zeros
      // (no zero block added for empty data).
      const lengthBlock = Buffer.alloc(8);
      lengthBlock.writeBigUInt64BE(BigInt(d.length) * 8n);
      const len = Math.ceil(d.length / 8) * 8;
      return Buffer.concat([lengthBlock, d, Buffer.alloc(len - d.length)]);
    }
    default:
      throw new PosError('ISO_BAD_PADDING', `unknown ISO 9797-1 padding method ${String(method)}`, {
        padding: method,
      });
  }
}

/** ISO 9797-1 algorithm 1: CBC-MAC with a DES (8-byte) or 3DES (16/24-byte) key; 8-byte MAC. */
export function iso9797Mac1(key: Uint8Array, data: Uint8Array, padding: Iso9797Padding = 1): Buffer {
  const chain = desCbcChain(key, iso9797Pad(data, padding));
  return chain.subarray(chain.length - 8);
}

/**
 * Algorithm 3 with separate keys: CBC over the padded data with `key1`, then the last block is
 * decrypted with `key2` and encrypted with `key1` again. With single-DES K and K' this is the
 * retail MAC; other key lengths give the generalisation some libraries (psec) offer.
 */
export function iso9797Mac3Keys(
  key1: Uint8Array,
  key2: Uint8Array,
  data: Uint8Array,
  padding: Iso9797Padding = 1,
): Buffer {
  const chain = desCbcChain(key1, iso9797Pad(data, padding));
  const last = chain.subarray(chain.length - 8);
  return desEcbEncrypt(key1, desEcbDecrypt(key2, last));
}

/** ISO 9797-1 algorithm 3 / ANSI X9.19 retail MAC with a 16-byte key K|K'; 8-byte MAC. */
export function iso9797Mac3(key: Uint8Array, data: Uint8Array, padding: Iso9797Padding = 1): Buffer {
  if (key.length !== 16) {
    throw new PosError('ISO_BAD_KEY_LENGTH', `retail MAC key must be 16 bytes, got ${key.length}`, {
      length: key.length,
    });
  }
  return iso9797Mac3Keys(key.subarray(0, 8), key.subarray(8, 16), data, padding);
}
