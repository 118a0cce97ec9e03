/**
 * Journal faults for the chaos run (TEST-ONLY, in the spirit of src/txn/crashPoints.ts): the
 * journal's disk "fills up" at random moments for a random short while. Inert unless the
 * environment variable POSTERM_JOURNAL_FAULTS is set; it is read once, when the runtime opens its
 * journal (openRuntimeJournal). No profile key reaches it.
 *
 *   POSTERM_JOURNAL_FAULTS=disk-full:0.05                 each 100 ms tick: an episode starts with p 0.05
 *   POSTERM_JOURNAL_FAULTS=disk-full:0.05,disk-full-ms:400  episodes last 20..400 ms (default 1000)
 *   POSTERM_JOURNAL_FAULTS_SEED=7                         the same draws on every run
 *
 * An episode is SQLite's own mechanism, not a simulated error: PRAGMA max_page_count is set to the
 * current page count, so every write that needs a new page fails with a real SQLITE_FULL
 * (JOURNAL_DISK_FULL), rolled back, as on a full disk; then the previous cap comes back. Each
 * episode writes `posterm journal fault disk-full: N ms` to stderr (the chaos supervisor counts
 * them) and a warn line to the log. Bad text: PosError EMU_BAD_JOURNAL_FAULTS when the journal
 * opens (the runtime does not start).
 */
import { writeSync } from 'node:fs';
import { PosError } from '../errors.js';
import type { Logger } from '../log.js';
import { seededRandom } from '../seededRandom.js';
import type { Journal } from './Journal.js';

export const JOURNAL_FAULTS_ENV = 'POSTERM_JOURNAL_FAULTS';
export const JOURNAL_FAULTS_SEED_ENV = 'POSTERM_JOURNAL_FAULTS_SEED';

/** How often an episode may start. */
export const FAULT_TICK_MS = 100;
/** Shortest episode. */
const MIN_EPISODE_MS = 20;

export interface JournalFaults {
  /** Per tick (100 ms): probability that a disk-full episode starts (0..1). */
  diskFull: number;
  /** Longest episode in ms (each lasts 20..this, drawn). */
  diskFullMs: number;
}

/** Parses `disk-full:P[,disk-full-ms:N]`. Bad text: PosError EMU_BAD_JOURNAL_FAULTS. */
export function parseJournalFaults(text: string): JournalFaults {
  const faults: JournalFaults = { diskFull: 0, diskFullMs: 1000 };
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const m = /^([a-z-]+):(\d+(?:\.\d+)?|\.\d+)$/.exec(item);
    const value = Number(m?.[2]);
    if (m?.[1] === 'disk-full' && value >= 0 && value <= 1) faults.diskFull = value;
    else if (m?.[1] === 'disk-full-ms' && Number.isInteger(value) && value >= MIN_EPISODE_MS)
      faults.diskFullMs = value;
    else {
      throw new PosError(
        'EMU_BAD_JOURNAL_FAULTS',
        `bad journal fault '${item}' (want disk-full:0..1 or disk-full-ms:${MIN_EPISODE_MS}..)`,
        { key: JOURNAL_FAULTS_ENV },
      );
    }
  }
  return faults;
}

export interface JournalFaultsHandle {
  /** Episodes started so far. */
  readonly episodes: number;
  /** Ends the current episode (the cap comes back) and stops drawing. */
  stop(): void;
}

/**
 * Starts the disk-full episodes when POSTERM_JOURNAL_FAULTS asks for them; otherwise does nothing
 * and returns undefined. The timer does not keep the process alive and stops by itself once the
 * journal is closed.
 */
export function armJournalFaults(
  journal: Journal,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): JournalFaultsHandle | undefined {
  const text = env[JOURNAL_FAULTS_ENV];
  if (!text) return undefined;
  const faults = parseJournalFaults(text);
  if (faults.diskFull === 0) return undefined;
  const seed = env[JOURNAL_FAULTS_SEED_ENV];
  const random = seed && Number.isFinite(Number(seed)) ? seededRandom(Number(seed)) : Math.random;
  let episodes = 0;
  let restore: number | undefined;
  let endTimer: NodeJS.Timeout | undefined;

  const end = () => {
    clearTimeout(endTimer);
    endTimer = undefined;
    if (restore === undefined) return;
    const max = restore;
    restore = undefined;
    try {
      journal.pageLimit(max);
    } catch {
      // the journal is closed: nothing to give back
    }
  };
  const tick = () => {
    if (restore !== undefined || random() >= faults.diskFull) return;
    const ms = MIN_EPISODE_MS + Math.floor(random() * (faults.diskFullMs - MIN_EPISODE_MS + 1));
    try {
      const before = journal.pageLimit();
      journal.pageLimit(before.pages);
      restore = before.max;
    } catch {
      handle.stop(); // the journal is closed
      return;
    }
    episodes++;
    note(`posterm journal fault disk-full: ${ms} ms\n`);
    log.warn({ fault: 'disk-full', ms }, 'test fault: journal disk full');
    endTimer = setTimeout(end, ms);
    endTimer.unref();
  };
  const timer = setInterval(tick, FAULT_TICK_MS);
  timer.unref();
  const handle: JournalFaultsHandle = {
    get episodes() {
      return episodes;
    },
    stop() {
      clearInterval(timer);
      end();
    },
  };
  log.warn({ faults: text }, `test faults armed (${JOURNAL_FAULTS_ENV})`);
  return handle;
}

function note(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // stderr may be closed; the fault matters, not the note
  }
}
