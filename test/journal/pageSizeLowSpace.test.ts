/**
 * Journal.open hands convertPageSize the free space of the journal's own filesystem (statfs): an
 * older journal on a disk without room for the rebuild keeps its page size (issue 15: Journal.ts
 * 117, that function dropped). The filesystem's free space is faked through node:fs's statfsSync.
 */

import { randomBytes } from 'node:crypto';
import type * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, migrate } from '../../src/journal/index.js';

// node:fs's CommonJS object patched, and the change carried to the ES module bindings the journal
// imported (syncBuiltinESMExports): no module mock, which the mutation runner's shared modules
// would not apply.
const fsCjs = createRequire(import.meta.url)('node:fs') as typeof fs;
const realStatfs = fsCjs.statfsSync;
function diskFull(full: boolean): void {
  fsCjs.statfsSync = full
    ? (((path: fs.PathLike) => {
        const st = realStatfs(path);
        return Object.assign(Object.create(Object.getPrototypeOf(st)), st, { bavail: 0 });
      }) as typeof fs.statfsSync)
    : realStatfs;
  syncBuiltinESMExports();
}

let dir: string | undefined;
let journal: Journal | undefined;
afterEach(() => {
  diskFull(false);
  journal?.close();
  journal = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A journal of the current schema written with 1 KiB pages (as versions before 6 made them). */
function oneKibJournal(path: string): void {
  const db = new Database(path);
  db.pragma('page_size = 1024');
  db.pragma('journal_mode = WAL');
  migrate(db);
  db.close();
}

describe('Journal.open and the page size of an older journal', () => {
  it('keeps 1 KiB pages on a disk with no room for the rebuild, and converts them with room', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-lowspace-'));
    const key = randomBytes(32);
    const full = join(dir, 'full.db');
    oneKibJournal(full);
    diskFull(true);
    journal = Journal.open({ path: full, key });
    expect(journal.pageSize).toEqual({ outcome: 'kept', pageSize: 1024, reason: 'low-space' });
    journal.close();
    journal = undefined;

    diskFull(false);
    const roomy = join(dir, 'roomy.db');
    oneKibJournal(roomy);
    journal = Journal.open({ path: roomy, key });
    expect(journal.pageSize).toEqual({ outcome: 'converted', from: 1024, pageSize: 512 });
  });
});
