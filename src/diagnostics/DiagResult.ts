/**
 * What `posterm diag` reports: one typed result per check, in a fixed order, each with a stable
 * id, its duration, what was measured (evidence: no keys, PANs or track data) and, when not a
 * pass, a hint in English and Chinese for the technician.
 */

import type { DiagHint, HintId } from './hints.js';

export type { DiagHint };

export type DiagOutcome = 'pass' | 'warn' | 'fail' | 'skipped';

export interface DiagResult {
  /** Stable id, e.g. `host.primary.tls`. */
  id: string;
  title: string;
  result: DiagOutcome;
  /** Why it did not run: the prerequisite that failed, or why it does not apply. */
  skippedBecause?: string;
  durationMs: number;
  evidence: Record<string, unknown>;
  hint?: DiagHint;
}

/** What a check's function returns; the runner adds the id, title and duration. */
export interface CheckOutcome {
  result: DiagOutcome;
  evidence: Record<string, unknown>;
  /** A key of HINTS (./hints.ts); required for warn and fail. */
  hint?: HintId;
  skippedBecause?: string;
}

export interface DiagCheck {
  id: string;
  title: string;
  /** Skipped unless each of these passed or warned. */
  requires?: string[];
  /** Skipped unless at least one of these passed or warned. */
  requiresAny?: string[];
  /** Longest this check may take, when not the run's (a card read waits for a person). */
  timeoutMs?: number;
  run(): Promise<CheckOutcome>;
}

/** Where the reader, journal and host facts came from. */
export type DiagMode = 'standalone' | 'running-runtime';

export interface DiagReport {
  profile: string | null;
  mode: DiagMode;
  /** ISO time */
  startedAt: string;
  results: DiagResult[];
  summary: Record<DiagOutcome, number>;
  /** 0 all pass, 1 warnings, 2 a failure (3: diag could not run; never in a report). */
  exitCode: 0 | 1 | 2;
}

export function pass(evidence: Record<string, unknown>): CheckOutcome {
  return { result: 'pass', evidence };
}

export function notApplicable(because: string, evidence: Record<string, unknown> = {}): CheckOutcome {
  return { result: 'skipped', skippedBecause: because, evidence };
}
