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
import type { Server, Socket } from 'node:net';
import { isPosError, PosError } from '../errors.js';
import type { Logger } from '../log.js';
import { maskPansInText } from '../mask.js';
import { type FramedItem, LineFramer } from './LineFramer.js';
import { type ControlListenOptions, errnoOf, listenUnixSocket } from './listenUnixSocket.js';
import { type ControlId, echo, parseControlRequest } from './parseControlRequest.js';

export { type ControlListenOptions, controlListenError, SOCKET_MODE } from './listenUnixSocket.js';

export type ControlHandler = (params: Record<string, unknown>) => Promise<unknown>;

/** Longest request line in bytes (without its newline). */
export const MAX_LINE = 64 * 1024;

/** Stop reading a connection while this much of its answers is still unsent. */
const WRITE_HIGH_WATER = 1024 * 1024;

function isBlank(b: Buffer): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  return true;
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
    this.server = await listenUnixSocket(path, opts, (s) => this.accept(s), this.log);
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
