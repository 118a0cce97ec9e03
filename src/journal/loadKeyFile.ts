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

/**
 * Loads the journal's 32-byte card-data key from a file (64 hex digits). Creates it with mode
 * 0600 (32 random bytes) when absent. Refuses a file that is not 64 hex digits, or that group or
 * others may read. The key never goes into the database.
 */
export function loadKeyFile(path: string): Buffer {
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw keyFileError('cannot read the key file', e);
  }
  if (!st) return createKeyFile(path);
  if (!st.isFile()) throw keyFileError('key file is not a regular file');
  if ((st.mode & 0o077) !== 0) {
    throw new PosError('JOURNAL_KEY_FILE_MODE', 'key file is readable by group or others (chmod 600)', {
      mode: (st.mode & 0o777).toString(8),
    });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw keyFileError('cannot read the key file', e);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw keyFileError('key file must hold exactly 64 hex digits');
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
    throw keyFileError('cannot create the key file', e);
  }
  return key;
}

function keyFileError(message: string, cause?: unknown): PosError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new PosError('JOURNAL_KEY_FILE', message, code ? { errno: code } : {}, { cause });
}
