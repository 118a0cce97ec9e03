/**
 * CPU per durable enqueue, part by part (issue 13): process CPU time (user + system), not wall
 * time, and the least of 10 rounds, so that it holds on a shared machine. The journal lives on
 * tmpfs, where an fsync costs next to nothing: what is left is SQLite, the card vault and the
 * JavaScript around them. Prints one JSON line of microseconds per call:
 * - enqueue: one enqueueAdvice (one commit, synchronous = FULL);
 * - no_crypto: the same with both seals replaced by ready blobs of the same size;
 * - no_crypto_no_commit: the same inside one open transaction (each enqueue a savepoint), so
 *   without the commit's WAL frames;
 * - seal_card, seal_upload_pan: the two CardVault.seal calls of an enqueue, alone;
 * - empty_commit: BEGIN IMMEDIATE + COMMIT with nothing written.
 *
 *   npx tsx scripts/bench/enqueueCpu.ts [--dir DIR] [--n N]     (default /dev/shm, 20,000)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Journal } from '../../src/journal/index.js';
import type { JournalContext } from '../../src/journal/JournalContext.js';
import { enqueueSample, SAMPLE_CARD } from './sampleAdvice.js';

const { values } = parseArgs({
  options: { dir: { type: 'string', default: '/dev/shm' }, n: { type: 'string', default: '20000' } },
});
const N = Number(values.n);
const ROUNDS = 10;

/** CPU microseconds per call of fn: the least over ROUNDS rounds (others' load only adds). */
function cpuUs(fn: () => unknown): number {
  const per = Math.max(1, Math.round(N / ROUNDS));
  for (let i = 0; i < Math.min(per, 1000); i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < per; i++) fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / per);
  }
  return Math.round(best * 10) / 10;
}

/** A fresh journal on tmpfs; `ctx` is its private context (read only here, for the breakdown). */
function withJournal<T>(fn: (journal: Journal, ctx: JournalContext) => T): T {
  const dir = mkdtempSync(join(values.dir as string, 'posterm-cpu-'));
  const journal = Journal.open({ path: join(dir, 'journal.db'), key: randomBytes(32) });
  try {
    return fn(journal, (journal as unknown as { ctx: JournalContext }).ctx);
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the vault's seal by ready blobs of the sizes an enqueue seals. */
function stubSeal(ctx: JournalContext): void {
  const card = ctx.vault.seal('advice:1', SAMPLE_CARD);
  const pan = ctx.vault.seal('upload:1', { pan: SAMPLE_CARD.pan });
  Object.defineProperty(ctx.vault, 'seal', {
    value: (_id: string, c: object) => ('expiry' in c ? card : pan),
  });
}

const out = {
  enqueue: withJournal((j) => cpuUs(() => enqueueSample(j))),
  no_crypto: withJournal((j, ctx) => {
    stubSeal(ctx);
    return cpuUs(() => enqueueSample(j));
  }),
  no_crypto_no_commit: withJournal((j, ctx) => {
    stubSeal(ctx);
    ctx.db.exec('BEGIN');
    const us = cpuUs(() => enqueueSample(j));
    ctx.db.exec('COMMIT');
    return us;
  }),
  seal_card: withJournal((_j, ctx) => cpuUs(() => ctx.vault.seal('advice:1', SAMPLE_CARD))),
  seal_upload_pan: withJournal((_j, ctx) =>
    cpuUs(() => ctx.vault.seal('upload:1', { pan: SAMPLE_CARD.pan })),
  ),
  empty_commit: withJournal((_j, ctx) => cpuUs(() => ctx.atomic(() => undefined))),
  node: process.version,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
