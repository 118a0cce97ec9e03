/**
 * Makes a control socket path ready to listen on, without destroying anything that is not ours:
 * - too long for `sun_path` → CONTROL_SOCKET_PATH_TOO_LONG (before touching the disk);
 * - parent missing → created with mode 0o750; a parent that cannot be made or used (a path
 *   component is a file, no permission) → CONTROL_SOCKET_DIR naming the directory;
 * - a socket with a live server behind it → CONTROL_SOCKET_IN_USE; a stale socket (connection
 *   refused) → removed;
 * - anything else at the path (regular file, directory, symlink) → CONTROL_SOCKET_PATH, left alone.
 */
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { PosError } from '../errors.js';

/** Longest socket path in bytes: `sun_path` less its terminating NUL (108 on Linux, 104 on BSDs). */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** Mode of a parent directory the runtime creates for its socket. */
export const SOCKET_DIR_MODE = 0o750;

const KEY = 'control.socket';

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'unknown';
}

/** The error for a parent directory problem (also used for EACCES/ENOTDIR at bind time). */
export function socketDirError(dir: string, path: string, errno: string, cause?: unknown): PosError {
  const why =
    errno === 'ENOTDIR' || errno === 'EEXIST'
      ? 'a component of it is not a directory'
      : errno === 'EACCES' || errno === 'EPERM'
        ? 'permission denied'
        : errno === 'EROFS'
          ? 'read-only file system'
          : errno;
  return new PosError(
    'CONTROL_SOCKET_DIR',
    `cannot use directory ${dir} for the control socket: ${why} (${errno})`,
    { key: KEY, dir, path, errno },
    { cause },
  );
}

function ensureDir(dir: string, path: string): void {
  let first: string | undefined;
  try {
    first = mkdirSync(dir, { recursive: true, mode: SOCKET_DIR_MODE });
  } catch (e) {
    throw socketDirError(dir, path, errnoOf(e), e);
  }
  if (first === undefined) return;
  // mkdir's mode passes through the umask; set it exactly on every directory made here.
  try {
    for (let d = dir; ; d = dirname(d)) {
      chmodSync(d, SOCKET_DIR_MODE);
      if (d === first || dirname(d) === d) break;
    }
  } catch (e) {
    throw socketDirError(dir, path, errnoOf(e), e);
  }
}

/** 'live' when a server accepts a connection on the socket, 'stale' when refused. */
function probe(path: string): Promise<'live' | 'stale' | { errno: string }> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve('live');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.destroy();
      // EAGAIN: the listener's backlog is full, so it is alive.
      if (e.code === 'EAGAIN') resolve('live');
      else if (e.code === 'ECONNREFUSED') resolve('stale');
      else resolve({ errno: errnoOf(e) });
    });
  });
}

export async function prepareSocketPath(path: string): Promise<void> {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new PosError(
      'CONTROL_SOCKET_PATH_TOO_LONG',
      `control socket path is ${bytes} bytes, over the limit of ${MAX_SOCKET_PATH_BYTES}: ${path}`,
      { key: KEY, path, bytes, limit: MAX_SOCKET_PATH_BYTES },
    );
  }
  const dir = dirname(path);
  ensureDir(dir, path);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch (e) {
    const errno = errnoOf(e);
    if (errno === 'ENOENT') return;
    throw socketDirError(dir, path, errno, e);
  }
  if (!st.isSocket()) {
    const what = st.isFile() ? 'a regular file' : st.isDirectory() ? 'a directory' : 'not a socket';
    throw new PosError(
      'CONTROL_SOCKET_PATH',
      `${path} exists and is ${what}; not removing it (move it away or choose another control.socket)`,
      { key: KEY, path },
    );
  }
  const found = await probe(path);
  if (found === 'live') {
    throw new PosError('CONTROL_SOCKET_IN_USE', `another posterm is listening on ${path}`, {
      key: KEY,
      path,
    });
  }
  if (found !== 'stale') {
    throw new PosError(
      'CONTROL_SOCKET_PATH',
      `${path} is a socket that cannot be probed (${found.errno}); remove it if no posterm is running`,
      { key: KEY, path, errno: found.errno },
    );
  }
  try {
    unlinkSync(path); // left by a runtime that was killed
  } catch (e) {
    const errno = errnoOf(e);
    if (errno !== 'ENOENT') throw socketDirError(dir, path, errno, e);
  }
}
