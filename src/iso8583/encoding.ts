/**
 * Byte-level encodings of the codec, pure and allocation-light: ASCII, EBCDIC (CP037), packed
 * BCD, binary (value as hex) and hex (value as ASCII hex characters). Writers return the offset
 * after what they wrote; readers return the value string. All errors are coded PosErrors that
 * name the field and the byte offset, never the value.
 */
import { type CodeSuffix, PosError } from '../errors.js';

export type EncodingName = 'ascii' | 'ebcdic' | 'bcd' | 'binary' | 'hex';

/** Numeric codes used by the compiled field table (hot path switches on these). */
export const Enc = { ascii: 0, ebcdic: 1, bcd: 2, binary: 3, hex: 4 } as const;
export type EncCode = (typeof Enc)[keyof typeof Enc];

// Character classes, one bit each, for validation by table lookup.
export const CC_DIGIT = 1;
export const CC_ALPHA = 2;
export const CC_SPACE = 4;
export const CC_SPECIAL = 8; // printable, not alphanumeric, not space
export const CC_TRACKSEP = 16; // 'D' and '=' in track data
export const CC_HEX = 32;

/** Class bits for every byte value (0 = not allowed anywhere). */
export const CHAR_CLASS = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) CHAR_CLASS[c] = CC_SPECIAL;
CHAR_CLASS[0x20] = CC_SPACE;
for (let c = 0x30; c <= 0x39; c++) CHAR_CLASS[c] = CC_DIGIT | CC_HEX;
for (let c = 0x41; c <= 0x5a; c++) CHAR_CLASS[c] = CC_ALPHA;
for (let c = 0x61; c <= 0x7a; c++) CHAR_CLASS[c] = CC_ALPHA;
for (let c = 0x41; c <= 0x46; c++) CHAR_CLASS[c] |= CC_HEX;
for (let c = 0x61; c <= 0x66; c++) CHAR_CLASS[c] |= CC_HEX;
CHAR_CLASS[0x44] |= CC_TRACKSEP; // 'D'
CHAR_CLASS[0x3d] |= CC_TRACKSEP; // '='

// EBCDIC code page 037 for printable ASCII (0x20-0x7E); other characters are not representable.
const CP037 =
  '405A7F7B5B6C507D4D5D5C4E6B604B61F0F1F2F3F4F5F6F7F8F97A5E4C7E6E6F' +
  '7CC1C2C3C4C5C6C7C8C9D1D2D3D4D5D6D7D8D9E2E3E4E5E6E7E8E9BAE0BBB06D' +
  '79818283848586878889919293949596979899A2A3A4A5A6A7A8A9C04FD0A1';
/** ASCII -> EBCDIC (0 = not representable). */
export const ASCII_TO_EBCDIC = new Uint8Array(256);
/** EBCDIC -> ASCII (0 = not representable). */
export const EBCDIC_TO_ASCII = new Uint8Array(256);
for (let i = 0; i < 95; i++) {
  const e = Number.parseInt(CP037.slice(i * 2, i * 2 + 2), 16);
  ASCII_TO_EBCDIC[0x20 + i] = e;
  EBCDIC_TO_ASCII[e] = 0x20 + i;
}

/** Two-digit strings for BCD bytes whose nibbles are both 0-9 (undefined otherwise). */
const BCD_PAIR: (string | undefined)[] = new Array(256);
/** Uppercase two-hex-digit strings for every byte. */
export const HEX_PAIR: string[] = new Array(256);
for (let b = 0; b < 256; b++) {
  HEX_PAIR[b] = (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
  if (b >> 4 < 10 && (b & 15) < 10) BCD_PAIR[b] = HEX_PAIR[b];
}
/** Nibble value of an ASCII hex character, or 255. */
const HEX_VAL = new Uint8Array(256).fill(255);
for (let c = 0; c < 10; c++) HEX_VAL[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX_VAL[0x41 + c] = 10 + c;
  HEX_VAL[0x61 + c] = 10 + c;
}
const NIBBLE_CHAR = '0123456789ABCDEF';

/** Node's direct slicers (present on every Buffer, missing from @types/node); skip toString's dispatch. */
type FastBuffer = Buffer & {
  hexSlice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  hexWrite(hex: string, offset: number, length: number): number;
};

function err(code: CodeSuffix<'ISO'>, message: string, field: number, offset: number): PosError {
  return new PosError(`ISO_${code}`, message, { field, offset });
}

/** Check `value` against a class mask; returns the index of the first bad char or -1. */
export function firstBadChar(value: string, mask: number): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 255 || (CHAR_CLASS[c] & mask) === 0) return i;
  }
  return -1;
}

// ---------------------------------------------------------------- ASCII / EBCDIC (text)

/** Write text (already validated as printable ASCII) as ASCII bytes. */
export function writeAscii(buf: Buffer, off: number, value: string): number {
  for (let i = 0; i < value.length; i++) buf[off + i] = value.charCodeAt(i);
  return off + value.length;
}

/** Read `n` ASCII bytes whose classes all match `mask`. */
export function readAscii(buf: Buffer, off: number, n: number, mask: number, field: number): string {
  for (let i = off; i < off + n; i++) {
    if ((CHAR_CLASS[buf[i]] & mask) === 0)
      throw err('BAD_VALUE', `field ${field}: byte not allowed`, field, i);
  }
  return (buf as FastBuffer).latin1Slice(off, off + n);
}

export function writeEbcdic(buf: Buffer, off: number, value: string): number {
  for (let i = 0; i < value.length; i++) buf[off + i] = ASCII_TO_EBCDIC[value.charCodeAt(i)];
  return off + value.length;
}

export function readEbcdic(buf: Uint8Array, off: number, n: number, mask: number, field: number): string {
  let s = '';
  for (let i = off; i < off + n; i++) {
    const c = EBCDIC_TO_ASCII[buf[i]];
    if ((CHAR_CLASS[c] & mask) === 0) throw err('BAD_VALUE', `field ${field}: byte not allowed`, field, i);
    s += String.fromCharCode(c);
  }
  return s;
}

// ---------------------------------------------------------------- packed BCD

/**
 * Write digits (and, when `track` is set, 'D'/'=' as nibble D) as packed BCD. An odd count is
 * padded with a 0 nibble on the left (`padLeft`) or on the right. The value must be validated.
 */
export function writeBcd(buf: Buffer, off: number, value: string, padLeft: boolean): number {
  const n = value.length;
  let i = 0;
  let o = off;
  if (n & 1) {
    if (padLeft) {
      buf[o++] = nib(value.charCodeAt(0));
      i = 1;
    }
  }
  for (; i + 1 < n; i += 2) buf[o++] = (nib(value.charCodeAt(i)) << 4) | nib(value.charCodeAt(i + 1));
  if (i < n) buf[o++] = nib(value.charCodeAt(i)) << 4;
  return o;
}

function nib(c: number): number {
  return c === 0x44 || c === 0x3d ? 0x0d : c - 0x30;
}

/**
 * Read `digits` packed BCD digits starting at `off` (ceil(digits/2) bytes). Pad nibbles must be 0.
 * With `track`, nibble D is allowed and read as 'D'.
 */
export function readBcd(
  buf: Uint8Array,
  off: number,
  digits: number,
  padLeft: boolean,
  track: boolean,
  field: number,
): string {
  const bytes = (digits + 1) >> 1;
  const end = off + bytes;
  let i = off;
  let s = '';
  if (digits & 1 && padLeft) {
    const b = buf[i];
    if (b >> 4 !== 0) throw badBcd(field, i);
    s = digitChar(b & 15, track, field, i);
    i++;
  }
  const pairsEnd = digits & 1 && !padLeft ? end - 1 : end;
  for (; i < pairsEnd; i++) {
    const b = buf[i];
    const p = BCD_PAIR[b];
    if (p !== undefined) s += p;
    else s += digitChar(b >> 4, track, field, i) + digitChar(b & 15, track, field, i);
  }
  if (pairsEnd < end) {
    const b = buf[i];
    if ((b & 15) !== 0) throw badBcd(field, i);
    s += digitChar(b >> 4, track, field, i);
  }
  return s;
}

function digitChar(n: number, track: boolean, field: number, offset: number): string {
  if (n < 10) return NIBBLE_CHAR[n];
  if (track && n === 13) return 'D';
  throw badBcd(field, offset);
}

function badBcd(field: number, offset: number): PosError {
  return err('BAD_BCD', `field ${field}: nibble that is not a digit`, field, offset);
}

// ---------------------------------------------------------------- binary and hex

/** Write a hex string (validated, even length) as raw bytes. */
export function writeBinaryHex(buf: Buffer, off: number, hex: string): number {
  if (hex.length > 32) return off + (buf as FastBuffer).hexWrite(hex, off, hex.length >> 1);
  let o = off;
  for (let i = 0; i < hex.length; i += 2) {
    buf[o++] = (HEX_VAL[hex.charCodeAt(i)] << 4) | HEX_VAL[hex.charCodeAt(i + 1)];
  }
  return o;
}

/** Read `n` raw bytes as an uppercase hex string. */
export function readBinaryHex(buf: Buffer, off: number, n: number): string {
  if (n > 16) return (buf as FastBuffer).hexSlice(off, off + n).toUpperCase();
  let s = '';
  for (let i = off; i < off + n; i++) s += HEX_PAIR[buf[i]];
  return s;
}

/** Write a hex string as uppercase ASCII hex characters (the 'hex' encoding of b fields). */
export function writeHexAscii(buf: Buffer, off: number, hex: string): number {
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    buf[off + i] = c >= 0x61 ? c - 0x20 : c;
  }
  return off + hex.length;
}

/** Read `chars` ASCII hex characters (either case) as an uppercase hex string. */
export function readHexAscii(buf: Uint8Array, off: number, chars: number, field: number): string {
  let s = '';
  for (let i = off; i < off + chars; i++) {
    const v = HEX_VAL[buf[i]];
    if (v === 255) throw err('BAD_VALUE', `field ${field}: byte that is not a hex character`, field, i);
    s += NIBBLE_CHAR[v];
  }
  return s;
}

/** Parse `chars` ASCII hex characters into raw byte values in `out` (for hex bitmaps). */
export function hexAsciiToBytes(
  buf: Uint8Array,
  off: number,
  chars: number,
  out: Uint8Array,
  outOff: number,
  field: number,
): void {
  for (let i = 0; i < chars; i += 2) {
    const hi = HEX_VAL[buf[off + i]];
    const lo = HEX_VAL[buf[off + i + 1]];
    if (hi === 255 || lo === 255) {
      throw err('BAD_VALUE', `field ${field}: byte that is not a hex character`, field, off + i);
    }
    out[outOff + (i >> 1)] = (hi << 4) | lo;
  }
}

/** True when `value` is an even-length hex string. */
export function isHex(value: string): boolean {
  return (value.length & 1) === 0 && firstBadChar(value, CC_HEX) < 0;
}
