/**
 * CPU per enqueue (or per purchase: begin, markSent, recordAnswer) of this tree against another
 * checkout of posterm, in one process: both journals open side by side and run in alternating
 * rounds, so that a load that moves hits both alike. Prints the median and least CPU µs (user +
 * system) per operation of each, and the median of the per-round ratios (this / base).
 *
 *   npx tsx scripts/bench/enqueueCpuAb.ts --base DIR [--op enqueue|purchase] [--dir D] [--per N] [--rounds R]
 *   (DIR: the other checkout's root; D: default /dev/shm; N: 500; R: 40)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Journal } from '../../src/journal/index.js';
import { enqueueSample, SAMPLE_CARD, SAMPLE_FIELDS } from './sampleAdvice.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    op: { type: 'string', default: 'enqueue' },
    dir: { type: 'string', default: '/dev/shm' },
    per: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '40' },
  },
});
if (!values.base) throw new Error('--base DIR (another checkout of posterm) is required');
const baseModule = pathToFileURL(resolve(values.base, 'src/journal/index.ts')).href;
const BaseJournal = ((await import(baseModule)) as { Journal: typeof Journal }).Journal;
const per = Number(values.per);
const rounds = Number(values.rounds);

let rrn = 300_000_000_000;
const ops: Record<string, (j: Journal) => void> = {
  enqueue: enqueueSample,
  purchase: (j) => {
    const t = j.begin({ kind: 'purchase', amountMinor: 1000, card: SAMPLE_CARD, fields: SAMPLE_FIELDS });
    j.markSent(t.id);
    j.recordAnswer(t.id, { responseCode: '00', rrn: String(rrn++), authCode: 'A1' });
  },
};
const op = ops[values.op as string];
if (!op) throw new Error(`--op: one of ${Object.keys(ops).join(', ')}`);

const dirs: string[] = [];
const open = (J: typeof Journal) => {
  const dir = mkdtempSync(join(values.dir as string, 'posterm-ab-'));
  dirs.push(dir);
  return J.open({ path: join(dir, 'journal.db'), key: randomBytes(32) });
};
const base = open(BaseJournal);
const mine = open(Journal);
const cpuPerOp = (j: Journal) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < per; i++) op(j);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / per;
};
try {
  for (let i = 0; i < 3; i++) {
    cpuPerOp(base);
    cpuPerOp(mine);
  }
  const b: number[] = [];
  const m: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // which one goes first alternates too
    const first = r % 2 ? base : mine;
    const x = cpuPerOp(first);
    const y = cpuPerOp(first === base ? mine : base);
    b.push(first === base ? x : y);
    m.push(first === base ? y : x);
  }
  const sorted = (x: number[]) => [...x].sort((p, q) => p - q);
  const median = (x: number[]) => sorted(x)[x.length >> 1];
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const out = {
    op: values.op,
    base_median_us: r1(median(b)),
    base_least_us: r1(sorted(b)[0]),
    this_median_us: r1(median(m)),
    this_least_us: r1(sorted(m)[0]),
    median_round_ratio: Math.round(median(m.map((x, i) => x / b[i])) * 1000) / 1000,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  base.close();
  mine.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
