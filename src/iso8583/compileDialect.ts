/**
 * Dialects are data (JSON, see docs/iso8583.md). `compileDialect` validates a spec and turns it
 * into the precompiled table pack/unpack run on: one FieldDef per field number, numeric codes,
 * and a preallocated scratch buffer large enough for the biggest message the dialect allows.
 */
import { PosError } from '../errors.js';
import {
  CC_ALPHA,
  CC_DIGIT,
  CC_HEX,
  CC_SPACE,
  CC_SPECIAL,
  CC_TRACKSEP,
  Enc,
  type EncCode,
  type EncodingName,
} from './encoding.js';
import { PREFIX_DIGITS, type PrefixKind, prefixCapacity, prefixWireLength } from './prefix.js';

export type FieldType = 'n' | 'a' | 'an' | 'ans' | 'ns' | 'xn' | 'z' | 'b';
export type MaskKind = 'pan' | 'track' | 'pin' | 'tlv';

/** One subfield of a composite numeric field (e.g. 60.2 batch number n6). */
export interface SubfieldSpec {
  id: string;
  name: string;
  len: number;
  optional?: boolean;
}

/** A field as written in the dialect JSON. */
export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Fixed length (digits for n/z, characters for text, bytes for b). */
  len?: number;
  /** Maximum length of a variable field (same units as len); needs `prefix`. */
  max?: number;
  prefix?: PrefixKind;
  encoding?: EncodingName;
  prefixEncoding?: 'ascii' | 'ebcdic' | 'bcd' | 'binary';
  /** What the prefix counts: value units (digits/chars/bytes, default) or bytes on the wire. */
  counts?: 'units' | 'bytes';
  /** BCD padding of an odd digit count; defaults from the dialect's bcdPad. */
  pad?: 'left' | 'right';
  mask?: MaskKind;
  /** Value must parse as BER-TLV (field 55). */
  tlv?: boolean;
  subfields?: SubfieldSpec[];
}

/** A whole dialect as written in JSON. */
export interface DialectSpec {
  name: string;
  description?: string;
  mti: 'ascii' | 'ebcdic' | 'bcd';
  bitmap: 'binary' | 'hex';
  /** 1: primary only; 2: bit 1 announces a secondary; 3: bit 65 also announces a tertiary. */
  maxBitmaps: 1 | 2 | 3;
  bcdPad?: { fixed?: 'left' | 'right'; variable?: 'left' | 'right' };
  /** Default encoding per field type. */
  encoding: Partial<Record<FieldType, EncodingName>>;
  prefixEncoding: 'ascii' | 'ebcdic' | 'bcd' | 'binary';
  fields: Record<string, FieldSpec>;
  /** Names of EMV tags, for describe(). */
  tlvTags?: Record<string, string>;
}

/** Compiled field: everything pack/unpack need, as plain numbers and booleans. */
export interface FieldDef {
  readonly num: number;
  readonly name: string;
  readonly type: FieldType;
  readonly enc: EncCode;
  /** Fixed length, or maximum for variable fields, in value units. */
  readonly len: number;
  /** 0 for fixed fields. */
  readonly prefixDigits: number;
  readonly prefixEnc: EncCode;
  readonly prefixBytes: number;
  readonly countsBytes: boolean;
  /** Largest value a length prefix may carry (in what the prefix counts). */
  readonly maxPrefixValue: number;
  /** Track data (`z`): BCD nibble D allowed. */
  readonly track: boolean;
  readonly padLeft: boolean;
  /** Allowed character classes (text, n, z encodings). */
  readonly charMask: number;
  readonly mask: MaskKind | undefined;
  readonly tlv: boolean;
  readonly subfields: readonly SubfieldSpec[] | undefined;
  /** Least number of units (sum of required subfields, else 0). */
  readonly minLen: number;
}

export interface Dialect {
  readonly name: string;
  readonly description: string;
  readonly mtiEnc: EncCode;
  readonly bitmapHex: boolean;
  readonly maxBitmaps: 1 | 2 | 3;
  /** Indexed by field number (1..64*maxBitmaps); undefined = not defined by the dialect. */
  readonly fields: readonly (FieldDef | undefined)[];
  /** Numbers of the defined fields, ascending. */
  readonly fieldNums: Uint16Array;
  /** Per bitmap byte: the bits of fields the dialect defines (bitmap bits 1 and 65 included). */
  readonly definedBits: Uint8Array;
  readonly tlvTags: Readonly<Record<string, string>>;
  readonly spec: DialectSpec;
  /** Internal: preallocated output buffer of pack(). */
  readonly scratch: Buffer;
}

const TYPE_MASK: Record<FieldType, number> = {
  n: CC_DIGIT,
  a: CC_ALPHA | CC_SPACE,
  an: CC_ALPHA | CC_DIGIT | CC_SPACE,
  ans: CC_ALPHA | CC_DIGIT | CC_SPACE | CC_SPECIAL,
  ns: CC_DIGIT | CC_SPECIAL | CC_SPACE,
  xn: CC_DIGIT,
  z: CC_DIGIT | CC_TRACKSEP,
  b: CC_HEX,
};

/** Encodings allowed per field type. */
const TYPE_ENCODINGS: Record<FieldType, readonly EncodingName[]> = {
  n: ['bcd', 'ascii', 'ebcdic'],
  z: ['bcd', 'ascii', 'ebcdic'],
  a: ['ascii', 'ebcdic'],
  an: ['ascii', 'ebcdic'],
  ans: ['ascii', 'ebcdic'],
  ns: ['ascii', 'ebcdic'],
  xn: ['ascii', 'ebcdic'],
  b: ['binary', 'hex'],
};

function bad(key: string, why: string): never {
  throw new PosError('ISO_BAD_SPEC', `dialect spec: ${key}: ${why}`, { key });
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], key: string): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) bad(key, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function posInt(v: unknown, key: string, max = 99999): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    bad(key, `must be an integer 1-${max}`);
  return v;
}

/** Wire bytes of `units` value units of a field. */
export function wireLength(enc: EncCode, units: number): number {
  if (enc === Enc.bcd) return (units + 1) >> 1;
  if (enc === Enc.hex) return units * 2;
  return units;
}

function compileField(num: number, f: FieldSpec, spec: DialectSpec): FieldDef {
  const key = `fields.${num}`;
  if (typeof f !== 'object' || f === null) bad(key, 'must be an object');
  if (typeof f.name !== 'string' || f.name === '') bad(`${key}.name`, 'must be a non-empty string');
  const type = oneOf(f.type, Object.keys(TYPE_MASK) as FieldType[], `${key}.type`);
  const encName = f.encoding ?? spec.encoding?.[type];
  const enc = Enc[oneOf(encName, TYPE_ENCODINGS[type], `${key}.encoding`)];
  const prefix = oneOf(f.prefix ?? 'fixed', Object.keys(PREFIX_DIGITS) as PrefixKind[], `${key}.prefix`);
  const prefixDigits = PREFIX_DIGITS[prefix];
  let len: number;
  if (prefixDigits === 0) {
    if (f.max !== undefined) bad(`${key}.max`, 'a fixed field takes len, not max');
    len = posInt(f.len, `${key}.len`);
  } else {
    if (f.len !== undefined) bad(`${key}.len`, 'a variable field takes max, not len');
    len = posInt(f.max, `${key}.max`);
  }
  const prefixEnc =
    Enc[
      oneOf(
        f.prefixEncoding ?? spec.prefixEncoding,
        ['ascii', 'ebcdic', 'bcd', 'binary'],
        `${key}.prefixEncoding`,
      )
    ];
  const countsBytes = oneOf(f.counts ?? 'units', ['units', 'bytes'], `${key}.counts`) === 'bytes';
  if (prefixDigits > 0) {
    const maxPrefixValue = countsBytes ? wireLength(enc, len) : len;
    if (maxPrefixValue > prefixCapacity(prefixDigits, prefixEnc))
      bad(`${key}.max`, `does not fit a ${prefix} prefix`);
  }
  if (countsBytes && prefixDigits === 0) bad(`${key}.counts`, 'only for variable fields');
  if (type === 'xn' && len < 2) bad(`${key}.len`, 'x+n needs the sign and at least one digit');
  const pads = spec.bcdPad ?? {};
  const padName = f.pad ?? (prefixDigits === 0 ? (pads.fixed ?? 'left') : (pads.variable ?? 'right'));
  const padLeft = oneOf(padName, ['left', 'right'], `${key}.pad`) === 'left';
  const mask =
    f.mask === undefined ? undefined : oneOf(f.mask, ['pan', 'track', 'pin', 'tlv'], `${key}.mask`);
  if (f.tlv !== undefined && typeof f.tlv !== 'boolean') bad(`${key}.tlv`, 'must be a boolean');
  if (f.tlv && type !== 'b') bad(`${key}.tlv`, 'only b fields hold TLV');
  let minLen = 0;
  let subfields: SubfieldSpec[] | undefined;
  if (f.subfields !== undefined) {
    if (type !== 'n' || !Array.isArray(f.subfields) || f.subfields.length === 0) {
      bad(`${key}.subfields`, 'must be a non-empty list on an n field');
    }
    let total = 0;
    let optionalSeen = false;
    subfields = f.subfields.map((s, i) => {
      const sk = `${key}.subfields.${i}`;
      if (typeof s !== 'object' || s === null || typeof s.id !== 'string' || typeof s.name !== 'string') {
        bad(sk, 'needs id and name');
      }
      const sl = posInt(s.len, `${sk}.len`);
      if (s.optional) optionalSeen = true;
      else if (optionalSeen) bad(sk, 'a required subfield cannot follow an optional one');
      else minLen += sl;
      total += sl;
      return { id: s.id, name: s.name, len: sl, ...(s.optional ? { optional: true } : {}) };
    });
    if (prefixDigits === 0 ? total !== len : minLen > len)
      bad(`${key}.subfields`, 'lengths do not fit the field');
    if (prefixDigits === 0) minLen = len;
  }
  return {
    num,
    name: f.name,
    type,
    enc,
    len,
    prefixDigits,
    prefixEnc,
    prefixBytes: prefixWireLength(prefixDigits, prefixEnc),
    countsBytes,
    maxPrefixValue: countsBytes ? wireLength(enc, len) : len,
    track: type === 'z',
    padLeft,
    charMask: TYPE_MASK[type],
    mask,
    tlv: f.tlv === true,
    subfields,
    minLen,
  };
}

/** Validate a dialect spec and compile it. A bad spec throws ISO_BAD_SPEC naming the key. */
export function compileDialect(spec: DialectSpec): Dialect {
  if (typeof spec !== 'object' || spec === null) bad('spec', 'must be an object');
  if (typeof spec.name !== 'string' || spec.name === '') bad('name', 'must be a non-empty string');
  const mtiEnc = Enc[oneOf(spec.mti, ['ascii', 'ebcdic', 'bcd'], 'mti')];
  const bitmapHex = oneOf(spec.bitmap, ['binary', 'hex'], 'bitmap') === 'hex';
  const maxBitmaps = spec.maxBitmaps;
  if (maxBitmaps !== 1 && maxBitmaps !== 2 && maxBitmaps !== 3) bad('maxBitmaps', 'must be 1, 2 or 3');
  if (typeof spec.encoding !== 'object' || spec.encoding === null) bad('encoding', 'must be an object');
  if (typeof spec.fields !== 'object' || spec.fields === null) bad('fields', 'must be an object');
  const maxField = 64 * maxBitmaps;
  const fields: (FieldDef | undefined)[] = new Array(maxField + 1).fill(undefined);
  const definedBits = new Uint8Array(8 * maxBitmaps);
  if (maxBitmaps >= 2) definedBits[0] |= 0x80;
  if (maxBitmaps === 3) definedBits[8] |= 0x80;
  let maxWire = 2 + 4 + 16 * maxBitmaps;
  for (const k of Object.keys(spec.fields)) {
    const num = Number(k);
    if (!Number.isInteger(num) || String(num) !== k || num < 2 || num > maxField) {
      bad(`fields.${k}`, `field numbers run 2-${maxField}`);
    }
    if (num === 65 && maxBitmaps === 3) bad('fields.65', 'bit 65 announces the tertiary bitmap');
    const def = compileField(num, spec.fields[k], spec);
    fields[num] = def;
    definedBits[(num - 1) >> 3] |= 0x80 >> ((num - 1) & 7);
    maxWire += def.prefixBytes + wireLength(def.enc, def.len);
  }
  const tlvTags = spec.tlvTags ?? {};
  if (typeof tlvTags !== 'object' || tlvTags === null) bad('tlvTags', 'must be an object');
  return {
    name: spec.name,
    description: spec.description ?? '',
    mtiEnc,
    bitmapHex,
    maxBitmaps,
    fields,
    fieldNums: Uint16Array.from(fields.flatMap((f) => (f ? [f.num] : []))),
    definedBits,
    tlvTags,
    spec,
    scratch: Buffer.alloc(maxWire),
  };
}
