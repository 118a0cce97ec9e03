/**
 * Store-and-forward queue benchmark: durable advice enqueues per second (one commit each, WAL,
 * synchronous = FULL) next to the raw fsync rate of the same directory, measured in the same run
 * (alternating slices, ~2 s of each by default).
 * Prints one JSON line: {"enqueue_per_s":..,"raw_fsync_per_s":..,"ratio":..,...}. Target: ratio >= 0.7.
 *
 *   npm run bench:queue [-- --dir DIR --seconds N]
 *
 * Second figure: forwarding 1,000 queued advices to the host simulator once it is back
 * (forwardAdvices.ts). Third: fsyncs and bytes written per enqueue, traced (ioFigures.ts). Fourth:
 * the ratio any write with the enqueue's CPU could reach on this machine (cpuCeiling.ts). More figures can be pushed into `extraFigures`; each one's fields are
 * merged into the printed JSON.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Journal } from '../../src/journal/index.js';
import { cpuCeilingFigure } from './cpuCeiling.js';
import { enqueueIoFigures } from './ioFigures.js';
import type { QueueFigure } from './queueFigure.js';
import { enqueueSample } from './sampleAdvice.js';

export type { BenchContext, QueueFigure } from './queueFigure.js';

/**
 * Durable enqueues (each enqueueAdvice is one committed, fsynced transaction) and raw fsyncs of
 * the same directory (append 100 bytes + fsync), measured in alternating slices so that load
 * from other processes on the disk hits both alike.
 */
export const enqueueVsFsyncFigure: QueueFigure = async ({ dir, durationMs }) => {
  const journal = Journal.open({ path: join(dir, 'bench.db'), key: randomBytes(32) });
  const fd = openSync(join(dir, 'fsync.bin'), 'w');
  const chunk = Buffer.alloc(100, 0x5a);
  const enqueue = () => enqueueSample(journal);
  const fsync = () => {
    writeSync(fd, chunk);
    fsyncSync(fd);
  };
  const slice = (fn: () => unknown, ms: number) => {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      fn();
      n++;
      elapsed = performance.now() - start;
    }
    return { n, elapsed };
  };
  try {
    slice(enqueue, 100); // warm-up
    slice(fsync, 100);
    const totals = { enq: 0, enqMs: 0, raw: 0, rawMs: 0 };
    const pairRatios: number[] = [];
    const sliceMs = 100;
    for (let spent = 0; spent < durationMs; spent += 2 * sliceMs) {
      const r = slice(fsync, sliceMs);
      const e = slice(enqueue, sliceMs);
      totals.raw += r.n;
      totals.rawMs += r.elapsed;
      totals.enq += e.n;
      totals.enqMs += e.elapsed;
      pairRatios.push(e.n / e.elapsed / (r.n / r.elapsed));
    }
    pairRatios.sort((a, b) => a - b);
    return {
      enqueue_per_s: round((totals.enq * 1000) / totals.enqMs),
      raw_fsync_per_s: round((totals.raw * 1000) / totals.rawMs),
      /** median over the alternating slice pairs: robust against load from other processes */
      median_slice_ratio: round(pairRatios[pairRatios.length >> 1], 3),
      enqueues: totals.enq,
      fsyncs: totals.raw,
    };
  } finally {
    closeSync(fd);
    journal.close();
  }
};

/** Machine-independent: fsyncs and bytes per durable enqueue, traced with strace (ioFigures.ts). */
export const enqueueIoFigure: QueueFigure = async () => enqueueIoFigures();

/** More figures to add to the same run (the lead adds the forwarding figure here). */
export const extraFigures: QueueFigure[] = [enqueueIoFigure, cpuCeilingFigure];

export async function runQueueBench(opts: { dir?: string; durationMs?: number } = {}) {
  const durationMs = opts.durationMs ?? 4000;
  const result: Record<string, number | string> = {};
  const { forwardAdvicesFigure } = await import('./forwardAdvices.js');
  for (const figure of [enqueueVsFsyncFigure, forwardAdvicesFigure, ...extraFigures]) {
    const dir = mkdtempSync(join(opts.dir ?? tmpdir(), 'posterm-bench-'));
    try {
      Object.assign(result, await figure({ dir, durationMs }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const enq = Number(result.enqueue_per_s);
  const raw = Number(result.raw_fsync_per_s);
  return {
    enqueue_per_s: enq,
    raw_fsync_per_s: raw,
    ratio: round(enq / raw, 3),
    ...result,
    seconds: durationMs / 1000,
    node: process.version,
  };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, seconds: { type: 'string', default: '4' } },
  });
  const out = await runQueueBench({ dir: values.dir, durationMs: Number(values.seconds) * 1000 });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
