/**
 * Opens streams to the acquirer for HostLink: connect timeout, rounds over [active, other]
 * endpoints, exponential backoff between failed rounds, failover to the backup and periodic
 * probes of the primary (failback). All timing on the injected Clock.
 */
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../clock.js';
import { isPosError, isSecurityFailure, PosError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Backoff } from './Backoff.js';
import { type ConnectFn, endpointLabel, type HostEndpoint } from './HostEndpoint.js';

export interface EndpointSwitch {
  kind: 'failover' | 'failback';
  from: string;
  to: string;
  reason: string;
}

export interface EndpointDialerOptions {
  endpoints: HostEndpoint[];
  connect: ConnectFn;
  clock: Clock;
  log: Logger;
  connectMs: number;
  backoff: Backoff;
  rounds: number;
  failbackIntervalMs: number;
  onSwitch: (s: EndpointSwitch) => void;
  onConnectFailure: () => void;
}

export function codeOf(e: unknown): string {
  if (isPosError(e)) return e.code;
  if (e && typeof e === 'object' && 'code' in e) return String((e as { code: unknown }).code);
  return 'unknown';
}

export class EndpointDialer {
  private activeIndex = 0;
  private retryAt = 0;
  private closed = false;
  private failbackTimer: TimerHandle | undefined;

  constructor(private readonly o: EndpointDialerOptions) {}

  get active(): HostEndpoint {
    return this.o.endpoints[this.activeIndex];
  }

  get onBackup(): boolean {
    return this.activeIndex === 1;
  }

  get hasBackup(): boolean {
    return this.o.endpoints.length > 1;
  }

  close(): void {
    this.closed = true;
    this.failbackTimer?.cancel();
    this.failbackTimer = undefined;
  }

  /** Make `index` the active endpoint (0 primary, 1 backup) and report the switch. */
  switchTo(index: number, reason: string): void {
    if (index === this.activeIndex || index >= this.o.endpoints.length) return;
    const from = endpointLabel(this.active);
    this.activeIndex = index;
    const to = endpointLabel(this.active);
    if (index === 1) {
      this.scheduleFailback();
    } else {
      this.failbackTimer?.cancel();
      this.failbackTimer = undefined;
    }
    this.o.onSwitch({ kind: index === 1 ? 'failover' : 'failback', from, to, reason });
  }

  /** One stream to the active endpoint (or the other one, which then becomes active). */
  async dial(): Promise<{ stream: Duplex; endpoint: HostEndpoint }> {
    const { endpoints, clock, log } = this.o;
    let lastError: unknown;
    let securityError: PosError | undefined;
    for (let round = 0; round < this.o.rounds; round++) {
      const wait = this.retryAt - clock.monotonic();
      if (wait > 0) await clock.sleep(wait);
      const order = endpoints.length > 1 ? [this.activeIndex, 1 - this.activeIndex] : [0];
      for (const index of order) {
        if (this.closed) throw new PosError('HOST_CLOSED', 'host link closed');
        const ep = endpoints[index];
        try {
          const stream = await this.open(ep);
          this.o.backoff.reset();
          this.retryAt = 0;
          if (index !== this.activeIndex) this.switchTo(index, `${endpointLabel(this.active)} unreachable`);
          return { stream, endpoint: ep };
        } catch (e) {
          lastError = e;
          if (isPosError(e) && isSecurityFailure(e)) securityError ??= e;
          this.o.onConnectFailure();
          if (isPosError(e) && isSecurityFailure(e)) {
            log.error(
              { endpoint: endpointLabel(ep), code: e.code, reason: e.context.reason },
              'host TLS failed',
            );
          } else log.warn({ endpoint: endpointLabel(ep), code: codeOf(e) }, 'host connect failed');
        }
      }
      this.retryAt = clock.monotonic() + this.o.backoff.fail();
    }
    // A TLS failure on any endpoint is reported as such, never as "unreachable": a security
    // problem is not a network problem (and must not open the way to offline approvals).
    if (securityError) throw securityError;
    // the low-level reason (ENOTFOUND, ECONNREFUSED ...) tells a DNS failure from a refused port
    const low = isPosError(lastError) ? lastError.context.reason : undefined;
    throw new PosError('HOST_UNREACHABLE', `cannot reach the host (${codeOf(lastError)})`, {
      endpoints: endpoints.map(endpointLabel),
      reason: codeOf(lastError),
      ...(typeof low === 'string' ? { errno: low } : {}),
    });
  }

  /** Connect with the connect timeout; a stream arriving after the timeout is destroyed. */
  async open(ep: HostEndpoint): Promise<Duplex> {
    const ac = new AbortController();
    const label = endpointLabel(ep);
    const timer = this.o.clock.setTimeout(
      () =>
        ac.abort(
          new PosError('HOST_CONNECT_TIMEOUT', `connect to ${label} timed out`, {
            timeoutMs: this.o.connectMs,
          }),
        ),
      this.o.connectMs,
    );
    const attempt = this.o.connect(ep, ac.signal);
    attempt.then(
      (s) => {
        if (ac.signal.aborted) s.destroy();
      },
      () => {},
    );
    const aborted = new Promise<never>((_, reject) =>
      ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true }),
    );
    try {
      return await Promise.race([attempt, aborted]);
    } finally {
      timer.cancel();
    }
  }

  private scheduleFailback(): void {
    const every = this.o.failbackIntervalMs;
    this.failbackTimer?.cancel();
    this.failbackTimer = undefined;
    if (every <= 0 || this.closed) return;
    this.failbackTimer = this.o.clock.setTimeout(() => {
      this.failbackTimer = undefined;
      void this.probePrimary();
    }, every);
  }

  private async probePrimary(): Promise<void> {
    if (this.closed || this.activeIndex === 0) return;
    const primary = this.o.endpoints[0];
    try {
      const stream = await this.open(primary);
      stream.destroy();
    } catch (e) {
      this.o.log.info({ endpoint: endpointLabel(primary), code: codeOf(e) }, 'primary still down');
      if (this.activeIndex === 1) this.scheduleFailback();
      return;
    }
    if (!this.closed && this.activeIndex === 1) this.switchTo(0, 'primary answers');
  }
}
