/**
 * Standalone reader checks over one ReaderDriver kept open for the whole run: `reader.ping`
 * (a NEO 2 reader answers: ping, firmware, serial number), `reader.frames` (a burst of pings
 * and what the frame parser counted meanwhile: noise, bad CRC, bad length, lost answers) and
 * the card read of the MAC check (`--card`). Closed at the end of the run.
 */

import { systemClock } from '../clock.js';
import { isPosError } from '../errors.js';
import { silentLogger } from '../log.js';
import { ReaderDriver } from '../reader/ReaderDriver.js';
import type { ReaderCounters } from '../reader/ReaderDriverOptions.js';
import { ReaderCardSource } from '../runtime/ReaderCardSource.js';
import type { CardReadResult } from '../txn/ports.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import { percentile } from './LinkStats.js';
import type { SerialTarget } from './serialChecks.js';

/** Pings in the burst of `reader.frames`, and how long each may take. */
export const BURST_PINGS = 20;
export const BURST_PING_TIMEOUT_MS = 500;

const round2 = (x: number) => Math.round(x * 100) / 100;

function frameCounts(c: ReaderCounters) {
  return {
    ok: c.frames,
    noiseBytes: c.noiseBytes,
    noiseRuns: c.noiseRuns,
    badCrc: c.badCrc,
    badLength: c.badLength,
    interByteTimeouts: c.timeouts,
  };
}

type FrameCounts = ReturnType<typeof frameCounts>;

function minus(a: FrameCounts, b: FrameCounts): FrameCounts {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof FrameCounts)[]) out[k] = a[k] - b[k];
  return out;
}

export class ReaderProbe {
  private readonly driver: ReaderDriver;

  constructor(private readonly t: SerialTarget) {
    this.driver = new ReaderDriver({
      path: t.device,
      baud: t.baud,
      binding: t.binding,
      interByteTimeoutMs: t.interByteTimeoutMs,
      idlePingMs: 0,
      retries: 0,
      timeouts: { ping: BURST_PING_TIMEOUT_MS },
      startTimeoutMs: t.answerTimeoutMs ?? 3000,
      backoff: { initialMs: 200, maxMs: 1000 },
    });
  }

  /** `reader.ping`: a NEO 2 reader answers: ping round trip, firmware, serial number, frame counters. */
  async answers(): Promise<CheckOutcome> {
    try {
      await this.driver.start();
      const pingMs = await this.driver.ping();
      const firmware = await this.driver.firmwareVersion();
      const serialNumber = await this.driver.serialNumber();
      return pass({
        device: this.t.device,
        pingMs: round2(pingMs),
        firmware,
        serialNumber,
        frames: frameCounts(this.driver.counters),
      });
    } catch (e) {
      const frames = frameCounts(this.driver.counters);
      // bytes came, none of them a frame: something else is on this port
      const notReader = frames.ok === 0 && frames.noiseBytes > 0;
      return {
        result: 'fail',
        evidence: {
          device: this.t.device,
          code: isPosError(e) ? e.code : undefined,
          reason: (e as Error).message,
          line: notReader
            ? 'bytes that are not NEO 2 frames'
            : frames.ok === 0
              ? 'silent'
              : 'frames, then none',
          frames,
        },
        hint: notReader ? 'reader.notReader' : 'reader.noAnswer',
      };
    }
  }

  /**
   * `reader.frames`: BURST_PINGS pings one after the other; lost answers, round trips and what the
   * parser counted during the burst. Any loss or framing error warns; half or more lost fails.
   */
  async burst(n = BURST_PINGS): Promise<CheckOutcome> {
    const before = frameCounts(this.driver.counters);
    const rtts: number[] = [];
    const lost: string[] = [];
    for (let i = 0; i < n; i++) {
      try {
        rtts.push(await this.driver.ping());
      } catch (e) {
        lost.push(isPosError(e) ? e.code : (e as Error).name);
        // a lost answer may leave the driver reconnecting: wait for it before the next ping
        await this.driver.waitConnected(2000).catch(() => {});
      }
    }
    const sorted = [...rtts].sort((a, b) => a - b);
    const during = minus(frameCounts(this.driver.counters), before);
    const evidence = {
      device: this.t.device,
      pings: n,
      answered: rtts.length,
      lost: lost.length,
      ...(lost.length ? { lostBy: [...new Set(lost)] } : {}),
      rttP50Ms: sorted.length ? round2(percentile(sorted, 50) ?? 0) : null,
      rttMaxMs: sorted.length ? round2(sorted[sorted.length - 1]) : null,
      frames: during,
    };
    const errors = during.badCrc + during.badLength + during.noiseBytes + during.interByteTimeouts;
    if (lost.length * 2 >= n) return { result: 'fail', evidence, hint: 'reader.frameErrors' };
    if (lost.length > 0 || errors > 0) return { result: 'warn', evidence, hint: 'reader.frameErrors' };
    return pass(evidence);
  }

  /** A card for the MAC check (balance inquiry), as the runtime reads one. */
  readCard(timeoutS: number): Promise<CardReadResult> {
    return new ReaderCardSource(this.driver, systemClock, silentLogger).readCard({
      amountMinor: 0,
      type: 'inquiry',
      timeoutS,
    });
  }

  close(): Promise<void> {
    return this.driver.stop();
  }
}
