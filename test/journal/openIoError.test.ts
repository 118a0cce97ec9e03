/**
 * A SQLite I/O error while the journal opens is told as JOURNAL_OPEN naming the file, with SQLite's
 * error as the cause (issue 15: Journal.ts 564, 565, never covered: a real disk does not fail on
 * demand). better-sqlite3's constructor is made to fail for one path.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { Journal } from '../../src/journal/index.js';

const failing = vi.hoisted(() => ({ path: '' }));
vi.mock('better-sqlite3', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import('better-sqlite3') }>()).default;
  function Database(path: string, opts?: unknown) {
    if (path === failing.path) throw new real.SqliteError('disk I/O error', 'SQLITE_IOERR_READ');
    return new real(path, opts as never);
  }
  Object.assign(Database, real);
  Database.prototype = real.prototype;
  return { default: Database };
});

let dir: string | undefined;
afterEach(() => {
  failing.path = '';
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Journal.open and a disk that fails', () => {
  it('an I/O error at open: JOURNAL_OPEN naming the file, SQLite error as the cause', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-openio-'));
    const path = join(dir, 'journal.db');
    failing.path = path;
    let err: unknown;
    try {
      Journal.open({ path, key: randomBytes(32) });
    } catch (e) {
      err = e;
    }
    expect(isPosError(err, 'JOURNAL_OPEN')).toBe(true);
    const e = err as { message: string; context: Record<string, unknown>; cause?: { code?: string } };
    expect(e.message).toBe(`cannot open the journal ${path}`);
    expect(e.context.file).toBe(path);
    expect(e.cause?.code).toBe('SQLITE_IOERR_READ');
  });
});
