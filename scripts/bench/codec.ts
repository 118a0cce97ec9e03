/**
 * Codec benchmark: packs and unpacks the v1 purchase vector (cup-pos) for ~3 s each after a
 * warm-up, and prints one JSON line: {"pack_per_s","unpack_per_s","node",...}.
 * Run: npm run bench:codec [-- --seconds N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getDialect, type IsoMessage, pack, unpack } from '../../src/iso8583/index.js';

interface Vector {
  name: string;
  fields: Record<string, string>;
  hex: string;
}

const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
const seconds = Number(values.seconds ?? '3');

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/iso8583-cup-pos.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };
const v1 = fixture.vectors.find((v) => v.name.startsWith('v1_'));
if (!v1) throw new Error('vector v1 missing from test/fixtures/iso8583-cup-pos.json');

const fields: Record<number, string> = {};
for (const [k, v] of Object.entries(v1.fields)) if (k !== 't') fields[Number(k)] = v;
const msg: IsoMessage = { mti: v1.fields.t, fields };
const dialect = getDialect('cup-pos');
const bytes = Buffer.from(v1.hex, 'hex');

// Sanity: the benchmark measures a correct codec.
if (pack(dialect, msg).toString('hex').toUpperCase() !== v1.hex)
  throw new Error('pack(v1) differs from the vector');
if (JSON.stringify(unpack(dialect, bytes).fields) !== JSON.stringify(fields))
  throw new Error('unpack(v1) differs');

let sink = 0;

/** Runs `fn` in batches for `ms` milliseconds; returns operations per second. */
function measure(fn: () => number, ms: number): number {
  const batch = 1000;
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < batch; i++) sink += fn();
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return Math.round(ops / (Number(elapsed) / 1e9));
}

const packOnce = () => pack(dialect, msg).length;
const unpackOnce = () => unpack(dialect, bytes).mti.length;

measure(packOnce, 500);
measure(unpackOnce, 500);
const packPerS = measure(packOnce, seconds * 1000);
const unpackPerS = measure(unpackOnce, seconds * 1000);

process.stdout.write(
  `${JSON.stringify({
    pack_per_s: packPerS,
    unpack_per_s: unpackPerS,
    node: process.version,
    vector: v1.name,
    bytes: bytes.length,
    seconds,
    checksum: sink % 997,
  })}\n`,
);
