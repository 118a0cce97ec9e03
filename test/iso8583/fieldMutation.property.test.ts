/**
 * Codec properties past the MTI and bitmap: valid messages of a dialect are packed, then one field
 * is mutated in place (its length prefix rewritten, a byte of it changed, a byte inserted or
 * removed). unpack must give a value or an ISO_ PosError naming the field and the byte offset;
 * every field before the mutated one decodes as it was, and the error is never before it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import {
  compileDialect,
  type Dialect,
  type FieldDef,
  getDialect,
  type IsoMessage,
  pack,
  unpack,
} from '../../src/iso8583/index.js';
import { writeLengthPrefix } from '../../src/iso8583/prefix.js';
import { messageArb } from '../helpers/isoArbitraries.js';

fc.configureGlobal({ seed: 20261130 });

/** Byte-counting LL / LLL prefixes in each prefix encoding (the shipped dialects count units). */
const BYTE_COUNTING = compileDialect({
  name: 'byte-counting',
  mti: 'ascii',
  bitmap: 'binary',
  maxBitmaps: 1,
  encoding: { n: 'bcd', z: 'bcd', an: 'ascii', ans: 'ascii', b: 'binary' },
  prefixEncoding: 'bcd',
  fields: {
    2: { name: 'PAN', type: 'n', max: 19, prefix: 'LL', counts: 'bytes' },
    3: { name: 'code', type: 'n', len: 6 },
    32: { name: 'acquirer', type: 'n', max: 11, prefix: 'LL', counts: 'bytes', prefixEncoding: 'ascii' },
    35: { name: 'track 2', type: 'z', max: 37, prefix: 'LL', counts: 'bytes', prefixEncoding: 'binary' },
    44: { name: 'text', type: 'ans', max: 25, prefix: 'LL', counts: 'bytes', prefixEncoding: 'ebcdic' },
    48: { name: 'numbers', type: 'n', max: 322, prefix: 'LLL', counts: 'bytes' },
    55: { name: 'icc', type: 'b', max: 255, prefix: 'LLL', counts: 'bytes', tlv: true },
    60: { name: 'reserved', type: 'n', max: 17, prefix: 'LLL', counts: 'bytes', prefixEncoding: 'ascii' },
    63: { name: 'private', type: 'ans', max: 163, prefix: 'LLL', counts: 'bytes' },
  },
});

interface Mutation {
  kind: 'prefix' | 'byte' | 'insert' | 'delete';
  field: number;
  /** first byte of the mutated field in the packed message */
  start: number;
  bytes: Buffer;
}

/** Start offset of each field of a message (fields up to 64: the bitmap size does not change). */
function fieldStarts(d: Dialect, msg: IsoMessage): Map<number, number> {
  const nums = Object.keys(msg.fields)
    .map(Number)
    .sort((a, b) => a - b);
  const out = new Map<number, number>();
  const before: Record<number, string> = {};
  for (const n of nums) {
    out.set(n, pack(d, { mti: msg.mti, fields: before }).length);
    before[n] = msg.fields[n];
  }
  return out;
}

function mutated(d: Dialect, msg: IsoMessage): fc.Arbitrary<Mutation> {
  const base = pack(d, msg);
  const starts = fieldStarts(d, msg);
  const nums = [...starts.keys()];
  return fc
    .tuple(fc.constantFrom(...nums), fc.nat(), fc.nat(255), fc.nat(999))
    .chain(([field, at, value, len]) => {
      const def = d.fields[field] as FieldDef;
      const start = starts.get(field)!;
      const end =
        nums.includes(field) && field !== nums[nums.length - 1]
          ? starts.get(nums[nums.indexOf(field) + 1])!
          : base.length;
      const kinds: Mutation['kind'][] =
        def.prefixBytes > 0 ? ['prefix', 'prefix', 'byte', 'insert', 'delete'] : ['byte', 'insert', 'delete'];
      return fc.constantFrom(...kinds).map((kind): Mutation => {
        const b = Buffer.from(base);
        const i = start + (at % (end - start));
        if (kind === 'prefix') return { kind, field, start, bytes: rewritePrefix(b, start, def, len) };
        if (kind === 'byte') {
          b[i] = b[i] === value ? value ^ 0xff : value;
          return { kind, field, start, bytes: b };
        }
        if (kind === 'insert')
          return {
            kind,
            field,
            start,
            bytes: Buffer.concat([b.subarray(0, i), Buffer.from([value]), b.subarray(i)]),
          };
        return { kind, field, start, bytes: Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]) };
      });
    });
}

/** The field's length prefix rewritten with another length, in the prefix's own encoding. */
function rewritePrefix(b: Buffer, start: number, def: FieldDef, len: number): Buffer {
  writeLengthPrefix(b, start, len % 10 ** def.prefixDigits, def.prefixDigits, def.prefixEnc);
  return b;
}

const stats = { decoded: 0, errors: 0, prefixMutations: 0, errorsPastFirstField: 0 };

function check(d: Dialect, original: IsoMessage, m: Mutation): void {
  let msg: IsoMessage;
  try {
    msg = unpack(d, m.bytes);
  } catch (e) {
    expect(isPosError(e) && e.code.startsWith('ISO_'), String(e)).toBe(true);
    if (!isPosError(e)) return;
    const { field, offset } = e.context as { field?: number; offset?: number };
    expect(typeof offset, `${e.code} names the offset`).toBe('number');
    expect(offset!).toBeGreaterThanOrEqual(m.start);
    expect(offset!).toBeLessThanOrEqual(m.bytes.length);
    if (e.code !== 'ISO_TRAILING_BYTES') {
      expect(typeof field, `${e.code} names the field`).toBe('number');
      expect(field!).toBeGreaterThanOrEqual(m.field);
    }
    stats.errors++;
    if ((field ?? 0) > Math.min(...Object.keys(original.fields).map(Number))) stats.errorsPastFirstField++;
    return;
  }
  stats.decoded++;
  for (const [k, v] of Object.entries(original.fields)) {
    if (Number(k) < m.field) expect(msg.fields[Number(k)], `field ${k} before the mutation`).toBe(v);
  }
  expect(unpack(d, pack(d, msg))).toEqual(msg);
}

describe.each([
  ['cup-pos', getDialect('cup-pos')],
  ['iso87-ascii', getDialect('iso87-ascii')],
  ['byte-counting LL/LLL', BYTE_COUNTING],
])('%s: one field of a valid message mutated', (_name, d) => {
  it('gives a value or a coded error naming the field and offset, never before the field', () => {
    Object.assign(stats, { decoded: 0, errors: 0, prefixMutations: 0, errorsPastFirstField: 0 });
    fc.assert(
      fc.property(
        messageArb(d, 8, 64)
          .filter((m) => Object.keys(m.fields).length >= 2)
          .chain((m) => fc.tuple(fc.constant(m), mutated(d, m))),
        ([m, mut]) => {
          if (mut.kind === 'prefix') stats.prefixMutations++;
          check(d, m, mut);
        },
      ),
      { numRuns: 1000 },
    );
    if (process.env.CODEC_STATS) console.log(_name, JSON.stringify(stats));
    // the inputs get past the header: some decode, many fail deep inside the message
    expect(stats.decoded).toBeGreaterThan(20);
    expect(stats.errorsPastFirstField).toBeGreaterThan(500);
    expect(stats.prefixMutations).toBeGreaterThan(100);
  });
});
