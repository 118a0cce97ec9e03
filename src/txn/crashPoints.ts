/**
 * Crash points for the chaos test (docs/transactions.md, "Crash points"): places in the
 * transaction engine and the forwarder where the process may SIGKILL itself, to test recovery
 * between "committed" and "sent" and between "answer received" and "committed". Inert unless
 * the environment variable POSTERM_CRASH_POINTS is set, e.g. `after-commit:0.05,after-answer:0.05`
 * (POSTERM_CRASH_SEED makes the draws repeatable).
 */
import { writeSync } from 'node:fs';
import { PosError } from '../errors.js';
import { seededRandom } from '../seededRandom.js';

export const CRASH_POINTS = [
  /** TxnEngine: request committed as sent, its bytes not yet handed to the socket. */
  'after-commit',
  /** TxnEngine: the host's answer arrived, the outcome not yet committed. */
  'after-answer',
  /** Forwarder: reversal / advice attempt committed, its bytes not yet sent. */
  'forward-after-commit',
  /** Forwarder: the 0410 / 0230 arrived, the result not yet committed. */
  'forward-after-answer',
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];

export const CRASH_POINTS_ENV = 'POSTERM_CRASH_POINTS';
export const CRASH_SEED_ENV = 'POSTERM_CRASH_SEED';

/** Parses `name:probability,...` (probability 0..1). Bad text: PosError EMU_BAD_CRASH_POINTS. */
export function parseCrashPoints(text: string): Map<CrashPointName, number> {
  const table = new Map<CrashPointName, number>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const m = /^([a-z-]+):(\d+(?:\.\d+)?|\.\d+)$/.exec(item);
    const name = m?.[1] as CrashPointName | undefined;
    const p = Number(m?.[2]);
    if (!m || !CRASH_POINTS.includes(name!) || !(p >= 0 && p <= 1)) {
      throw new PosError('EMU_BAD_CRASH_POINTS', `bad crash point '${item}' (want NAME:0..1)`, {
        key: CRASH_POINTS_ENV,
        known: CRASH_POINTS.join(','),
      });
    }
    table.set(name!, p);
  }
  return table;
}

export { seededRandom };

let state: { table: Map<CrashPointName, number>; random: () => number } | undefined;

/** Re-reads the environment at the next crash point (tests). */
export function resetCrashPoints(): void {
  state = undefined;
}

/**
 * When POSTERM_CRASH_POINTS gives this point a probability, SIGKILLs the own process with it.
 * Without the variable it does nothing.
 */
export function crashPoint(name: CrashPointName, kill: (name: CrashPointName) => void = killSelf): void {
  if (state === undefined) {
    const text = process.env[CRASH_POINTS_ENV];
    const seed = process.env[CRASH_SEED_ENV];
    state = {
      table: text ? parseCrashPoints(text) : new Map(),
      random: seed && Number.isFinite(Number(seed)) ? seededRandom(Number(seed)) : Math.random,
    };
  }
  const p = state.table.get(name);
  if (!p || state.random() >= p) return;
  kill(name);
}

function killSelf(name: CrashPointName): void {
  try {
    writeSync(2, `posterm crash point ${name}: SIGKILL\n`);
  } catch {
    // stderr may be closed; the kill matters, not the note
  }
  process.kill(process.pid, 'SIGKILL');
}
