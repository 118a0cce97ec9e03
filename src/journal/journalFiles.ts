/**
 * The journal's files on disk: the database and its -wal (and -shm, if an older run left one)
 * are 0600. The database file is created 0600 before SQLite opens it, so SQLite gives the -wal
 * the same mode; files an older version left readable are tightened at open.
 */
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { PosError } from '../errors.js';

export const JOURNAL_FILE_MODE = 0o600;

/** The database and the files SQLite keeps beside it. */
export function journalFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/** Creates the database file 0600 when absent and sets 0600 on the journal's existing files. */
export function prepareJournalFiles(path: string): void {
  try {
    closeSync(openSync(path, 'a', JOURNAL_FILE_MODE));
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    throw new PosError(
      'JOURNAL_OPEN',
      `cannot open the journal ${path}: ${errno}`,
      { file: path, errno },
      {
        cause: e,
      },
    );
  }
  for (const f of journalFiles(path)) {
    let mode: number;
    try {
      mode = statSync(f).mode & 0o777;
    } catch {
      continue; // no -wal / -shm yet
    }
    if (mode === JOURNAL_FILE_MODE) continue;
    try {
      chmodSync(f, JOURNAL_FILE_MODE);
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code;
      throw new PosError('JOURNAL_FILE_MODE', `cannot make ${f} private (chmod 600): ${errno}`, {
        file: f,
        errno,
      });
    }
  }
}

/** The journal file cannot be read as a database: say which file and what to do. */
export function journalCorrupt(path: string, context: Record<string, unknown>, cause?: unknown): PosError {
  return new PosError(
    'JOURNAL_CORRUPT',
    `journal ${path} is corrupt: stop, move it aside (with its -wal file) and contact support; nothing was deleted`,
    { ...context, file: path },
    { cause },
  );
}
