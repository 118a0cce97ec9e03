/**
 * File-system refusals root does not meet on this machine (tests run as root, so permissions do not
 * stop them): a key file stat sees but read cannot, and a journal file that cannot be chmod'ed
 * (a read-only mount). node:fs's readFileSync and chmodSync are made to fail for one path
 * (issue 15: loadKeyFile.ts 58, 59 and journalFiles.ts 41, 43, never covered).
 */
import type * as fs from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { prepareJournalFiles } from '../../src/journal/journalFiles.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';

// node:fs's CommonJS object, patched for one path; syncBuiltinESMExports() carries the change to
// the ES module bindings the journal code imported (no module mock: the mutation runner shares
// modules between test files, where a mock would not apply).
const fsCjs = createRequire(import.meta.url)('node:fs') as typeof fs;
const real = { readFileSync: fsCjs.readFileSync, chmodSync: fsCjs.chmodSync };
const errno = (code: string) => Object.assign(new Error(code), { code });
function failFor(kind: 'read' | 'chmod', path: string): void {
  if (kind === 'read')
    fsCjs.readFileSync = ((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (p === path) throw errno('EIO');
      return real.readFileSync(p, o as BufferEncoding);
    }) as typeof fs.readFileSync;
  else
    fsCjs.chmodSync = ((p: fs.PathLike, m: fs.Mode) => {
      if (p === path) throw errno('EROFS');
      return real.chmodSync(p, m);
    }) as typeof fs.chmodSync;
  syncBuiltinESMExports();
}

let dir: string | undefined;
afterEach(() => {
  Object.assign(fsCjs, real);
  syncBuiltinESMExports();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (!isPosError(e)) throw e;
    return {
      code: e.code,
      message: e.message,
      context: e.context,
      cause: (e.cause as { code?: string })?.code,
    };
  }
  throw new Error('no refusal');
}

describe('file-system refusals', () => {
  it('a key file that cannot be read: JOURNAL_KEY_FILE with the file, the errno and the cause', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-fs-'));
    const key = join(dir, 'journal.key');
    writeFileSync(key, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    failFor('read', key);
    expect(refusal(() => loadKeyFile(key))).toEqual({
      code: 'JOURNAL_KEY_FILE',
      message: `cannot read the key file (${key}: EIO)`,
      context: { file: key, errno: 'EIO' },
      cause: 'EIO',
    });
  });

  it('a journal file that cannot be made private: JOURNAL_FILE_MODE naming it and the errno', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-fs-'));
    const path = join(dir, 'journal.db');
    writeFileSync(path, '', { mode: 0o644 });
    failFor('chmod', path);
    expect(refusal(() => prepareJournalFiles(path))).toEqual({
      code: 'JOURNAL_FILE_MODE',
      message: `cannot make ${path} private (chmod 600): EROFS`,
      context: { file: path, errno: 'EROFS' },
      cause: undefined,
    });
  });
});
