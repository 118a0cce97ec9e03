/**
 * Machine-independent I/O figures of the journal: a fixed workload (ioProbe.ts) runs under
 * `strace -f -y`, and every write and sync on the journal's files is counted: bytes written to
 * the WAL (commits) and to the main database (checkpoints), and fsync / fdatasync calls. The
 * figures are the kernel's view of what SQLite asked for, so they do not depend on the disk's
 * speed or on other load. Needs strace (apt-get install strace); without it the figures are
 * left out with a note.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one label's operations did to the journal's files. */
export interface IoCounts {
  walBytes: number;
  walWrites: number;
  dbBytes: number;
  dbWrites: number;
  /** fsync + fdatasync on any journal file (database, WAL, directory) */
  syncs: number;
  /** ftruncate / fallocate on a journal file */
  resizes: number;
}

const empty = (): IoCounts => ({ walBytes: 0, walWrites: 0, dbBytes: 0, dbWrites: 0, syncs: 0, resizes: 0 });

const CALL = /^(\d+)\s+(\w+)\((\d+)<([^>]*)>(.*)$/;
const RESUMED = /^(\d+)\s+<\.\.\. (\w+) resumed>.*\)\s+=\s+(-?\d+)/;
const RESULT = /\)\s+=\s+(-?\d+)(?:\s|$)/;
const MARK = /"posterm-io:([^"]*)"/;

/**
 * Parses `strace -f -y` output: counts per marker label (see ioProbe.ts) the writes and syncs on
 * `dbPath`, its `-wal` and its directory. Calls split by another thread (`<unfinished ...>` and
 * `<... resumed>`) are joined.
 */
export function parseStraceIo(text: string, dbPath: string): Record<string, IoCounts> {
  const out: Record<string, IoCounts> = {};
  let label = '-';
  const unfinished = new Map<string, { call: string; path: string }>();
  const count = (call: string, path: string, ret: number) => {
    if (call === 'write' && path === '/dev/null') return;
    const kind =
      path === dbPath ? 'db' : path === `${dbPath}-wal` ? 'wal' : path === dirOf(dbPath) ? 'dir' : '';
    if (!kind || label === '-' || ret < 0) return;
    if (!out[label]) out[label] = empty();
    const c = out[label];
    if (call === 'fsync' || call === 'fdatasync') c.syncs++;
    else if (call === 'ftruncate' || call === 'fallocate') c.resizes++;
    else if (kind === 'wal') {
      c.walBytes += ret;
      c.walWrites++;
    } else if (kind === 'db') {
      c.dbBytes += ret;
      c.dbWrites++;
    }
  };
  for (const line of text.split('\n')) {
    const m = CALL.exec(line);
    if (m) {
      const [, pid, call, , path, rest] = m;
      if (call === 'write' && path === '/dev/null') {
        const mk = MARK.exec(rest);
        if (mk) label = mk[1];
        continue;
      }
      if (rest.includes('<unfinished ...>')) {
        unfinished.set(`${pid}:${call}`, { call, path });
        continue;
      }
      const r = RESULT.exec(rest);
      if (r) count(call, path, Number(r[1]));
      continue;
    }
    const res = RESUMED.exec(line);
    if (res) {
      const key = `${res[1]}:${res[2]}`;
      const u = unfinished.get(key);
      unfinished.delete(key);
      if (u) count(u.call, u.path, Number(res[3]));
    }
  }
  return out;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

export function straceAvailable(): boolean {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs `ioProbe.ts MODE DIR N [PORT]` under strace in a fresh directory below `parentDir` and
 * returns the counts per label. Throws when the probe fails.
 */
export function traceProbe(
  mode: 'enqueue' | 'purchase' | 'till-purchase' | 'steps',
  n: number,
  opts: { parentDir?: string; simPort?: number; env?: NodeJS.ProcessEnv } = {},
): Record<string, IoCounts> {
  const dir = mkdtempSync(join(opts.parentDir ?? tmpdir(), 'posterm-io-'));
  try {
    const traceFile = join(dir, 'strace.txt');
    const probe = ['--import', 'tsx', 'scripts/bench/ioProbe.ts', mode, dir, String(n)];
    if (opts.simPort !== undefined) probe.push(String(opts.simPort));
    const r = spawnSync(
      'strace',
      [
        '-f',
        '--seccomp-bpf',
        '-qq',
        '-y',
        '-s',
        '40',
        '-e',
        'trace=write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,ftruncate,fallocate',
        '-o',
        traceFile,
        process.execPath,
        ...probe,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: opts.env ?? process.env, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`io probe ${mode} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    // the probe's journal lives in a directory it creates (purchase) or in dir itself
    const text = readFileSync(traceFile, 'utf8');
    const dbPath = findDbPath(text, dir);
    return parseStraceIo(text, dbPath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function findDbPath(text: string, dir: string): string {
  const m = new RegExp(`<(${escapeRe(dir)}[^>]*/journal\\.db)-wal>`).exec(text);
  if (!m) throw new Error('the trace shows no write to a journal WAL');
  return m[1];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Per-operation figures from one label's counts over n operations. */
export function perOperation(c: IoCounts, n: number) {
  const r = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  const bytesPerOp = (c.walBytes + c.dbBytes) / n;
  return {
    fsyncs: r(c.syncs / n, 3),
    walBytes: Math.round(c.walBytes / n),
    walWrites: r(c.walWrites / n),
    dbBytesPer1000: Math.round((c.dbBytes / n) * 1000),
    /** WAL + checkpoint bytes of one operation, times 500 a day for a year */
    bytesPerYearAt500PerDay: Math.round(bytesPerOp * 500 * 365),
    fsyncsPerYearAt500PerDay: Math.round((c.syncs / n) * 500 * 365),
  };
}
