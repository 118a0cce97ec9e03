/**
 * DES / triple DES in ECB mode over whole 8-byte blocks, pure (node:crypto only).
 *
 * Node 20 (OpenSSL 3) has no `des-ecb` without the legacy provider, so every key length maps onto
 * `des-ede3`: an 8-byte key K runs as K|K|K (single DES), a 16-byte key K1|K2 as K1|K2|K1 (two-key
 * 3DES), a 24-byte key as is.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { PosError } from '../../errors.js';

/** The 24-byte des-ede3 key for an 8, 16 or 24-byte DES key. */
export function expandDesKey(key: Uint8Array): Buffer {
  const k = Buffer.from(key);
  switch (k.length) {
    case 8:
      return Buffer.concat([k, k, k]);
    case 16:
      return Buffer.concat([k, k.subarray(0, 8)]);
    case 24:
      return k;
    default:
      throw new PosError('ISO_BAD_KEY_LENGTH', `DES key must be 8, 16 or 24 bytes, got ${k.length}`, {
        length: k.length,
      });
  }
}

function checkBlocks(data: Uint8Array): void {
  if (data.length % 8 !== 0) {
    throw new PosError(
      'ISO_BAD_BLOCK_LENGTH',
      `DES data must be whole 8-byte blocks, got ${data.length} bytes`,
      {
        length: data.length,
      },
    );
  }
}

/** Encrypt whole blocks with DES (8-byte key) or 3DES (16/24-byte key), ECB. */
export function desEcbEncrypt(key: Uint8Array, data: Uint8Array): Buffer {
  checkBlocks(data);
  const c = createCipheriv('des-ede3-ecb', expandDesKey(key), null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Decrypt whole blocks with DES (8-byte key) or 3DES (16/24-byte key), ECB. */
export function desEcbDecrypt(key: Uint8Array, data: Uint8Array): Buffer {
  checkBlocks(data);
  const d = createDecipheriv('des-ede3-ecb', expandDesKey(key), null);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}

/**
 * CBC encryption with a zero IV over whole blocks; returns every cipher block (the CBC chain).
 * The last block is the ISO 9797-1 algorithm 1 MAC of the data.
 */
export function desCbcChain(key: Uint8Array, data: Uint8Array): Buffer {
  checkBlocks(data);
  const c = createCipheriv('des-ede3-cbc', expandDesKey(key), Buffer.alloc(8));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** XOR of two equal-length byte arrays, as a new Buffer. */
export function xorBytes(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
