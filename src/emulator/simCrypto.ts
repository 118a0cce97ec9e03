/**
 * The host simulator's own cryptography, written from host-cup-pos.md (sections 3 and 4) with
 * node:crypto alone. It shares no code with the terminal's src/iso8583/crypto/, so a wrong MAC or
 * key-wrap algorithm in the terminal fails every exchange with the simulator instead of agreeing
 * with itself. Pure.
 */
import { createCipheriv, timingSafeEqual } from 'node:crypto';

/** DES / 2-key 3DES ECB encryption of whole blocks (OpenSSL 3 has no des-ecb: K|K|K, K1|K2|K1). */
function encrypt(key: Buffer, data: Buffer): Buffer {
  const k = key.length === 8 ? Buffer.concat([key, key, key]) : Buffer.concat([key, key.subarray(0, 8)]);
  const c = createCipheriv('des-ede3-ecb', k, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/**
 * The UnionPay "ECB" MAC of a MAB (section 3): XOR of the 8-byte blocks (the last padded with
 * 00), as 16 uppercase hex ASCII characters; encrypt the first 8, XOR with the last 8, encrypt
 * again; the MAC is the first 8 hex ASCII characters of that block.
 */
export function simUnionPayMac(mak: Buffer, mab: Buffer): Buffer {
  const x = Buffer.alloc(8);
  for (let i = 0; i < mab.length; i++) x[i % 8] ^= mab[i];
  const ascii = Buffer.from(x.toString('hex').toUpperCase(), 'latin1');
  const first = encrypt(mak, ascii.subarray(0, 8));
  for (let i = 0; i < 8; i++) first[i] ^= ascii[8 + i];
  const last = encrypt(mak, first);
  return Buffer.from(last.subarray(0, 4).toString('hex').toUpperCase(), 'latin1');
}

/** A packed message whose last 8 bytes (field 64) get the MAC of everything before them. */
export function simSign(packed: Buffer, mak: Buffer): Buffer {
  const out = Buffer.from(packed);
  simUnionPayMac(mak, packed.subarray(0, -8)).copy(out, out.length - 8);
  return out;
}

/** True when the last 8 bytes of a packed message are the MAC of the rest. */
export function simMacValid(packed: Buffer, mak: Buffer): boolean {
  if (packed.length <= 8) return false;
  return timingSafeEqual(simUnionPayMac(mak, packed.subarray(0, -8)), packed.subarray(-8));
}

/**
 * Sign-on field 62 (section 4): PIK under the TMK (3DES-ECB), its check value (first 4 bytes of
 * the clear key encrypting 8 zero bytes), then the MAK and its check value: 40 bytes.
 */
export function simSignOnKeys(tmk: Buffer, pik: Buffer, mak: Buffer): Buffer {
  const part = (k: Buffer) => [encrypt(tmk, k), encrypt(k, Buffer.alloc(8)).subarray(0, 4)];
  return Buffer.concat([...part(pik), ...part(mak)]);
}
