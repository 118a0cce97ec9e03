/**
 * How close to the raw fsync rate can any durable write come that also spends C µs of CPU?
 * On a virtual machine whose idle vCPU halts while an fsync is in flight, the work after each
 * wake-up runs slower than the same work in a loop, so the ceiling is below raw / (raw + C).
 * This figure measures it on the machine at hand:
 * - the CPU an enqueue spends besides its fsync: enqueues on tmpfs (/dev/shm), where an fsync
 *   costs next to nothing, user + system time per call (the least of 5 rounds);
 * - for pure JavaScript arithmetic of C µs (no allocation, no I/O, a 4 KB array: the kindest
 *   case) run before each raw fsync, the rate against the raw fsync alone, in alternating
 *   100 ms slices. C is the enqueue's CPU and a few smaller budgets, so the print shows the
 *   CPU budget at which the ratio falls below the target.
 * Without /dev/shm the enqueue's CPU is left out.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/journal/index.js';
import type { QueueFigure } from './queueFigure.js';
import { enqueueSample } from './sampleAdvice.js';

/** CPU µs per enqueue on tmpfs, or undefined without /dev/shm. */
function enqueueCpuUs(): number | undefined {
  if (!existsSync('/dev/shm')) return undefined;
  const dir = mkdtempSync('/dev/shm/posterm-cpu-');
  const journal = Journal.open({ path: join(dir, 'cpu.db'), key: randomBytes(32) });
  try {
    for (let i = 0; i < 3000; i++) enqueueSample(journal);
    let least = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 5; r++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 2000; i++) enqueueSample(journal);
      const c = process.cpuUsage(c0);
      least = Math.min(least, (c.user + c.system) / 2000);
    }
    return least;
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A function doing about `us` µs of arithmetic on a 4 KB array (calibrated after warm-up). */
function arithmetic(us: number): () => void {
  const a = new Float64Array(512);
  let x = 1;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483647;
      a[x & 511] += 1;
    }
  };
  for (let i = 0; i < 2000; i++) run(100); // optimised before it is timed
  const t0 = performance.now();
  run(2_000_000);
  const perIter = ((performance.now() - t0) * 1000) / 2_000_000;
  const n = Math.max(1, Math.round(us / perIter));
  return () => run(n);
}

export const cpuCeilingFigure: QueueFigure = async ({ dir, durationMs }) => {
  const cpu = enqueueCpuUs();
  const budgets = [5, 15, 30, ...(cpu === undefined ? [] : [Math.round(cpu)])];
  const fd = openSync(join(dir, 'ceiling.bin'), 'w');
  const chunk = Buffer.alloc(100, 0x5a);
  const raw = () => {
    writeSync(fd, chunk);
    fsyncSync(fd);
  };
  const shapes: [string, () => void][] = [['raw', raw]];
  for (const us of budgets) {
    const work = arithmetic(us);
    shapes.push([
      `${us}`,
      () => {
        work();
        raw();
      },
    ]);
  }
  const totals = new Map(shapes.map(([k]) => [k, { n: 0, ms: 0 }]));
  try {
    for (const [, fn] of shapes) for (let i = 0; i < 100; i++) fn();
    const sliceMs = 100;
    for (let spent = 0; spent < durationMs; spent += sliceMs * shapes.length) {
      for (const [k, fn] of shapes) {
        const t = totals.get(k)!;
        const start = performance.now();
        let elapsed = 0;
        while (elapsed < sliceMs) {
          fn();
          t.n++;
          elapsed = performance.now() - start;
        }
        t.ms += elapsed;
      }
    }
  } finally {
    closeSync(fd);
  }
  const rate = (k: string) => totals.get(k)!.n / totals.get(k)!.ms;
  // ceiling_ratio_at_C_cpu_us: C µs of arithmetic before each raw fsync, its rate / the raw rate
  const out: Record<string, number> = {};
  if (cpu !== undefined) out.enqueue_cpu_us_tmpfs = Math.round(cpu * 10) / 10;
  for (const us of budgets) {
    out[`ceiling_ratio_at_${us}_cpu_us`] = Math.round((rate(`${us}`) / rate('raw')) * 1000) / 1000;
  }
  return out;
};
