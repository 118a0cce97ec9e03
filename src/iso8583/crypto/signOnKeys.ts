/**
 * cup-pos sign-on working keys in field 62 of the 0810 (host-cup-pos.md section 4), 40 bytes:
 * PIK (16, encrypted under the TMK) + PIK check value (4) + MAK (16, encrypted) + MAK check value (4).
 * Pure.
 */
import { timingSafeEqual } from 'node:crypto';
import { PosError } from '../../errors.js';
import { checkValue, unwrapKey, wrapKey } from './keyWrap.js';

export interface SignOnKeys {
  /** Clear PIN working key (16 bytes). */
  pik: Buffer;
  /** Clear MAC working key (16 bytes). */
  mak: Buffer;
}

export const SIGN_ON_KEYS_LENGTH = 40;

function unwrapChecked(tmk: Buffer, part: Buffer, name: 'PIK' | 'MAK'): Buffer {
  const clear = unwrapKey(tmk, part.subarray(0, 16));
  if (!timingSafeEqual(checkValue(clear, 4), part.subarray(16, 20))) {
    throw new PosError('HOST_KEY_CHECK_FAILED', `${name} check value does not match`, {
      field: 62,
      key: name,
    });
  }
  return clear;
}

/** Unwrap and verify the PIK and MAK of a sign-on response's field 62. */
export function parseSignOnKeys(field62: Buffer, tmk: Buffer): SignOnKeys {
  if (field62.length !== SIGN_ON_KEYS_LENGTH) {
    throw new PosError(
      'HOST_BAD_SIGN_ON_KEYS',
      `sign-on field 62 must be ${SIGN_ON_KEYS_LENGTH} bytes, got ${field62.length}`,
      { field: 62, length: field62.length },
    );
  }
  return {
    pik: unwrapChecked(tmk, field62.subarray(0, 20), 'PIK'),
    mak: unwrapChecked(tmk, field62.subarray(20, 40), 'MAK'),
  };
}

/** Build a sign-on field 62 from clear 16-byte keys (for the host simulator). */
export function buildSignOnKeys(tmk: Buffer, pik: Buffer, mak: Buffer): Buffer {
  for (const [name, k] of [
    ['PIK', pik],
    ['MAK', mak],
  ] as const) {
    if (k.length !== 16) {
      throw new PosError('HOST_BAD_SIGN_ON_KEYS', `${name} must be 16 bytes, got ${k.length}`, {
        field: 62,
        key: name,
      });
    }
  }
  return Buffer.concat([wrapKey(tmk, pik), checkValue(pik, 4), wrapKey(tmk, mak), checkValue(mak, 4)]);
}
