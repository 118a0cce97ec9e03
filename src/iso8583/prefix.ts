/**
 * Length prefixes: none (fixed), L, LL, LLL or LLLL, written in ASCII, EBCDIC, packed BCD or
 * binary. ASCII/EBCDIC use one character per L; BCD packs the digits (L and LL: 1 byte,
 * LLL and LLLL: 2 bytes); binary uses one byte per L (big-endian).
 */
import { PosError } from '../errors.js';
import { ASCII_TO_EBCDIC, EBCDIC_TO_ASCII, Enc, type EncCode } from './encoding.js';

export type PrefixKind = 'fixed' | 'L' | 'LL' | 'LLL' | 'LLLL';

/** Number of length digits for each prefix kind. */
export const PREFIX_DIGITS: Record<PrefixKind, number> = { fixed: 0, L: 1, LL: 2, LLL: 3, LLLL: 4 };

/** Largest length a prefix of `digits` digits can carry in `enc`. */
export function prefixCapacity(digits: number, enc: EncCode): number {
  if (digits === 0) return 0;
  if (enc === Enc.binary) return 256 ** digits - 1;
  return 10 ** digits - 1;
}

/** Bytes a prefix of `digits` digits takes on the wire. */
export function prefixWireLength(digits: number, enc: EncCode): number {
  return enc === Enc.bcd ? (digits + 1) >> 1 : digits;
}

/** Write `len` as a prefix; the caller has checked it against the capacity. Returns the new offset. */
export function writeLengthPrefix(
  buf: Buffer,
  off: number,
  len: number,
  digits: number,
  enc: EncCode,
): number {
  let v = len;
  if (enc === Enc.bcd) {
    const bytes = (digits + 1) >> 1;
    for (let i = bytes - 1; i >= 0; i--) {
      const lo = v % 10;
      v = (v - lo) / 10;
      const hi = v % 10;
      v = (v - hi) / 10;
      buf[off + i] = (hi << 4) | lo;
    }
    return off + bytes;
  }
  for (let i = digits - 1; i >= 0; i--) {
    if (enc === Enc.binary) {
      buf[off + i] = v & 0xff;
      v = Math.floor(v / 256);
    } else {
      const d = v % 10;
      v = (v - d) / 10;
      buf[off + i] = enc === Enc.ebcdic ? ASCII_TO_EBCDIC[0x30 + d] : 0x30 + d;
    }
  }
  return off + digits;
}

/**
 * Read a prefix of `digits` digits at `off` (the caller has checked that its bytes are there).
 * Bad digits give ISO_BAD_BCD (BCD) or ISO_BAD_LENGTH (ASCII/EBCDIC).
 */
export function readLengthPrefix(
  buf: Uint8Array,
  off: number,
  digits: number,
  enc: EncCode,
  field: number,
): number {
  let v = 0;
  if (enc === Enc.bcd) {
    const bytes = (digits + 1) >> 1;
    for (let i = 0; i < bytes; i++) {
      const b = buf[off + i];
      const hi = b >> 4;
      const lo = b & 15;
      // An odd digit count leaves a leading pad nibble that must be 0 (LLL = 0nnn).
      if (hi > 9 || lo > 9 || (i === 0 && hi !== 0 && (digits & 1) !== 0)) {
        throw new PosError('ISO_BAD_BCD', `field ${field}: length prefix is not BCD`, {
          field,
          offset: off + i,
        });
      }
      v = v * 100 + hi * 10 + lo;
    }
    return v;
  }
  if (enc === Enc.binary) {
    for (let i = 0; i < digits; i++) v = v * 256 + buf[off + i];
    return v;
  }
  for (let i = 0; i < digits; i++) {
    const c = enc === Enc.ebcdic ? EBCDIC_TO_ASCII[buf[off + i]] : buf[off + i];
    if (c < 0x30 || c > 0x39) {
      throw new PosError('ISO_BAD_LENGTH', `field ${field}: length prefix is not digits`, {
        field,
        offset: off + i,
      });
    }
    v = v * 10 + c - 0x30;
  }
  return v;
}
