/**
 * Local control channel for the till and the CLI: newline-delimited JSON over a Unix socket.
 *   request:  {"id":1,"method":"sale","params":{...}}
 *   response: {"id":1,"ok":true,"result":{...}} | {"id":1,"ok":false,"error":{"code":"...","message":"..."}}
 * A later version speaks length-delimited protobuf on the same socket; the handlers stay.
 *
 * Requests
 * - `id`: number or string, optional (answered as null); echoed in the answer so a client with
 *   several requests in flight can match them (answers come in completion order).
 * - `method`: one of the handlers' own names; anything else (also `constructor`, `__proto__`,
 *   `toString` ...) → CONTROL_UNKNOWN_METHOD.
 * - `params`: a JSON object, optional; present but not an object (null, array ...) →
 *   CONTROL_BAD_REQUEST.
 * - Blank lines are skipped. A line that is not UTF-8, not JSON, or not a JSON object →
 *   CONTROL_BAD_REQUEST. A line over 64 KiB → CONTROL_LINE_TOO_LONG once; the rest of that line,
 *   up to its newline, is discarded. A handler that throws something other than a PosError →
 *   CONTROL_INTERNAL (logged). No input stops the server.
 *
 * Connections
 * - Half-close: a client may end its side after writing; every request read (also a last line
 *   without a newline) is answered, then the server ends the connection.
 * - A client that goes away mid-request: the handler still runs to completion (a sale is
 *   finished and journalled); the answer is dropped and logged at info (method and id only).
 *
 * Socket file (see prepareSocketPath): never removes what is not a stale socket; refuses a path
 * with a live server (CONTROL_SOCKET_IN_USE). The socket file gets mode 0o660 and, with
 * `listen(path, { group })`, that group: the till's user joins the group to connect.
 */
import { chmodSync, chownSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { isPosError, PosError } from '../errors.js';
import type { Logger } from '../log.js';
import { maskPansInText } from '../mask.js';
import { type FramedItem, LineFramer } from './LineFramer.js';
import { type ControlId, echo, parseControlRequest } from './parseControlRequest.js';
import { prepareSocketPath, socketDirError } from './prepareSocketPath.js';
import { resolveGroupId } from './resolveGroupId.js';

export type ControlHandler = (params: Record<string, unknown>) => Promise<unknown>;

export interface ControlListenOptions {
  /**
   * Group that owns the socket file: a name (looked up in /etc/group) or a numeric gid. The
   * runtime's user must be a member (or root). Default: the runtime's own group.
   */
  group?: string | number;
}

/** Longest request line in bytes (without its newline). */
export const MAX_LINE = 64 * 1024;

/** Mode of the socket file: owner and group may connect, nobody else. */
export const SOCKET_MODE = 0o660;

/** Stop reading a connection while this much of its answers is still unsent. */
const WRITE_HIGH_WATER = 1024 * 1024;

const KEY = 'control.socket';

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? 'unknown';
}

function isBlank(b: Buffer): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  return true;
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

/** What a reply is about, for the log line when it cannot be delivered (never params). */
interface ReplyTo {
  id: ControlId;
  method?: string;
}

export class ControlServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** Own methods only: a Map has no inherited names (`constructor`, `__proto__` ...). */
  private readonly methods: ReadonlyMap<string, ControlHandler>;

  constructor(
    handlers: Record<string, ControlHandler>,
    private readonly log: Logger,
  ) {
    this.methods = new Map(Object.entries(handlers));
  }

  async listen(path: string, opts: ControlListenOptions = {}): Promise<void> {
    const gid = opts.group === undefined ? undefined : resolveGroupId(opts.group);
    await prepareSocketPath(path);
    const server = createServer({ allowHalfOpen: true }, (s) => this.accept(s));
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
    server.on('error', (e) => this.log.error({ errno: errnoOf(e), path }, 'control server error'));
    this.server = server;
    try {
      if (gid !== undefined) chownSync(path, -1, gid);
    } catch (e) {
      await this.close();
      throw new PosError(
        'CONTROL_SOCKET_GROUP',
        `cannot give ${path} to group ${String(opts.group)} (${errnoOf(e)}): the runtime's user must be a member`,
        { key: 'control.group', path, group: opts.group, errno: errnoOf(e) },
        { cause: e },
      );
    }
    try {
      chmodSync(path, SOCKET_MODE);
    } catch (e) {
      await this.close();
      throw new PosError(
        'CONTROL_SOCKET_PATH',
        `cannot set the mode of ${path} (${errnoOf(e)})`,
        { key: KEY, path, errno: errnoOf(e) },
        { cause: e },
      );
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const framer = new LineFramer(MAX_LINE);
    let inflight = 0;
    let ended = false;
    const finishIfDone = () => {
      if (ended && inflight === 0 && !socket.destroyed) socket.end();
    };
    const take = (items: FramedItem[]) => {
      for (const item of items) {
        if (item.kind === 'too-long') {
          this.reply(
            socket,
            { id: null },
            new PosError('CONTROL_LINE_TOO_LONG', `request line over ${MAX_LINE} bytes; discarded`, {
              limit: MAX_LINE,
            }),
          );
        } else if (!isBlank(item.bytes)) {
          inflight++;
          void this.handle(socket, item.bytes)
            .catch((e) => this.log.error({ err: errnoOf(e) }, 'control request failed'))
            .finally(() => {
              inflight--;
              finishIfDone();
            });
        }
      }
    };
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (e) => {
      this.log.debug({ errno: errnoOf(e) }, 'control connection error');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      take(framer.push(chunk));
      // A client that writes without reading: stop reading until it has taken its answers.
      if (socket.writableLength > WRITE_HIGH_WATER && !socket.isPaused()) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => {
      take(framer.end());
      ended = true;
      finishIfDone();
    });
  }

  private async handle(socket: Socket, line: Buffer): Promise<void> {
    const parsed = parseControlRequest(line);
    if (!parsed.ok) {
      this.reply(socket, { id: parsed.id }, parsed.error);
      return;
    }
    const { id, method, params } = parsed.request;
    const handler = this.methods.get(method);
    if (!handler) {
      this.reply(
        socket,
        { id },
        new PosError('CONTROL_UNKNOWN_METHOD', `unknown method ${echo(method)}`, { key: 'method' }),
      );
      return;
    }
    let result: unknown;
    try {
      result = await handler(params);
    } catch (e) {
      if (!isPosError(e)) {
        const err = maskPansInText(String((e as Error)?.message ?? e));
        this.log.error({ method, id: this.logId(id), err }, 'control handler failed');
      }
      const error = isPosError(e) ? e : new PosError('CONTROL_INTERNAL', 'internal error', { method });
      this.reply(socket, { id, method }, error);
      return;
    }
    this.reply(socket, { id, method }, null, result);
  }

  private logId(id: ControlId): ControlId {
    return typeof id === 'string' ? echo(id) : id;
  }

  /** Writes one answer. Never throws: a client that has gone is logged, not an error. */
  private reply(socket: Socket, to: ReplyTo, err: PosError | null, result?: unknown): void {
    const { id, method } = to;
    let line: string;
    try {
      line = JSON.stringify(
        err
          ? { id, ok: false, error: { code: err.code, message: err.message } }
          : { id, ok: true, result: result ?? null },
      );
    } catch (e) {
      this.log.error({ method, id: this.logId(id), err: errnoOf(e) }, 'control result not serialisable');
      line = JSON.stringify({
        id,
        ok: false,
        error: { code: 'CONTROL_INTERNAL', message: 'internal error' },
      });
    }
    const dropped = (errno?: string) =>
      this.log.info({ method, id: this.logId(id), errno }, 'control reply dropped: client gone');
    if (socket.destroyed || !socket.writable) {
      dropped();
      return;
    }
    socket.write(`${line}\n`, (e) => {
      if (e) dropped(errnoOf(e));
    });
  }
}
