import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { PosError } from '../errors.js';

export interface LoadKeyFileOptions {
  /**
   * The journal the key belongs to. When that journal exists, a missing key file is refused
   * (JOURNAL_KEY_MISSING): a key is made only together with a new journal.
   */
  journal?: { path: string; exists: boolean };
}

/**
 * Loads the journal's 32-byte card-data key from a file (64 hex digits). Creates it with mode
 * 0600 (32 random bytes) when absent, unless opts.journal says the journal exists already.
 * Refuses a file that is not 64 hex digits, or that group or others may read. The key never
 * goes into the database. Errors name the key file.
 */
export function loadKeyFile(path: string, opts: LoadKeyFileOptions = {}): Buffer {
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw keyFileError(path, 'cannot read the key file', e);
  }
  if (!st) {
    if (opts.journal?.exists) {
      throw new PosError(
        'JOURNAL_KEY_MISSING',
        `key file ${path} is missing but the journal ${opts.journal.path} exists: restore the key file from backup (the journal cannot be read without it); no new key was made`,
        { file: path, journal: opts.journal.path },
      );
    }
    return createKeyFile(path);
  }
  if (!st.isFile()) throw keyFileError(path, 'key file is not a regular file');
  if ((st.mode & 0o077) !== 0) {
    throw new PosError(
      'JOURNAL_KEY_FILE_MODE',
      `key file ${path} is readable by group or others (chmod 600 it)`,
      { file: path, mode: (st.mode & 0o777).toString(8) },
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw keyFileError(path, 'cannot read the key file', e);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw keyFileError(path, 'key file must hold exactly 64 hex digits');
  return Buffer.from(text, 'hex');
}

function createKeyFile(path: string): Buffer {
  const key = randomBytes(32);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${key.toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600); // in case the umask was stricter or looser
  } catch (e) {
    throw keyFileError(path, 'cannot create the key file', e);
  }
  return key;
}

function keyFileError(path: string, message: string, cause?: unknown): PosError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new PosError(
    'JOURNAL_KEY_FILE',
    `${message} (${path}${code ? `: ${code}` : ''})`,
    {
      file: path,
      ...(code ? { errno: code } : {}),
    },
    { cause },
  );
}
