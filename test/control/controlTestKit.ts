/** Helpers for control socket tests: a recording logger, a fresh socket path. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
