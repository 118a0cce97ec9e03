/** fast-check generators of valid values and messages for a compiled dialect (shared by the codec properties). */
import fc from 'fast-check';
import { type Dialect, encodeTlv, type FieldDef, type IsoMessage } from '../../src/iso8583/index.js';

export const DIGITS = '0123456789';
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const SPECIAL = PRINTABLE.replace(/[A-Za-z0-9 ]/g, '');

function charsOf(type: string): string {
  switch (type) {
    case 'n':
      return DIGITS;
    case 'a':
      return `${ALPHA} `;
    case 'an':
      return `${ALPHA}${DIGITS} `;
    case 'ns':
      return `${DIGITS}${SPECIAL} `;
    default:
      return PRINTABLE;
  }
}

export function str(chars: string, len: number): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 0, max: chars.length - 1 }), { minLength: len, maxLength: len })
    .map((a) => a.map((i) => chars[i]).join(''));
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/** A TLV list of at most `max` bytes. */
function tlvArb(max: number): fc.Arbitrary<string> {
  const tags = ['9F26', '9F27', '9F36', '95', '9A', '9C', '9F02', '5F2A', '82', '9F1A', '9F37', '9F10', '5A'];
  const one = fc.record({
    tag: fc.constantFrom(...tags),
    value: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  });
  return fc
    .array(one, { maxLength: 8 })
    .map((list) => encodeTlv(list))
    .filter((b) => b.length <= max)
    .map((b) => b.toString('hex').toUpperCase());
}

/** Lengths a field value may have (subfields: required ones plus any leading run of optional ones). */
function lengths(def: FieldDef): number[] {
  if (def.subfields) {
    const out: number[] = [];
    let total = 0;
    for (const s of def.subfields) {
      if (s.optional) out.push(total);
      total += s.len;
    }
    out.push(total);
    return out.filter((n) => n <= def.len);
  }
  return [];
}

/** Random valid value for a compiled field. */
export function valueArb(def: FieldDef): fc.Arbitrary<string> {
  const fixed = def.prefixDigits === 0;
  const sub = lengths(def);
  let lenArb: fc.Arbitrary<number> =
    sub.length > 0
      ? fc.constantFrom(...sub)
      : fixed
        ? fc.constant(def.len)
        : fc.integer({ min: def.minLen, max: Math.min(def.len, 300) });
  // A BCD field whose prefix counts bytes can only carry an even number of digits.
  if (def.countsBytes && (def.type === 'n' || def.type === 'z')) lenArb = lenArb.map((n) => n & ~1);
  if (def.type === 'b') {
    if (def.tlv) return tlvArb(def.len).filter((h) => h.length / 2 >= def.minLen);
    return lenArb.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map(hexOf));
  }
  if (def.type === 'xn')
    return lenArb
      .chain((n) => fc.tuple(fc.constantFrom('C', 'D'), str(DIGITS, n - 1)))
      .map(([s, d]) => s + d);
  if (def.type === 'z') {
    return lenArb.chain((n) =>
      fc
        .tuple(str(DIGITS, n), fc.integer({ min: 0, max: Math.max(0, n - 1) }), fc.boolean())
        .map(([d, at, sep]) => (sep && n > 1 ? `${d.slice(0, at)}D${d.slice(at + 1)}` : d)),
    );
  }
  return lenArb.chain((n) => str(charsOf(def.type), n));
}

/** Random valid message of a dialect. */
export function messageArb(d: Dialect, maxFields = 12, maxField = 192): fc.Arbitrary<IsoMessage> {
  const defs = d.fields.filter((f): f is FieldDef => f !== undefined && f.num <= maxField);
  return fc
    .tuple(
      str(DIGITS, 4),
      fc
        .subarray(defs, { minLength: 0, maxLength: maxFields })
        .chain((chosen) => fc.tuple(...chosen.map((f) => valueArb(f).map((v) => [f.num, v] as const)))),
    )
    .map(([mti, pairs]) => {
      const fields: Record<number, string> = {};
      for (const [n, v] of pairs) fields[n] = v;
      return { mti, fields };
    });
}
