/**
 * Local control channel for the till and the CLI: newline-delimited JSON over a Unix socket.
 *   request:  {"id":1,"method":"sale","params":{...}}
 *   response: {"id":1,"ok":true,"result":{...}} | {"id":1,"ok":false,"error":{"code":"...","message":"..."}}
 * A later version speaks length-delimited protobuf on the same socket; the handlers stay.
 * A bad line gets a coded error answer; the server keeps running.
 */
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { isPosError, PosError } from '../errors.js';
import type { Logger } from '../log.js';

export type ControlHandler = (params: Record<string, unknown>) => Promise<unknown>;

const MAX_LINE = 64 * 1024;

export class ControlServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly handlers: Record<string, ControlHandler>,
    private readonly log: Logger,
  ) {}

  // opts.group: wired by the control-channel change
  async listen(path: string, _opts: { group?: string | number } = {}): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) unlinkSync(path); // a stale socket left by a killed runtime
    const server = createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE && !buf.includes('\n')) {
        this.reply(
          socket,
          null,
          new PosError('CONTROL_LINE_TOO_LONG', `request line over ${MAX_LINE} bytes`),
        );
        buf = '';
        return;
      }
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) void this.handle(socket, line);
      }
    });
  }

  private async handle(socket: Socket, line: string): Promise<void> {
    let req: { id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(line);
    } catch {
      this.reply(socket, null, new PosError('CONTROL_BAD_REQUEST', 'request is not JSON'));
      return;
    }
    const id = typeof req.id === 'number' || typeof req.id === 'string' ? req.id : null;
    const handler = typeof req.method === 'string' ? this.handlers[req.method] : undefined;
    if (!handler) {
      this.reply(
        socket,
        id,
        new PosError('CONTROL_UNKNOWN_METHOD', `unknown method '${String(req.method)}'`),
      );
      return;
    }
    try {
      const params =
        req.params && typeof req.params === 'object' ? (req.params as Record<string, unknown>) : {};
      this.reply(socket, id, null, await handler(params));
    } catch (e) {
      if (!isPosError(e))
        this.log.error({ err: (e as Error).message, method: req.method }, 'control handler failed');
      this.reply(socket, id, isPosError(e) ? e : new PosError('CONTROL_INTERNAL', 'internal error'));
    }
  }

  private reply(socket: Socket, id: unknown, err: PosError | null, result?: unknown): void {
    if (socket.destroyed) return;
    const msg = err
      ? { id, ok: false, error: { code: err.code, message: err.message } }
      : { id, ok: true, result: result ?? null };
    socket.write(`${JSON.stringify(msg)}\n`);
  }
}
