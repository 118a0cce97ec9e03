/**
 * unpack(): bytes (from the MTI on) -> IsoMessage. Every failure is a PosError naming the field
 * and the byte offset in the message; nothing else escapes.
 */
import { type CodeSuffix, PosError } from '../errors.js';
import { checkTlv, checkTlvHex } from './checkTlv.js';
import { type Dialect, type FieldDef, wireLength } from './compileDialect.js';
import {
  CC_DIGIT,
  EBCDIC_TO_ASCII,
  Enc,
  hexAsciiToBytes,
  readAscii,
  readBcd,
  readBinaryHex,
  readEbcdic,
  readHexAscii,
} from './encoding.js';
import type { IsoMessage } from './message.js';
import { readLengthPrefix } from './prefix.js';

const bitmap = new Uint8Array(24);
/** Read position, shared by the helpers below (unpack is synchronous and not re-entrant). */
let pos = 0;

function fail(code: CodeSuffix<'ISO'>, message: string, field: number, offset: number): never {
  throw new PosError(`ISO_${code}`, message, { field, offset });
}

function readMti(d: Dialect, buf: Buffer): string {
  const n = d.mtiEnc === Enc.bcd ? 2 : 4;
  if (buf.length < n) fail('TRUNCATED', `message of ${buf.length} bytes has no MTI`, 0, 0);
  let mti = '';
  if (d.mtiEnc === Enc.bcd) {
    for (let i = 0; i < 2; i++) {
      const hi = buf[i] >> 4;
      const lo = buf[i] & 15;
      if (hi > 9 || lo > 9) fail('BAD_MTI', 'MTI is not 4 BCD digits', 0, i);
      mti += String.fromCharCode(0x30 + hi, 0x30 + lo);
    }
  } else {
    for (let i = 0; i < 4; i++) {
      const c = d.mtiEnc === Enc.ebcdic ? EBCDIC_TO_ASCII[buf[i]] : buf[i];
      if (c < 0x30 || c > 0x39) fail('BAD_MTI', 'MTI is not 4 digits', 0, i);
      mti += String.fromCharCode(c);
    }
  }
  pos = n;
  return mti;
}

/** Read bitmap number `m` (0-based) into `bitmap`; reported as field 1 (or 65 for the tertiary). */
function readBitmap(d: Dialect, buf: Buffer, m: number): void {
  const size = d.bitmapHex ? 16 : 8;
  const field = m === 2 ? 65 : 1;
  if (pos + size > buf.length) fail('TRUNCATED', `bitmap ${m + 1} needs ${size} bytes`, field, pos);
  if (d.bitmapHex) hexAsciiToBytes(buf, pos, 16, bitmap, m * 8, field);
  else for (let i = 0; i < 8; i++) bitmap[m * 8 + i] = buf[pos + i];
  // A bit for a field the dialect does not define: name it, at its bitmap byte.
  for (let i = m * 8; i < m * 8 + 8; i++) {
    const extra = bitmap[i] & ~d.definedBits[i];
    if (extra !== 0) {
      const n = i * 8 + Math.clz32(extra) - 24 + 1;
      const at = pos + (d.bitmapHex ? (i - m * 8) * 2 : i - m * 8);
      fail('UNDEFINED_FIELD', `bitmap sets field ${n}, which dialect ${d.name} does not define`, n, at);
    }
  }
  pos += size;
}

function readField(buf: Buffer, def: FieldDef): string {
  const f = def.num;
  const len = buf.length;
  let units: number;
  let wire: number;
  if (def.prefixDigits > 0) {
    if (pos + def.prefixBytes > len) fail('TRUNCATED', `field ${f}: length prefix past the end`, f, pos);
    const l = readLengthPrefix(buf, pos, def.prefixDigits, def.prefixEnc, f);
    const max = def.maxPrefixValue;
    if (l > max) fail('LENGTH_OVER_MAX', `field ${f}: length ${l} over the maximum ${max}`, f, pos);
    pos += def.prefixBytes;
    if (def.countsBytes) {
      wire = l;
      if (def.enc === Enc.hex && (l & 1) !== 0) fail('BAD_LENGTH', `field ${f}: odd hex length`, f, pos);
      units = def.enc === Enc.bcd ? l * 2 : def.enc === Enc.hex ? l >> 1 : l;
    } else {
      units = l;
      wire = wireLength(def.enc, l);
    }
    if (units < def.minLen) fail('BAD_LENGTH', `field ${f}: length ${units} under ${def.minLen}`, f, pos);
    if (pos + wire > len) fail('LENGTH_PAST_END', `field ${f}: ${wire} bytes, ${len - pos} left`, f, pos);
  } else {
    units = def.len;
    wire = wireLength(def.enc, units);
    if (pos + wire > len) fail('TRUNCATED', `field ${f}: ${wire} bytes, ${len - pos} left`, f, pos);
  }
  let v: string;
  switch (def.enc) {
    case Enc.bcd:
      v = readBcd(buf, pos, units, def.padLeft, def.track, f);
      break;
    case Enc.binary:
      v = readBinaryHex(buf, pos, wire);
      if (def.tlv) checkTlv(buf, pos, pos + wire, f);
      break;
    case Enc.hex:
      v = readHexAscii(buf, pos, wire, f);
      if (def.tlv) checkTlvHex(v, pos, f);
      break;
    default: {
      const read = def.enc === Enc.ascii ? readAscii : readEbcdic;
      if (def.type === 'xn') {
        const sign = read(buf, pos, 1, 0xff, f);
        if (sign !== 'C' && sign !== 'D') fail('BAD_VALUE', `field ${f}: sign must be C or D`, f, pos);
        v = sign + read(buf, pos + 1, wire - 1, CC_DIGIT, f);
      } else v = read(buf, pos, wire, def.charMask, f);
    }
  }
  pos += wire;
  return v;
}

function unpackFrom(d: Dialect, buf: Buffer): IsoMessage {
  pos = 0;
  const mti = readMti(d, buf);
  // Each bitmap read overwrites its 8 bytes; only the bitmaps read are used (no fill needed).
  readBitmap(d, buf, 0);
  let maps = 1;
  if (bitmap[0] & 0x80) {
    readBitmap(d, buf, 1);
    maps = 2;
    if (d.maxBitmaps === 3 && bitmap[8] & 0x80) {
      readBitmap(d, buf, 2);
      maps = 3;
    }
  }
  const fields: Record<number, string> = {};
  // Create the highest field first: V8 then sizes the object's element store once.
  for (let i = maps * 8 - 1; i >= 0; i--) {
    if (bitmap[i] !== 0) {
      const n = i * 8 + Math.clz32(bitmap[i] & -bitmap[i]) - 24 + 1;
      if (n !== 1 && !(n === 65 && d.maxBitmaps === 3)) fields[n] = '';
      break;
    }
  }
  const table = d.fields;
  let last = 1;
  for (let i = 0; i < maps * 8; i++) {
    const b = bitmap[i];
    if (b === 0) continue;
    for (let j = 0; j < 8; j++) {
      if ((b & (0x80 >> j)) === 0) continue;
      const n = i * 8 + j + 1;
      if (n === 1 || (n === 65 && d.maxBitmaps === 3)) continue;
      fields[n] = readField(buf, table[n] as FieldDef);
      last = n;
    }
  }
  if (pos !== buf.length) fail('TRAILING_BYTES', `${buf.length - pos} bytes after the last field`, last, pos);
  return { mti, fields };
}

/** Unpack one message (from the MTI on). Bad bytes throw a coded ISO_* PosError. */
export function unpack(dialect: Dialect, bytes: Uint8Array): IsoMessage {
  try {
    if (!(bytes instanceof Uint8Array)) throw new PosError('ISO_BAD_VALUE', 'unpack takes bytes');
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return unpackFrom(dialect, buf);
  } catch (e) {
    if (e instanceof PosError) throw e;
    throw new PosError('ISO_INTERNAL', 'unpack failed unexpectedly', { offset: pos }, { cause: e });
  }
}
