/**
 * The reader as the runtime sees it: connected, or unavailable with the reason and since when.
 * A missing or unplugged reader is no reason to stay down: the driver keeps reopening the
 * device (with backoff) and the runtime uses it as soon as it answers.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { ReaderDriver } from '../reader/ReaderDriver.js';

export interface ReaderStatus {
  state: 'connected' | 'unavailable';
  /** Why it is unavailable (the last problem seen), e.g. the device cannot be opened. */
  reason?: string;
  /** ISO time of the last change of state. */
  since?: string;
}

export class ReaderMonitor {
  private current: ReaderStatus;

  constructor(
    private readonly driver: ReaderDriver,
    private readonly device: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.current = { state: 'unavailable', reason: 'starting', since: this.now() };
    driver.on('connected', ({ firmware, reconnect }) => {
      this.current = { state: 'connected', since: this.now() };
      log.info({ device, firmware, reconnect }, 'reader connected');
    });
    driver.on('disconnected', ({ reason }) => this.unavailable(reason));
    driver.on('reconnecting', ({ reason }) => this.unavailable(reason));
  }

  get status(): ReaderStatus {
    return { ...this.current };
  }

  /**
   * Starts the driver and resolves after its first attempt: connected, or failed (the driver
   * then keeps trying in the background). Never rejects.
   */
  start(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.driver.off('connected', done);
        this.driver.off('reconnecting', done);
        this.driver.off('state', onStopped);
        resolve();
      };
      const onStopped = (state: string) => state === 'stopped' && done();
      this.driver.on('connected', done);
      this.driver.on('reconnecting', done);
      this.driver.on('state', onStopped);
      // start() rejects after its own timeout while the driver keeps reconnecting: not an error here.
      this.driver.start().catch(() => {});
    });
  }

  private unavailable(reason: string): void {
    if (this.current.state === 'unavailable' && this.current.reason !== 'starting') {
      this.current = { ...this.current, reason };
      return;
    }
    this.current = { state: 'unavailable', reason, since: this.now() };
    this.log.warn(
      { device: this.device, reason },
      'reader unavailable: sales answer READER_UNAVAILABLE, retrying',
    );
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
