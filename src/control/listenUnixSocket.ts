/**
 * Listens on the control socket path safely, for any control server: the path is prepared by
 * prepareSocketPath (never removes what is not a stale socket, refuses a live one), the socket
 * file gets mode 0o660 and, with `group`, that group (the till's user joins the group to connect).
 * A failure is a coded error naming the path (and closes what was opened).
 */
import { chmodSync, chownSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { PosError } from '../errors.js';
import type { Logger } from '../log.js';
import { prepareSocketPath, socketDirError } from './prepareSocketPath.js';
import { resolveGroupId } from './resolveGroupId.js';

export interface ControlListenOptions {
  /**
   * Group that owns the socket file: a name (looked up in /etc/group) or a numeric gid. The
   * runtime's user must be a member (or root). Default: the runtime's own group.
   */
  group?: string | number;
}

/** Mode of the socket file: owner and group may connect, nobody else. */
export const SOCKET_MODE = 0o660;

const KEY = 'control.socket';

export function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? 'unknown';
}

/** A listen() failure as a coded error naming the path and errno (exported for tests). */
export function controlListenError(path: string, e: unknown): PosError {
  const errno = errnoOf(e);
  if (errno === 'EADDRINUSE') {
    return new PosError(
      'CONTROL_SOCKET_IN_USE',
      `another process bound ${path} (EADDRINUSE)`,
      { key: KEY, path, errno },
      { cause: e },
    );
  }
  if (['EACCES', 'EPERM', 'ENOTDIR', 'ENOENT', 'EROFS'].includes(errno))
    return socketDirError(dirname(path), path, errno, e);
  return new PosError(
    'CONTROL_SOCKET_LISTEN',
    `cannot listen on ${path} (${errno})`,
    { key: KEY, path, errno },
    { cause: e },
  );
}

/** A listening server (half-open connections allowed) on `path`, with its mode and group set. */
export async function listenUnixSocket(
  path: string,
  opts: ControlListenOptions,
  onConnection: (s: Socket) => void,
  log: Logger,
): Promise<Server> {
  const gid = opts.group === undefined ? undefined : resolveGroupId(opts.group);
  await prepareSocketPath(path);
  const server = createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    const onError = (e: unknown) => reject(controlListenError(path, e));
    server.once('error', onError);
    try {
      server.listen(path, () => {
        server.off('error', onError);
        resolve();
      });
    } catch (e) {
      reject(controlListenError(path, e));
    }
  });
  server.on('error', (e) => log.error({ errno: errnoOf(e), path }, 'control server error'));
  const fail = async (err: PosError): Promise<never> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  };
  try {
    if (gid !== undefined) chownSync(path, -1, gid);
  } catch (e) {
    return fail(
      new PosError(
        'CONTROL_SOCKET_GROUP',
        `cannot give ${path} to group ${String(opts.group)} (${errnoOf(e)}): the runtime's user must be a member`,
        { key: 'control.group', path, group: opts.group, errno: errnoOf(e) },
        { cause: e },
      ),
    );
  }
  try {
    chmodSync(path, SOCKET_MODE);
  } catch (e) {
    return fail(
      new PosError(
        'CONTROL_SOCKET_PATH',
        `cannot set the mode of ${path} (${errnoOf(e)})`,
        { key: KEY, path, errno: errnoOf(e) },
        { cause: e },
      ),
    );
  }
  return server;
}
