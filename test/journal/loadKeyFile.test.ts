/**
 * loadKeyFile's refusals word for word (code, text naming the file, context) and what it makes
 * (issue 15: loadKeyFile.ts had never been through a mutation run). The first cases are in
 * CardVault.test.ts.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'posterm-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PosError);
    const p = e as PosError;
    return { code: p.code, message: p.message, context: p.context, cause: p.cause !== undefined };
  }
  throw new Error('expected a refusal');
}

const HEX = '00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF';

describe('loadKeyFile', () => {
  it('reads 64 hex digits in either case, with the white space around them', () => {
    const p = join(dir, 'k');
    writeFileSync(p, `  ${HEX}\n\n`, { mode: 0o600 });
    expect(loadKeyFile(p).toString('hex')).toBe(HEX.toLowerCase());
  });

  it('makes the key and its missing folders (0700) when neither the key nor the journal exists', () => {
    const p = join(dir, 'a', 'b', 'journal.key');
    const key = loadKeyFile(p, { journal: { path: join(dir, 'j.db'), exists: false } });
    expect(readFileSync(p, 'utf8')).toBe(`${key.toString('hex')}\n`);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
  });

  it('leaves no file descriptor open once the key is made or read (a runtime restarts for months)', () => {
    const p = join(dir, 'journal.key');
    // the descriptors of this process that point at the key file
    const onKey = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === p;
        } catch {
          return false; // closed meanwhile (the listing's own descriptor)
        }
      });
    const made = loadKeyFile(p, { journal: { path: join(dir, 'j.db'), exists: false } });
    expect(loadKeyFile(p)).toEqual(made);
    expect(onKey()).toEqual([]);
  });

  it('no key but a journal: JOURNAL_KEY_MISSING naming both, and no key made', () => {
    const p = join(dir, 'journal.key');
    const j = join(dir, 'journal.db');
    expect(refusal(() => loadKeyFile(p, { journal: { path: j, exists: true } }))).toEqual({
      code: 'JOURNAL_KEY_MISSING',
      message: `key file ${p} is missing but the journal ${j} exists: restore the key file from backup (the journal cannot be read without it); no new key was made`,
      context: { file: p, journal: j },
      cause: false,
    });
    expect(() => statSync(p)).toThrow();
  });

  it('a file group or others may read: JOURNAL_KEY_FILE_MODE with its mode', () => {
    for (const mode of [0o640, 0o604, 0o610]) {
      const p = join(dir, `k${mode.toString(8)}`);
      writeFileSync(p, HEX, { mode });
      expect(
        refusal(() => loadKeyFile(p)),
        mode.toString(8),
      ).toEqual({
        code: 'JOURNAL_KEY_FILE_MODE',
        message: `key file ${p} is readable by group or others (chmod 600 it)`,
        context: { file: p, mode: mode.toString(8) },
        cause: false,
      });
    }
    const owner = join(dir, 'k400');
    writeFileSync(owner, HEX, { mode: 0o400 });
    expect(loadKeyFile(owner)).toHaveLength(32);
  });

  it('not 64 hex digits, or not a file: JOURNAL_KEY_FILE naming the file, no errno', () => {
    const p = join(dir, 'k');
    writeFileSync(p, HEX.slice(1), { mode: 0o600 });
    expect(refusal(() => loadKeyFile(p))).toEqual({
      code: 'JOURNAL_KEY_FILE',
      message: `key file must hold exactly 64 hex digits (${p})`,
      context: { file: p },
      cause: false,
    });
    writeFileSync(p, `${HEX} 00`, { mode: 0o600 });
    expect(refusal(() => loadKeyFile(p)).message).toBe(`key file must hold exactly 64 hex digits (${p})`);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(refusal(() => loadKeyFile(sub))).toEqual({
      code: 'JOURNAL_KEY_FILE',
      message: `key file is not a regular file (${sub})`,
      context: { file: sub },
      cause: false,
    });
  });

  it('a path it cannot look at or create the key in: JOURNAL_KEY_FILE with the errno and its cause', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const through = join(file, 'journal.key'); // a file where a folder should be
    expect(refusal(() => loadKeyFile(through))).toEqual({
      code: 'JOURNAL_KEY_FILE',
      message: `cannot read the key file (${through}: ENOTDIR)`,
      context: { file: through, errno: 'ENOTDIR' },
      cause: true,
    });
    // a dangling link: stat finds nothing (ENOENT), and creating the file refuses to follow it
    const link = join(dir, 'journal.key');
    symlinkSync(join(dir, 'nowhere'), link);
    expect(refusal(() => loadKeyFile(link))).toEqual({
      code: 'JOURNAL_KEY_FILE',
      message: `cannot create the key file (${link}: EEXIST)`,
      context: { file: link, errno: 'EEXIST' },
      cause: true,
    });
    expect(() => statSync(join(dir, 'nowhere'))).toThrow();
  });
});
