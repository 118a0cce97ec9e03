/**
 * Working keys under the terminal master key (TMK): 3DES-ECB wrap/unwrap and key check values.
 * Pure.
 */
import { PosError } from '../../errors.js';
import { desEcbDecrypt, desEcbEncrypt } from './desEcb.js';

/** Key check value: the first `bytes` bytes of the clear key encrypting 8 zero bytes. */
export function checkValue(key: Uint8Array, bytes = 4): Buffer {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 8) {
    throw new PosError('ISO_BAD_CHECK_VALUE_LENGTH', `check value length must be 1..8, got ${bytes}`);
  }
  return desEcbEncrypt(key, Buffer.alloc(8)).subarray(0, bytes);
}

/** The clear key of a key encrypted (3DES-ECB) under the TMK. */
export function unwrapKey(tmk: Uint8Array, encrypted: Uint8Array): Buffer {
  return desEcbDecrypt(tmk, encrypted);
}

/** A clear key encrypted (3DES-ECB) under the TMK, as a host sends it. */
export function wrapKey(tmk: Uint8Array, clear: Uint8Array): Buffer {
  return desEcbEncrypt(tmk, clear);
}
