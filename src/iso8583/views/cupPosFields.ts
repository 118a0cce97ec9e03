/**
 * Field codecs and helpers shared by the cup-pos views: typed value <-> IsoMessage field string.
 * Errors name the field, never its value (it may be card data).
 */
import { PosError } from '../../errors.js';
import type { IsoMessage } from '../message.js';
import { MAC_PLACEHOLDER } from './cupPosConstants.js';

export type Fields = Record<number, string>;

export interface BuildOptions {
  /** Put the field 64 placeholder (financial messages default to true, others have no MAC). */
  withMac?: boolean;
}

export function badValue(field: number | string, why: string): never {
  throw new PosError('ISO_BAD_FIELD_VALUE', `field ${field}: ${why}`, { field });
}

/** A codec maps a typed value to the field string and back, validating both ways. */
export interface Codec<T> {
  enc(v: T, field: number | string): string;
  dec(s: string, field: number | string): T;
}

function check(re: RegExp, what: string): Codec<string> {
  const test = (s: unknown, field: number | string): string => {
    if (typeof s !== 'string' || !re.test(s)) badValue(field, `expected ${what}`);
    return s as string;
  };
  return { enc: test, dec: test };
}

export const nFixed = (len: number): Codec<string> => check(new RegExp(`^\\d{${len}}$`), `${len} digits`);
export const nVar = (max: number): Codec<string> =>
  check(new RegExp(`^\\d{1,${max}}$`), `1 to ${max} digits`);
export const ansFixed = (len: number): Codec<string> =>
  check(new RegExp(`^[\\x20-\\x7e]{${len}}$`), `${len} printable ASCII characters`);
export const ansVar = (max: number): Codec<string> =>
  check(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`), `at most ${max} printable ASCII characters`);
export const hexVar = (maxBytes: number): Codec<string> => {
  const base = check(new RegExp(`^(?:[0-9A-Fa-f]{2}){0,${maxBytes}}$`), `hex of at most ${maxBytes} bytes`);
  return { enc: (v, f) => base.enc(v, f).toUpperCase(), dec: (s, f) => base.dec(s, f).toUpperCase() };
};

/** Track data: digits with the separator written as 'D' (an input '=' becomes 'D'). */
export const track = (max: number): Codec<string> => {
  const base = check(new RegExp(`^[0-9D]{1,${max}}$`), `track data of at most ${max} characters`);
  return {
    enc: (v, f) => base.enc(typeof v === 'string' ? v.replace(/=/g, 'D') : v, f),
    dec: (s, f) => base.dec(s.replace(/=/g, 'D'), f),
  };
};

/** Amount in minor units <-> n12. */
export const amount: Codec<number> = {
  enc(v, field) {
    if (!Number.isSafeInteger(v) || v < 0 || v > 999_999_999_999) badValue(field, 'amount out of range');
    return String(v).padStart(12, '0');
  },
  dec(s, field) {
    if (!/^\d{12}$/.test(s)) badValue(field, 'expected 12 digits');
    return Number(s);
  },
};

/** One field of a view: its number, the property of the typed object, and its codec. */
export interface FieldSpec {
  field: number;
  key: string;
  codec: Codec<never> | Codec<string> | Codec<number>;
  required?: boolean;
}

/** Field specs several views share: each cup-pos field defined once. */
export const SPEC = {
  stan: { field: 11, key: 'stan', codec: nFixed(6), required: true },
  localTime: { field: 12, key: 'localTime', codec: nFixed(6) },
  localDate: { field: 13, key: 'localDate', codec: nFixed(4) },
  settlementDate: { field: 15, key: 'settlementDate', codec: nFixed(4) },
  acquirerId: { field: 32, key: 'acquirerId', codec: nVar(11) },
  rrn: { field: 37, key: 'rrn', codec: ansFixed(12) },
  responseCode: { field: 39, key: 'responseCode', codec: ansFixed(2), required: true },
  terminalId: { field: 41, key: 'terminalId', codec: ansFixed(8), required: true },
  merchantId: { field: 42, key: 'merchantId', codec: ansFixed(15), required: true },
  /** Responses may leave 42 out. */
  merchantIdEchoed: { field: 42, key: 'merchantId', codec: ansFixed(15) },
  currency: { field: 49, key: 'currency', codec: ansFixed(3) },
} satisfies Record<string, FieldSpec>;

/** Write the fields of `spec` from `obj` (absent optional properties are skipped). */
export function putFields(fields: Fields, obj: object, spec: readonly FieldSpec[]): Fields {
  const o = obj as Record<string, unknown>;
  for (const s of spec) {
    const v = o[s.key];
    if (v === undefined || v === null) {
      if (s.required) badValue(s.field, `${s.key} is required`);
      continue;
    }
    fields[s.field] = (s.codec as Codec<unknown>).enc(v, s.field);
  }
  return fields;
}

/** Read the fields of `spec` from a message into a plain object. */
export function getFields(msg: IsoMessage, spec: readonly FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of spec) {
    const v = msg.fields[s.field];
    if (v === undefined) {
      if (s.required) {
        throw new PosError('ISO_MISSING_FIELD', `field ${s.field} (${s.key}) missing`, { field: s.field });
      }
      continue;
    }
    out[s.key] = (s.codec as Codec<unknown>).dec(v, s.field);
  }
  return out;
}

export function expectMti(msg: IsoMessage, ...mtis: string[]): void {
  if (!mtis.includes(msg.mti)) {
    throw new PosError('ISO_UNEXPECTED_MTI', `expected MTI ${mtis.join(' or ')}, got ${msg.mti}`, {
      mti: msg.mti,
    });
  }
}

/** Require a fixed field value (e.g. processing code); errors name the field. */
export function expectValue(msg: IsoMessage, field: number, ...values: string[]): void {
  const v = msg.fields[field];
  if (v === undefined) throw new PosError('ISO_MISSING_FIELD', `field ${field} missing`, { field });
  if (!values.includes(v)) badValue(field, `unexpected value for this message`);
}

export function withMacPlaceholder(
  fields: Fields,
  opts: BuildOptions | undefined,
  byDefault: boolean,
): Fields {
  if (opts?.withMac ?? byDefault) fields[64] = MAC_PLACEHOLDER;
  return fields;
}

// ---- Field 60 ---------------------------------------------------------------------------

/** Field 60 subfields: 60.1 type n2, 60.2 batch n6, 60.3 network management code n3, 60.4, 60.5. */
export interface Field60 {
  transactionType: string;
  batch: string;
  networkManagementCode: string;
  /** 60.4 read capability n1 ('5' contact, '6' contactless). */
  readCapability?: string;
  /** 60.5 IC condition n1 (only with 60.4). */
  icCondition?: string;
}

export function encodeField60(f: Field60): string {
  const one = (v: string, len: number, sub: string): string => {
    if (!new RegExp(`^\\d{${len}}$`).test(v)) badValue(sub, `expected ${len} digits`);
    return v;
  };
  let out =
    one(f.transactionType, 2, '60.1') + one(f.batch, 6, '60.2') + one(f.networkManagementCode, 3, '60.3');
  if (f.readCapability !== undefined) out += one(f.readCapability, 1, '60.4');
  if (f.icCondition !== undefined) {
    if (f.readCapability === undefined) badValue('60.5', '60.5 needs 60.4');
    out += one(f.icCondition, 1, '60.5');
  }
  return out;
}

export function parseField60(s: string | undefined): Field60 {
  if (s === undefined) throw new PosError('ISO_MISSING_FIELD', 'field 60 missing', { field: 60 });
  if (!/^\d{11,13}$/.test(s)) badValue(60, 'expected 11 to 13 digits');
  const f: Field60 = {
    transactionType: s.slice(0, 2),
    batch: s.slice(2, 8),
    networkManagementCode: s.slice(8, 11),
  };
  if (s.length > 11) f.readCapability = s[11];
  if (s.length > 12) f.icCondition = s[12];
  return f;
}

// ---- Field 61 ---------------------------------------------------------------------------

/** Field 61: original batch n6 + original STAN n6 (+ original date MMDD n4 for refunds). */
export interface OriginalMessage {
  batch: string;
  stan: string;
  date?: string;
}

export function encodeField61(o: OriginalMessage): string {
  const out = nFixed(6).enc(o.batch, '61.1') + nFixed(6).enc(o.stan, '61.2');
  return o.date === undefined ? out : out + nFixed(4).enc(o.date, '61.3');
}

export function parseField61(s: string | undefined): OriginalMessage {
  if (s === undefined) throw new PosError('ISO_MISSING_FIELD', 'field 61 missing', { field: 61 });
  if (!/^\d{12}(?:\d{4})?$/.test(s)) badValue(61, 'expected 12 or 16 digits');
  const o: OriginalMessage = { batch: s.slice(0, 6), stan: s.slice(6, 12) };
  if (s.length === 16) o.date = s.slice(12, 16);
  return o;
}

// ---- Field 22 ---------------------------------------------------------------------------

export function encodeField22(entryMode: string, pinCapability: string): string {
  return nFixed(2).enc(entryMode, '22.1') + nFixed(1).enc(pinCapability, '22.2');
}

export function parseField22(s: string | undefined): { entryMode: string; pinCapability: string } {
  if (s === undefined) throw new PosError('ISO_MISSING_FIELD', 'field 22 missing', { field: 22 });
  nFixed(3).dec(s, 22);
  return { entryMode: s.slice(0, 2), pinCapability: s[2] };
}

/** ASCII text <-> uppercase hex (binary fields such as 62 that carry text). */
export const asciiToHex = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
export const hexToAscii = (h: string): string => Buffer.from(h, 'hex').toString('latin1');
