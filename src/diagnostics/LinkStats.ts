/**
 * Per-link statistics for `posterm diag --watch`, like mtr: probes sent and lost, loss %, round
 * trip last / p50 / p99, jitter and link flaps. Pure: fed one probe result at a time.
 *
 * - p50 / p99: nearest rank over every answered probe.
 * - jitter: mean absolute difference between the round trips of consecutive answered probes
 *   (mtr's "Javg"); lost probes in between are skipped.
 * - flaps: times the link went down after having been up (an answered probe followed by a lost
 *   one); a link lost from the first probe has no flap, it never came up.
 */

export interface LinkSnapshot {
  sent: number;
  lost: number;
  /** lost / sent × 100, one decimal; 0 before the first probe */
  lossPct: number;
  /** round trip of the last answered probe, ms */
  lastMs: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  jitterMs: number | null;
  flaps: number;
  /** the last probe's outcome; null before the first */
  up: boolean | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export class LinkStats {
  private sent = 0;
  private lost = 0;
  private readonly rtts: number[] = [];
  private sorted: number[] | undefined;
  private jitterSum = 0;
  private jitterN = 0;
  private flaps = 0;
  private up: boolean | null = null;
  private last: number | null = null;

  /** One probe: answered with its round trip (ms), or lost (rttMs undefined). */
  record(rttMs: number | undefined): void {
    this.sent++;
    if (rttMs === undefined) {
      this.lost++;
      if (this.up === true) this.flaps++;
      this.up = false;
      return;
    }
    if (this.last !== null) {
      this.jitterSum += Math.abs(rttMs - this.last);
      this.jitterN++;
    }
    this.last = rttMs;
    this.rtts.push(rttMs);
    this.sorted = undefined;
    this.up = true;
  }

  snapshot(): LinkSnapshot {
    this.sorted ??= [...this.rtts].sort((a, b) => a - b);
    const p50 = percentile(this.sorted, 50);
    const p99 = percentile(this.sorted, 99);
    return {
      sent: this.sent,
      lost: this.lost,
      lossPct: this.sent === 0 ? 0 : round1((this.lost / this.sent) * 100),
      lastMs: this.last === null ? null : round1(this.last),
      p50Ms: p50 === null ? null : round1(p50),
      p99Ms: p99 === null ? null : round1(p99),
      jitterMs: this.jitterN === 0 ? null : round1(this.jitterSum / this.jitterN),
      flaps: this.flaps,
      up: this.up,
    };
  }
}
