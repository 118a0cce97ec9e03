/**
 * The journal's SQLite failures as coded errors, and its files kept private (JournalContext.ts,
 * journalFiles.ts), word for word (issue 15: neither file had been through a mutation run).
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { toJournalError } from '../../src/journal/JournalContext.js';
import { journalCorrupt, journalFiles, prepareJournalFiles } from '../../src/journal/journalFiles.js';
import { tempJournal } from './journalFixture.js';

const sqliteError = (code: unknown) => Object.assign(new Error('sqlite said no'), { code });
const view = (p: PosError) => ({ code: p.code, message: p.message, context: p.context, cause: p.cause });

describe('toJournalError', () => {
  it('maps each SQLite code to its journal code, keeping the SQLite code and the cause', () => {
    const cases: [string, string, string][] = [
      ['SQLITE_CORRUPT', 'JOURNAL_DB_CORRUPT', 'journal database is corrupt'],
      ['SQLITE_NOTADB', 'JOURNAL_DB_CORRUPT', 'journal database is corrupt'],
      ['SQLITE_FULL', 'JOURNAL_DISK_FULL', 'journal storage is full'],
      ['SQLITE_BUSY', 'JOURNAL_BUSY', 'journal database is locked by another process'],
      ['SQLITE_LOCKED', 'JOURNAL_BUSY', 'journal database is locked by another process'],
      ['SQLITE_IOERR', 'JOURNAL_IO', 'journal database operation failed'],
      ['SQLITE_CORRUPT_VTAB', 'JOURNAL_IO', 'journal database operation failed'],
    ];
    for (const [sqlite, code, message] of cases) {
      const e = sqliteError(sqlite);
      expect(view(toJournalError(e)), sqlite).toEqual({ code, message, context: { sqlite }, cause: e });
    }
  });

  it('an error without a string code is JOURNAL_IO "unknown"; a PosError passes unchanged', () => {
    for (const e of [sqliteError(5), new Error('plain'), 'text', undefined, null]) {
      expect(view(toJournalError(e)), String(e)).toEqual({
        code: 'JOURNAL_IO',
        message: 'journal database operation failed',
        context: { sqlite: 'unknown' },
        cause: e,
      });
    }
    const coded = new PosError('JOURNAL_BAD_INPUT', 'x');
    expect(toJournalError(coded)).toBe(coded);
  });
});

describe('a closed journal', () => {
  it('refuses every call with JOURNAL_CLOSED', () => {
    const fx = tempJournal();
    fx.journal.close();
    let err: PosError | undefined;
    try {
      fx.journal.nextStan();
    } catch (e) {
      err = e as PosError;
    }
    expect(err && view(err)).toEqual({
      code: 'JOURNAL_CLOSED',
      message: 'journal is closed',
      context: {},
      cause: undefined,
    });
    fx.cleanup();
  });
});

describe('journal files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the database, its -wal and its -shm', () => {
    expect(journalFiles('/var/j.db')).toEqual(['/var/j.db', '/var/j.db-wal', '/var/j.db-shm']);
  });

  it('creates the database 0600, and makes the files an older run left readable 0600', () => {
    const p = join(dir, 'j.db');
    prepareJournalFiles(p);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(statSync(p).size).toBe(0);
    chmodSync(p, 0o644);
    writeFileSync(`${p}-wal`, 'w', { mode: 0o664 });
    writeFileSync(`${p}-shm`, 's', { mode: 0o600 });
    prepareJournalFiles(p);
    for (const f of journalFiles(p)) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });

  it('a path it cannot open: JOURNAL_OPEN with the file and errno', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const p = join(file, 'j.db');
    let err: PosError | undefined;
    try {
      prepareJournalFiles(p);
    } catch (e) {
      err = e as PosError;
    }
    expect(err && view(err)).toMatchObject({
      code: 'JOURNAL_OPEN',
      message: `cannot open the journal ${p}: ENOTDIR`,
      context: { file: p, errno: 'ENOTDIR' },
    });
    expect((err?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ENOTDIR');
  });

  it('journalCorrupt names the file and what to do, keeping context and cause', () => {
    const cause = new Error('bad header');
    expect(view(journalCorrupt('/var/j.db', { sqlite: 'SQLITE_NOTADB' }, cause))).toEqual({
      code: 'JOURNAL_CORRUPT',
      message:
        'journal /var/j.db is corrupt: stop, move it aside (with its -wal file) and contact support; nothing was deleted',
      context: { sqlite: 'SQLITE_NOTADB', file: '/var/j.db' },
      cause,
    });
  });
});
