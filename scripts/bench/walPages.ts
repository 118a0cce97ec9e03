/**
 * Which pages each journal commit writes: runs the commits of an offline sale (enqueueAdvice) and
 * of an online purchase (begin, markSent, recordAnswer) on a fresh journal, reads the frames
 * each commit appended to the WAL (frame headers name the page) and names each page's b-tree
 * (table or index) with SQLite's dbstat. Prints, per commit, the average pages per b-tree.
 * Checkpoints are held off while it runs so that every frame stays readable.
 *
 *   npx tsx scripts/bench/walPages.ts [N] [--page-size BYTES]
 *
 * --page-size: a journal made at that page size (kept: no rebuild to 512 at open), to compare.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import Sqlite from 'better-sqlite3';
import { Journal } from '../../src/journal/index.js';
import { enqueueSample, SAMPLE_CARD, SAMPLE_FIELDS } from './sampleAdvice.js';

const { values, positionals } = parseArgs({
  options: { 'page-size': { type: 'string' } },
  allowPositionals: true,
});
const N = Number(positionals[0] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'posterm-walpages-'));
const path = join(dir, 'journal.db');
if (values['page-size']) {
  const pre = new Sqlite(path);
  pre.pragma(`page_size = ${Number(values['page-size'])}`);
  pre.exec('VACUUM');
  pre.close();
}
const journal = Journal.open({ path, key: randomBytes(32), pageSizeConversionMaxBytes: 0 });
const db = (journal as unknown as { ctx: { db: Database.Database } }).ctx.db;
db.pragma('wal_autocheckpoint = 0');
const pageSize = db.pragma('page_size', { simple: true }) as number;
const frameSize = 24 + pageSize;
let walOffset = 0;
const totals: Record<string, Record<string, number>> = {};

/** Page numbers of the frames appended since the last call. */
function newFrames(): number[] {
  const size = statSync(`${path}-wal`).size;
  if (walOffset === 0) walOffset = 32;
  const pages: number[] = [];
  const fd = openSync(`${path}-wal`, 'r');
  const hdr = Buffer.alloc(4);
  for (; walOffset + frameSize <= size; walOffset += frameSize) {
    readSync(fd, hdr, 0, 4, walOffset);
    pages.push(hdr.readUInt32BE(0));
  }
  closeSync(fd);
  return pages;
}

function measure(label: string, fn: () => void, on: boolean): void {
  newFrames();
  fn();
  const pages = newFrames();
  if (!on) return;
  const names = db.prepare('SELECT name FROM dbstat WHERE pageno = ?');
  if (!totals[label]) totals[label] = {};
  const t = totals[label];
  for (const p of pages) {
    const name =
      p === 1
        ? 'page 1 (header, schema)'
        : ((names.get(p) as { name: string } | undefined)?.name ?? 'free/overflow');
    t[name] = (t[name] ?? 0) + 1;
  }
  t['(frames)'] = (t['(frames)'] ?? 0) + pages.length;
  t['(WAL bytes)'] = (t['(WAL bytes)'] ?? 0) + pages.length * frameSize;
}

const fields = { ...SAMPLE_FIELDS, 42: '123456789012345', 49: '156' };
for (let i = 0; i < 50 + N; i++) {
  const on = i >= 50;
  measure('enqueueAdvice', () => enqueueSample(journal), on);
  let id = 0;
  measure(
    'begin',
    () => {
      id = journal.begin({ kind: 'purchase', amountMinor: 1000, card: SAMPLE_CARD, fields }).id;
    },
    on,
  );
  measure('markSent', () => journal.markSent(id), on);
  measure(
    'recordAnswer',
    () => {
      journal.recordAnswer(id, { responseCode: '00', rrn: String(100_000_000_000 + i), authCode: '123456' });
    },
    on,
  );
}
const out: Record<string, Record<string, number>> = {};
for (const [label, t] of Object.entries(totals)) {
  out[label] = Object.fromEntries(
    Object.entries(t)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [
        k,
        Math.round(v / N) === v / N || k === '(WAL bytes)'
          ? Math.round(v / N)
          : Math.round((v / N) * 100) / 100,
      ]),
  );
}
console.log(JSON.stringify({ pageSize, commits: N, pagesPerCommit: out }, null, 1));
journal.close();
rmSync(dir, { recursive: true, force: true });
