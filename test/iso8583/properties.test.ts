import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import {
  compileDialect,
  type Dialect,
  type DialectSpec,
  getDialect,
  type IsoMessage,
  pack,
  unpack,
} from '../../src/iso8583/index.js';
import { CODEC_VECTORS } from '../helpers/codecVectors.js';
import { messageArb } from '../helpers/isoArbitraries.js';

const vectors = CODEC_VECTORS;

// Deterministic runs (change the seed locally to explore more).
fc.configureGlobal({ seed: 20261127 });

/** unpack must give a message or an ISO_ PosError; a message must be stable and, if canonical, re-pack exactly. */
function checkBytes(d: Dialect, bytes: Uint8Array): void {
  let msg: IsoMessage;
  try {
    msg = unpack(d, bytes);
  } catch (e) {
    if (!isPosError(e) || !e.code.startsWith('ISO_')) throw new Error(`not an ISO_ PosError: ${String(e)}`);
    expect(typeof e.message).toBe('string');
    return;
  }
  const again = pack(d, msg);
  expect(unpack(d, again)).toEqual(msg);
  if (isCanonical(d, bytes, msg)) expect(sameUpToHexCase(bytes, again)).toBe(true);
}

/**
 * Equal bytes, except that lowercase hex characters read (hex bitmaps, hex-encoded b fields) are
 * written back in uppercase: the one normalisation the codec performs.
 */
function sameUpToHexCase(input: Uint8Array, repacked: Buffer): boolean {
  if (input.length !== repacked.length) return false;
  for (let i = 0; i < input.length; i++) {
    const a = input[i];
    const b = repacked[i];
    if (a !== b && !(a >= 0x61 && a <= 0x66 && b === a - 0x20)) return false;
  }
  return true;
}

/** Canonical = what pack() itself would write; the one known exception: a secondary bitmap with no field over 64. */
function isCanonical(d: Dialect, bytes: Uint8Array, msg: IsoMessage): boolean {
  const mtiLen = d.spec.mti === 'bcd' ? 2 : 4;
  const first =
    d.spec.bitmap === 'hex' ? Number.parseInt(String.fromCharCode(bytes[mtiLen]), 16) << 4 : bytes[mtiLen];
  const hasSecondary = (first & 0x80) !== 0;
  const needsSecondary = Object.keys(msg.fields).some((k) => Number(k) > 64);
  return hasSecondary === needsSecondary;
}

function mutations(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = base.length;
  const flip = fc
    .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 255 }))
    .map(([i, x]) => {
      const b = Uint8Array.from(base);
      b[i] ^= x;
      return b;
    });
  const truncate = fc.integer({ min: 0, max: n - 1 }).map((k) => base.slice(0, k));
  const extend = fc.uint8Array({ minLength: 1, maxLength: 20 }).map((x) => Uint8Array.from([...base, ...x]));
  const splice = fc
    .tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: 8 }), fc.uint8Array({ maxLength: 8 }))
    .map(([at, del, ins]) => Uint8Array.from([...base.slice(0, at), ...ins, ...base.slice(at + del)]));
  const multi = fc
    .array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 2,
      maxLength: 6,
    })
    .map((edits) => {
      const b = Uint8Array.from(base);
      for (const [i, v] of edits) b[i] = v;
      return b;
    });
  return fc.oneof(flip, truncate, extend, splice, multi);
}

describe.each(['cup-pos', 'iso87-ascii'])('dialect %s: whole messages', (name) => {
  const d = getDialect(name);

  it('random valid messages round trip (unpack(pack(m)) == m, pack(unpack(b)) == b)', () => {
    fc.assert(
      fc.property(messageArb(d), (m) => {
        const bytes = pack(d, m);
        const back = unpack(d, bytes);
        expect(back).toEqual(m);
        expect(pack(d, back).equals(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes give a message or an ISO_ PosError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => checkBytes(d, b)),
      { numRuns: 1000 },
    );
  });

  it('random bytes behind a valid MTI and bitmap give a message or an ISO_ PosError', () => {
    const head = pack(d, { mti: '0200', fields: {} });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 120 }), (bm, rest) => {
        const b = Uint8Array.from([...head.subarray(0, d.spec.mti === 'bcd' ? 2 : 4), ...bm, ...rest]);
        checkBytes(d, b);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated packed messages give a message or an ISO_ PosError', () => {
    fc.assert(
      fc.property(
        messageArb(d, 8).chain((m) => mutations(pack(d, m))),
        (b) => checkBytes(d, b),
      ),
      { numRuns: 500 },
    );
  });
});

describe('cup-pos vectors, mutated', () => {
  const d = getDialect('cup-pos');
  it.each(vectors.map((v) => [v.name, v] as const))(
    '%s: flips, truncations, extensions, splices',
    (_n, v) => {
      const base = Buffer.from(v.hex, 'hex');
      checkBytes(d, base);
      fc.assert(
        fc.property(mutations(base), (b) => checkBytes(d, b)),
        { numRuns: 1500 },
      );
    },
  );

  it('every truncation of every vector is an ISO_ error (never a shorter valid message)', () => {
    for (const v of vectors) {
      const base = Buffer.from(v.hex, 'hex');
      for (let k = 0; k < base.length; k++) {
        let err: unknown;
        try {
          unpack(d, base.subarray(0, k));
        } catch (e) {
          err = e;
        }
        expect(isPosError(err) && err.code.startsWith('ISO_')).toBe(true);
      }
    }
  });

  it("track 2 written with '=' packs like 'D' and reads back with 'D'", () => {
    const v = vectors[0];
    const fields: Record<number, string> = {};
    for (const [k, val] of Object.entries(v.fields)) if (k !== 't') fields[Number(k)] = val;
    const withEq = { mti: '0200', fields: { ...fields, 35: fields[35].replace('D', '=') } };
    const bytes = pack(d, withEq);
    expect(bytes.toString('hex').toUpperCase()).toBe(v.hex);
    expect(unpack(d, bytes).fields[35]).toBe(fields[35]);
  });
});

// Custom one-field dialects: every value encoding with every prefix kind and prefix encoding.
type Combo = { type: string; encoding: string; prefix: string; prefixEncoding: string };
const combos: Combo[] = [];
const typeEncodings: [string, string][] = [
  ['n', 'bcd'],
  ['n', 'ascii'],
  ['n', 'ebcdic'],
  ['z', 'bcd'],
  ['z', 'ascii'],
  ['ans', 'ascii'],
  ['ans', 'ebcdic'],
  ['an', 'ascii'],
  ['b', 'binary'],
  ['b', 'hex'],
];
for (const [type, encoding] of typeEncodings) {
  for (const prefix of ['fixed', 'L', 'LL', 'LLL', 'LLLL']) {
    for (const prefixEncoding of ['ascii', 'ebcdic', 'bcd', 'binary']) {
      if (prefix === 'fixed' && prefixEncoding !== 'ascii') continue;
      combos.push({ type, encoding, prefix, prefixEncoding });
    }
  }
}

function comboDialect(c: Combo, mtiEnc: 'bcd' | 'ascii' | 'ebcdic', bitmap: 'binary' | 'hex'): Dialect {
  const max = c.prefix === 'L' ? 9 : c.prefix === 'LL' ? 99 : c.prefix === 'LLL' ? 255 : 300;
  const field =
    c.prefix === 'fixed'
      ? { name: 'f', type: c.type, len: 7, encoding: c.encoding }
      : {
          name: 'f',
          type: c.type,
          max,
          prefix: c.prefix,
          encoding: c.encoding,
          prefixEncoding: c.prefixEncoding,
        };
  const spec = {
    name: `t-${c.type}-${c.encoding}-${c.prefix}-${c.prefixEncoding}`,
    mti: mtiEnc,
    bitmap,
    maxBitmaps: 3,
    encoding: {
      n: 'bcd',
      z: 'bcd',
      a: 'ascii',
      an: 'ascii',
      ans: 'ascii',
      ns: 'ascii',
      xn: 'ascii',
      b: 'binary',
    },
    prefixEncoding: 'bcd',
    fields: {
      '3': { name: 'n3', type: 'n', len: 3 },
      '70': field,
      '130': { name: 'f130', type: 'n', len: 2 },
    },
  };
  return compileDialect(spec as unknown as DialectSpec);
}

describe('custom dialects: encodings x prefixes, secondary and tertiary bitmaps', () => {
  it.each(combos.map((c) => [`${c.type}/${c.encoding} ${c.prefix} ${c.prefixEncoding}`, c] as const))(
    '%s round trips and survives mutation',
    (_n, c) => {
      const mtiEnc = (['bcd', 'ascii', 'ebcdic'] as const)[combos.indexOf(c) % 3];
      const bitmap = combos.indexOf(c) % 2 === 0 ? 'binary' : 'hex';
      const d = comboDialect(c, mtiEnc, bitmap);
      fc.assert(
        fc.property(messageArb(d, 3), (m) => {
          const bytes = pack(d, m);
          expect(unpack(d, bytes)).toEqual(m);
        }),
        { numRuns: 60 },
      );
      fc.assert(
        fc.property(
          messageArb(d, 3).chain((m) => mutations(pack(d, m))),
          (b) => checkBytes(d, b),
        ),
        { numRuns: 60 },
      );
    },
  );
});
