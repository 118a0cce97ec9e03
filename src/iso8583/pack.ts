/**
 * pack(): IsoMessage -> bytes. MTI, bitmap(s) built from the fields present, then the fields in
 * order, written into the dialect's preallocated scratch buffer and copied out once.
 */
import { PosError } from '../errors.js';
import { checkTlv, checkTlvHex } from './checkTlv.js';
import { type Dialect, type FieldDef, wireLength } from './compileDialect.js';
import {
  ASCII_TO_EBCDIC,
  CC_DIGIT,
  CC_HEX,
  Enc,
  firstBadChar,
  HEX_PAIR,
  writeAscii,
  writeBcd,
  writeBinaryHex,
  writeEbcdic,
  writeHexAscii,
} from './encoding.js';
import type { IsoMessage } from './message.js';
import { writeLengthPrefix } from './prefix.js';

const bitmap = new Uint8Array(24);

function badValue(field: number, offset: number, why: string): PosError {
  return new PosError('ISO_BAD_VALUE', `field ${field}: ${why}`, { field, offset });
}

/** Field number of a key of `fields`, or -1 when it is not a canonical decimal integer. */
function fieldNumber(key: string): number {
  const n = key.length;
  if (n === 0 || n > 3 || (key.charCodeAt(0) === 0x30 && n > 1)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = key.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Validate `value` for `def` and return its length in value units. */
function valueUnits(def: FieldDef, value: string, off: number): number {
  const f = def.num;
  let units = value.length;
  if (def.type === 'b') {
    if ((units & 1) !== 0 || firstBadChar(value, CC_HEX) >= 0) throw badValue(f, off, 'expected hex bytes');
    units >>= 1;
  } else if (def.type === 'xn') {
    const c = value.charCodeAt(0);
    if ((c !== 0x43 && c !== 0x44) || firstBadChar(value.slice(1), CC_DIGIT) >= 0) {
      throw badValue(f, off, "expected 'C' or 'D' and digits");
    }
  } else if (firstBadChar(value, def.charMask) >= 0) {
    throw badValue(f, off, `character not allowed in ${def.type}`);
  }
  if (def.prefixDigits === 0) {
    if (units !== def.len) throw badValue(f, off, `length ${units}, expected ${def.len}`);
  } else if (units > def.len || units < def.minLen) {
    throw badValue(f, off, `length ${units}, expected ${def.minLen}-${def.len}`);
  }
  if (def.countsBytes && def.enc === Enc.bcd && (units & 1) !== 0) {
    throw badValue(f, off, 'odd digit count in a field whose prefix counts bytes');
  }
  return units;
}

function writeField(buf: Buffer, off: number, def: FieldDef, value: string): number {
  const units = valueUnits(def, value, off);
  let o = off;
  if (def.prefixDigits > 0) {
    o = writeLengthPrefix(
      buf,
      o,
      def.countsBytes ? wireLength(def.enc, units) : units,
      def.prefixDigits,
      def.prefixEnc,
    );
  }
  const start = o;
  switch (def.enc) {
    case Enc.ascii:
      o = writeAscii(buf, o, value);
      break;
    case Enc.ebcdic:
      o = writeEbcdic(buf, o, value);
      break;
    case Enc.bcd:
      o = writeBcd(buf, o, value, def.padLeft);
      break;
    case Enc.binary:
      o = writeBinaryHex(buf, o, value);
      break;
    default:
      o = writeHexAscii(buf, o, value);
  }
  if (def.tlv) {
    if (def.enc === Enc.binary) checkTlv(buf, start, o, def.num);
    else checkTlvHex(value, start, def.num);
  }
  return o;
}

function writeMti(d: Dialect, buf: Buffer, mti: unknown): number {
  if (typeof mti !== 'string' || mti.length !== 4 || firstBadChar(mti, CC_DIGIT) >= 0) {
    throw new PosError('ISO_BAD_MTI', 'MTI must be 4 digits', { field: 0, offset: 0 });
  }
  if (d.mtiEnc === Enc.bcd) return writeBcd(buf, 0, mti, true);
  if (d.mtiEnc === Enc.ebcdic) {
    for (let i = 0; i < 4; i++) buf[i] = ASCII_TO_EBCDIC[mti.charCodeAt(i)];
    return 4;
  }
  return writeAscii(buf, 0, mti);
}

/** Slow path: find the key that is not a field of the dialect. */
function checkKeys(d: Dialect, fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    if (fields[key] === undefined) continue;
    const n = fieldNumber(key);
    if (n < 0) throw new PosError('ISO_BAD_VALUE', 'field keys must be field numbers', { key });
    if (d.fields[n] === undefined) {
      throw new PosError('ISO_UNDEFINED_FIELD', `field ${n} is not defined by dialect ${d.name}`, {
        field: n,
      });
    }
  }
}

function packInto(d: Dialect, msg: IsoMessage): Buffer {
  if (typeof msg !== 'object' || msg === null)
    throw new PosError('ISO_BAD_VALUE', 'message must be an object');
  const buf = d.scratch;
  let o = writeMti(d, buf, msg.mti);
  const fields = msg.fields as Record<string, unknown>;
  if (typeof fields !== 'object' || fields === null) {
    throw new PosError('ISO_BAD_VALUE', 'message fields must be an object');
  }
  bitmap.fill(0);
  const table = d.fields;
  const nums = d.fieldNums;
  let high = 0;
  let count = 0;
  // Indexed loads over the defined fields are far cheaper than for-in over integer keys; any other
  // key shows up as a count mismatch and is named by checkKeys().
  for (let i = 0; i < nums.length; i++) {
    const n = nums[i];
    const v = fields[n];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw badValue(n, o, 'value must be a string');
    bitmap[(n - 1) >> 3] |= 0x80 >> ((n - 1) & 7);
    high = n;
    count++;
  }
  if (Object.keys(fields).length !== count) checkKeys(d, fields);
  const maps = high > 128 ? 3 : high > 64 ? 2 : 1;
  if (maps >= 2) bitmap[0] |= 0x80;
  if (maps === 3) bitmap[8] |= 0x80;
  for (let m = 0; m < maps; m++) {
    for (let i = m * 8; i < m * 8 + 8; i++) {
      if (d.bitmapHex) {
        const h = HEX_PAIR[bitmap[i]];
        buf[o++] = h.charCodeAt(0);
        buf[o++] = h.charCodeAt(1);
      } else buf[o++] = bitmap[i];
    }
  }
  for (let i = 0; i < maps * 8; i++) {
    const b = bitmap[i];
    if (b === 0) continue;
    for (let j = 0; j < 8; j++) {
      if ((b & (0x80 >> j)) === 0) continue;
      const n = i * 8 + j + 1;
      if (n === 1 || (n === 65 && maps === 3)) continue;
      o = writeField(buf, o, table[n] as FieldDef, fields[n] as string);
    }
  }
  const out = Buffer.allocUnsafe(o);
  buf.copy(out, 0, 0, o);
  return out;
}

/** Pack a message. Bad values throw ISO_BAD_VALUE / ISO_BAD_MTI / ISO_UNDEFINED_FIELD / ISO_TLV_*. */
export function pack(dialect: Dialect, msg: IsoMessage): Buffer {
  try {
    return packInto(dialect, msg);
  } catch (e) {
    if (e instanceof PosError) throw e;
    throw new PosError('ISO_INTERNAL', 'pack failed unexpectedly', {}, { cause: e });
  }
}
