/**
 * Exponential backoff with jitter for reconnect attempts (pure; the caller sleeps on its Clock).
 * delay(n) = min(maxMs, initialMs * factor^n) * (1 + jitter * (2r - 1)), r in [0, 1).
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: the delay varies by up to this fraction either way. */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 };

export class Backoff {
  private failures = 0;

  constructor(
    readonly policy: BackoffPolicy = defaultBackoff,
    private readonly random: () => number = Math.random,
  ) {}

  /** Consecutive failures recorded since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** Delay for the given failure count (0 = after the first failure). */
  delayFor(n: number): number {
    const p = this.policy;
    const base = Math.min(p.maxMs, p.initialMs * p.factor ** n);
    const j = Math.min(1, Math.max(0, p.jitter));
    return Math.max(0, Math.round(base * (1 + j * (2 * this.random() - 1))));
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  fail(): number {
    return this.delayFor(this.failures++);
  }

  reset(): void {
    this.failures = 0;
  }
}
