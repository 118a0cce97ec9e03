import type BetterSqlite3 from 'better-sqlite3';

/**
 * Page size of the journal. Every commit writes each page it touched once more into the WAL (a
 * 24-byte frame header plus the page), and a sale's commits touch few rows, so the smallest page
 * writes the fewest bytes: measured per purchase 5.9 KB at 512, 9.5 KB at 1024, 16.5 KB at 2048,
 * 31.3 KB at 4096 (docs/benchmarks.md, bench:online).
 */
export const JOURNAL_PAGE_SIZE = 512;

/** Journals up to this size are converted at open; bigger ones keep their page size. */
export const PAGE_SIZE_CONVERSION_MAX_BYTES = 8 * 1024 * 1024;

/** Free space the rebuild wants beyond twice the journal's size (journal file, WAL, room to work). */
export const PAGE_SIZE_CONVERSION_SPARE_BYTES = 16 * 1024 * 1024;

export type PageSizeOutcome =
  | { outcome: 'same'; pageSize: number }
  | { outcome: 'converted'; from: number; pageSize: number }
  | { outcome: 'kept'; pageSize: number; reason: 'too-large' | 'low-space' | 'failed' };

/**
 * Brings an existing journal to JOURNAL_PAGE_SIZE. SQLite changes the page size of a WAL
 * database only by leaving WAL mode and rebuilding the file (VACUUM), which rewrites all of it:
 * done once, at open, for journals small enough to take well under a second (the rebuild's
 * copy stays in memory, not in a temp file). A larger journal, one on a disk with little room,
 * or one whose rebuild fails, keeps its page size and works as before. The connection must hold the
 * journal exclusively (locking_mode = EXCLUSIVE). Returns WAL mode in every case.
 */
export function convertPageSize(
  db: BetterSqlite3.Database,
  opts: { maxBytes?: number; freeBytes?: () => number } = {},
): PageSizeOutcome {
  const from = db.pragma('page_size', { simple: true }) as number;
  if (from === JOURNAL_PAGE_SIZE) return { outcome: 'same', pageSize: from };
  const bytes = (db.pragma('page_count', { simple: true }) as number) * from;
  if (bytes > (opts.maxBytes ?? PAGE_SIZE_CONVERSION_MAX_BYTES)) {
    return { outcome: 'kept', pageSize: from, reason: 'too-large' };
  }
  // a rebuild that fills the disk could leave the file out of WAL mode: not on a tight disk
  if (opts.freeBytes && opts.freeBytes() < 2 * bytes + PAGE_SIZE_CONVERSION_SPARE_BYTES) {
    return { outcome: 'kept', pageSize: from, reason: 'low-space' };
  }
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') return { outcome: 'kept', pageSize: from, reason: 'failed' }; // leave it as found
  const tempStore = db.pragma('temp_store', { simple: true }) as number;
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma(`page_size = ${JOURNAL_PAGE_SIZE}`);
    db.pragma('temp_store = MEMORY');
    db.exec('VACUUM');
  } catch {
    // the file is unchanged (VACUUM is one transaction): go on at the old page size
  } finally {
    db.pragma(`temp_store = ${tempStore}`);
    db.pragma('journal_mode = WAL');
  }
  const now = db.pragma('page_size', { simple: true }) as number;
  return now === JOURNAL_PAGE_SIZE
    ? { outcome: 'converted', from, pageSize: now }
    : { outcome: 'kept', pageSize: now, reason: 'failed' };
}
