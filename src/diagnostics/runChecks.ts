/**
 * The ordered runner: runs each check in turn, times it, and skips a check whose prerequisite
 * failed (or was skipped), naming it. A check that throws or hangs is a failure of that check
 * (DIAG_CHECK_CRASHED, DIAG_CHECK_TIMEOUT), never of the whole run.
 */
import { isPosError } from '../errors.js';
import type { CheckOutcome, DiagCheck, DiagOutcome, DiagResult } from './DiagResult.js';
import { HINTS } from './hints.js';

export interface RunChecksOptions {
  /** Longest a single check may take (default 60 s). */
  checkTimeoutMs?: number;
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number;
  /** Results of checks run before (prerequisites may name them). */
  prior?: DiagResult[];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function whyNot(c: DiagCheck, done: Map<string, DiagResult>): string | undefined {
  const ok = (id: string) => {
    const r = done.get(id)?.result;
    return r === 'pass' || r === 'warn';
  };
  const state = (id: string) => {
    const r = done.get(id);
    if (!r) return 'did not run';
    if (r.result !== 'skipped') return 'failed';
    return r.skippedBecause ? `was skipped (${r.skippedBecause})` : 'was skipped';
  };
  for (const id of c.requires ?? []) if (!ok(id)) return `${id} ${state(id)}`;
  const any = c.requiresAny ?? [];
  if (any.length > 0 && !any.some(ok)) return any.map((id) => `${id} ${state(id)}`).join('; ');
  return undefined;
}

async function runOne(c: DiagCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          result: 'fail',
          evidence: { code: 'DIAG_CHECK_TIMEOUT', timeoutMs },
          hint: 'diag.timeout',
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      c.run().catch(
        (e: unknown): CheckOutcome => ({
          result: 'fail',
          evidence: {
            code: 'DIAG_CHECK_CRASHED',
            error: isPosError(e) ? e.code : e instanceof Error ? e.name : 'unknown',
            message: isPosError(e) ? e.message : undefined,
          },
          hint: 'diag.crashed',
        }),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: DiagCheck[], opts: RunChecksOptions = {}): Promise<DiagResult[]> {
  const now = opts.now ?? (() => performance.now());
  const timeoutMs = opts.checkTimeoutMs ?? 60_000;
  const done = new Map<string, DiagResult>((opts.prior ?? []).map((r) => [r.id, r]));
  const results: DiagResult[] = [];
  for (const c of checks) {
    const because = whyNot(c, done);
    let r: DiagResult;
    if (because) {
      r = {
        id: c.id,
        title: c.title,
        result: 'skipped',
        skippedBecause: because,
        durationMs: 0,
        evidence: {},
      };
    } else {
      const t0 = now();
      const o = await runOne(c, c.timeoutMs ?? timeoutMs);
      r = {
        id: c.id,
        title: c.title,
        result: o.result,
        ...(o.skippedBecause ? { skippedBecause: o.skippedBecause } : {}),
        durationMs: round(now() - t0),
        evidence: o.evidence,
        ...(o.hint && o.result !== 'pass' ? { hint: { ...HINTS[o.hint] } } : {}),
      };
    }
    done.set(c.id, r);
    results.push(r);
  }
  return results;
}

export function summarise(results: DiagResult[]): Record<DiagOutcome, number> {
  const s: Record<DiagOutcome, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const r of results) s[r.result]++;
  return s;
}

/** 0 all pass (or not applicable), 1 a warning, 2 a failure. */
export function exitCodeOf(results: DiagResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.result === 'fail')) return 2;
  if (results.some((r) => r.result === 'warn')) return 1;
  return 0;
}
