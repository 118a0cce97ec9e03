/**
 * A small pid file beside the journal (`<journal>.pid`, mode 0600), only for the message when a
 * second runtime is refused. The lock itself is the kernel's, held by the journal's SQLite
 * connection (Journal.open): it goes away with the process, even after SIGKILL, so a stale pid
 * file never keeps a runtime from starting.
 */
import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { isPosError, PosError } from '../errors.js';

export function pidFileOf(journalPath: string): string {
  return `${journalPath}.pid`;
}

/** Written once this process holds the journal's lock. Best effort: it only feeds a message. */
export function writePidFile(journalPath: string): void {
  const file = pidFileOf(journalPath);
  try {
    writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch {
    // no pid file: a refused second runtime then says less, nothing else changes
  }
}

/** Removes the pid file if it is this process's. */
export function removePidFile(journalPath: string): void {
  if (readPid(journalPath) !== process.pid) return;
  try {
    unlinkSync(pidFileOf(journalPath));
  } catch {
    // gone already
  }
}

function readPid(journalPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFileOf(journalPath), 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** JOURNAL_LOCKED from Journal.open, told as "another posterm is running, pid N". */
export function explainLocked(e: unknown, journalPath: string): unknown {
  if (!isPosError(e, 'JOURNAL_LOCKED')) return e;
  const pid = readPid(journalPath);
  const who = pid ? `another posterm is running, pid ${pid}` : 'another process holds the journal';
  return new PosError(
    'JOURNAL_LOCKED',
    `${who} (journal ${journalPath}); stop it first, one runtime per journal`,
    { ...e.context, file: journalPath, ...(pid ? { pid } : {}) },
    { cause: e },
  );
}
