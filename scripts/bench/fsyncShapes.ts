/**
 * Is the raw fsync a fair reference for bench:queue (issue 13)? Wall and CPU time (user + system)
 * per durable write, on the same directory, in alternating 50 ms slices:
 * - raw_append_100: bench:queue's reference (append 100 bytes, fsync);
 * - inplace_100: 100 bytes written over a preallocated file, fsync (no size change);
 * - wal_pattern: what an enqueue's commit writes, FRAMES WAL frames of a 512-byte page, each as
 *   SQLite writes it (a 24-byte header, then the page: two write() calls), over a preallocated
 *   file, then fsync;
 * - wal_bytes_one_write: the same bytes in one write(), then fsync;
 * - wal_pattern_no_fsync: the writes alone.
 * Prints one JSON line of microseconds.
 *
 *   npx tsx scripts/bench/fsyncShapes.ts [--dir DIR] [--frames N] [--rounds R]   (tmpdir, 5.4, 20)
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: tmpdir() },
    frames: { type: 'string', default: '5.4' },
    rounds: { type: 'string', default: '20' },
  },
});
const frames = Number(values.frames);
const dir = mkdtempSync(join(values.dir as string, 'posterm-fsync-'));
const RING = 2 * 1024 * 1024;
const raw = openSync(join(dir, 'append.bin'), 'w');
const ring = openSync(join(dir, 'ring.bin'), 'w');
writeSync(ring, Buffer.alloc(RING));
fsyncSync(ring);
const hundred = Buffer.alloc(100, 0x5a);
const header = Buffer.alloc(24, 0x01);
const page = Buffer.alloc(512, 0x02);
const block = Buffer.alloc(Math.round(frames * 536), 0x03);
let at = 0;
let owed = 0; // fractional frames: 5.4 frames = 5 or 6 in turn
const advance = (n: number) => {
  at += n;
  if (at + 8192 > RING) at = 0;
};
const walWrites = () => {
  owed += frames;
  for (; owed >= 1; owed--) {
    writeSync(ring, header, 0, 24, at);
    writeSync(ring, page, 0, 512, at + 24);
    advance(536);
  }
};
const shapes: Record<string, () => void> = {
  raw_append_100: () => {
    writeSync(raw, hundred);
    fsyncSync(raw);
  },
  inplace_100: () => {
    writeSync(ring, hundred, 0, 100, at);
    advance(100);
    fsyncSync(ring);
  },
  wal_pattern: () => {
    walWrites();
    fsyncSync(ring);
  },
  wal_bytes_one_write: () => {
    writeSync(ring, block, 0, block.length, at);
    advance(block.length);
    fsyncSync(ring);
  },
  wal_pattern_no_fsync: walWrites,
};
const totals = Object.fromEntries(Object.keys(shapes).map((k) => [k, { n: 0, ms: 0, cpuUs: 0 }]));
try {
  for (const fn of Object.values(shapes)) for (let i = 0; i < 50; i++) fn();
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const [name, fn] of Object.entries(shapes)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < 50) {
        fn();
        n++;
      }
      const c = process.cpuUsage(c0);
      const t = totals[name];
      t.n += n;
      t.ms += performance.now() - t0;
      t.cpuUs += c.user + c.system;
    }
  }
  const out = Object.fromEntries(
    Object.entries(totals).map(([k, t]) => [
      k,
      { wall_us: Math.round((t.ms * 1000) / t.n), cpu_us: Math.round(t.cpuUs / t.n) },
    ]),
  );
  process.stdout.write(`${JSON.stringify({ frames, ...out })}\n`);
} finally {
  closeSync(raw);
  closeSync(ring);
  rmSync(dir, { recursive: true, force: true });
}
