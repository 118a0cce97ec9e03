/**
 * sd_notify for `posterm run` under systemd (Type=notify, NotifyAccess=all), through the
 * `systemd-notify` tool as a child process: npm's sd_notify packages need native builds.
 *
 * - Nothing happens unless NOTIFY_SOCKET is set (a shell, a test, the emulator's day).
 * - `systemd-notify` is run without --no-block: it waits until the service manager has taken the
 *   message, so a message from this short-lived helper is still attributed to the unit
 *   (systemd-notify(1), the race with NotifyAccess=all). READY carries MAINPID= of this process.
 * - Messages go out one at a time, in order (RELOADING=1 before READY=1).
 * - A missing `systemd-notify` is logged once as a warning; the runtime carries on without it
 *   (systemd then gives up on the start after TimeoutStartSec, which the log explains).
 * - The watchdog (WATCHDOG_USEC, and WATCHDOG_PID when set names this process) pings at half the
 *   interval, and only when the health check passes: a timer that fires proves the event loop
 *   runs; the check proves the runtime can still do its work (the journal answers).
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../log.js';

/** Spawns `systemd-notify` with these arguments; resolves with its exit code, rejects on a spawn error. */
export type NotifySpawn = (args: string[], env: NodeJS.ProcessEnv) => Promise<number | null>;

const spawnSystemdNotify: NotifySpawn = (args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn('systemd-notify', args, { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });

export interface SystemdNotifierOptions {
  log: Logger;
  env?: NodeJS.ProcessEnv;
  pid?: number;
  spawn?: NotifySpawn;
}

export class SystemdNotifier {
  /** Watchdog ping interval in ms (half of WATCHDOG_USEC), undefined when systemd set no watchdog. */
  readonly watchdogIntervalMs?: number;
  private readonly enabled: boolean;
  private missing = false;
  private chain: Promise<void> = Promise.resolve();
  private watchdogTimer?: NodeJS.Timeout;
  private pingInFlight = false;
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly pid: number;
  private readonly spawnFn: NotifySpawn;

  constructor(opts: SystemdNotifierOptions) {
    this.log = opts.log;
    this.env = opts.env ?? process.env;
    this.pid = opts.pid ?? process.pid;
    this.spawnFn = opts.spawn ?? spawnSystemdNotify;
    this.enabled = !!this.env.NOTIFY_SOCKET;
    const usec = Number(this.env.WATCHDOG_USEC);
    const forPid = this.env.WATCHDOG_PID;
    const ours = forPid === undefined || forPid === '' || Number(forPid) === this.pid;
    if (this.enabled && ours && Number.isFinite(usec) && usec > 0) {
      this.watchdogIntervalMs = Math.max(1, Math.floor(usec / 2000));
    }
  }

  /** True when NOTIFY_SOCKET is set (messages are sent). */
  get active(): boolean {
    return this.enabled && !this.missing;
  }

  /** READY=1 with this process as the main PID and a status line. */
  ready(status: string): Promise<void> {
    return this.send(['--ready', `--pid=${this.pid}`, `--status=${status}`]);
  }

  /** RELOADING=1 (MONOTONIC_USEC as Type=notify-reload wants it); READY=1 follows the reload. */
  reloading(status: string): Promise<void> {
    const monotonicUsec = process.hrtime.bigint() / 1000n;
    return this.send(['RELOADING=1', `MONOTONIC_USEC=${monotonicUsec}`, `--status=${status}`]);
  }

  /** STOPPING=1: the clean stop has begun. */
  stopping(status: string): Promise<void> {
    return this.send(['STOPPING=1', `--status=${status}`]);
  }

  status(status: string): Promise<void> {
    return this.send([`--status=${status}`]);
  }

  /**
   * Pings WATCHDOG=1 every watchdogIntervalMs while `healthy()` is true; a failed check is
   * logged and the ping skipped, so systemd restarts a runtime that stays wedged.
   */
  startWatchdog(healthy: () => boolean): void {
    if (this.watchdogIntervalMs === undefined || this.watchdogTimer) return;
    let wasHealthy = true;
    this.watchdogTimer = setInterval(() => {
      if (!this.active) return;
      let ok: boolean;
      try {
        ok = healthy();
      } catch (e) {
        ok = false;
        if (wasHealthy)
          this.log.warn({ code: (e as { code?: string }).code }, 'watchdog: health check failed');
      }
      if (!ok) {
        if (wasHealthy) this.log.warn({}, 'watchdog: runtime unhealthy, not pinging systemd');
        wasHealthy = false;
        return;
      }
      if (!wasHealthy) this.log.info({}, 'watchdog: runtime healthy again');
      wasHealthy = true;
      // one ping at a time: a slow systemd-notify does not pile up processes
      if (this.pingInFlight) return;
      this.pingInFlight = true;
      void this.send(['WATCHDOG=1']).finally(() => {
        this.pingInFlight = false;
      });
    }, this.watchdogIntervalMs);
  }

  stopWatchdog(): void {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  /** Resolves once every message so far has been handed over (or given up). */
  flush(): Promise<void> {
    return this.chain;
  }

  private send(args: string[]): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    this.chain = this.chain.then(async () => {
      if (this.missing) return;
      try {
        const code = await this.spawnFn(args, this.env);
        if (code !== 0) this.log.warn({ args: args[0], exitCode: code }, 'systemd-notify failed');
      } catch (e) {
        const errno = (e as NodeJS.ErrnoException).code;
        if (errno === 'ENOENT') {
          this.missing = true;
          this.log.warn(
            { notifySocket: this.env.NOTIFY_SOCKET },
            'NOTIFY_SOCKET is set but systemd-notify is not installed: no readiness or watchdog messages (install systemd)',
          );
        } else this.log.warn({ errno }, 'systemd-notify could not be run');
      }
    });
    return this.chain;
  }
}
