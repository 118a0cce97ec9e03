/** Helpers for control channel tests: a recording logger, raw exchanges, a gate for handlers. */
import { mkdtempSync } from 'node:fs';
import { connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlServer } from '../../src/control/ControlServer.js';
import type { Logger } from '../../src/log.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export interface RecordingLogger extends Logger {
  entries: LogEntry[];
  /** Resolves with the first entry (past or future) for which `match` is true. */
  waitFor(match: (e: LogEntry) => boolean): Promise<LogEntry>;
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const waiters: { match: (e: LogEntry) => boolean; resolve: (e: LogEntry) => void }[] = [];
  const add = (level: LogEntry['level']) => (obj: object, msg?: string) => {
    const e = { level, obj: obj as Record<string, unknown>, msg };
    entries.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  return {
    entries,
    debug: add('debug'),
    info: add('info'),
    warn: add('warn'),
    error: add('error'),
    waitFor(match) {
      const found = entries.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

export function tempSocketPath(name = 'control.sock'): string {
  return join(mkdtempSync(join(tmpdir(), 'posterm-ctl-')), name);
}

/**
 * Writes `data`, half-closes, and collects every answer line until the server ends the
 * connection. Resolves with the parsed lines (unparseable ones as strings).
 */
export function exchange(path: string, data: string | Buffer): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const chunks: Buffer[] = [];
    s.on('connect', () => s.end(data));
    s.on('error', reject);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(
        text
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            try {
              return JSON.parse(l);
            } catch {
              return l;
            }
          }),
      );
    });
  });
}

export function connected(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** A promise the test resolves by hand; `started` resolves when the handler begins waiting. */
export function gate<T = void>() {
  let open!: (v: T) => void;
  let markStarted!: () => void;
  const started = new Promise<void>((r) => {
    markStarted = r;
  });
  const opened = new Promise<T>((r) => {
    open = r;
  });
  let finished = false;
  return {
    started,
    open,
    get finished() {
      return finished;
    },
    async wait(): Promise<T> {
      markStarted();
      const v = await opened;
      finished = true;
      return v;
    },
  };
}

/**
 * Resolves when the server side of the next accepted connection has seen the client's end
 * (after ControlServer's own 'end' handler ran). Reaches into the private net.Server on purpose:
 * it is the only way to order "client gone" before "handler finishes" without sleeping.
 */
export function nextServerSideEnd(server: ControlServer): Promise<void> {
  const net = (server as unknown as { server: Server }).server;
  return new Promise((resolve) => net.once('connection', (s: Socket) => s.once('end', () => resolve())));
}
