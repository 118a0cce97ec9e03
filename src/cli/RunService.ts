/**
 * `posterm run` as a service: signals, profile reload and the systemd notifications around a
 * started Runtime.
 *
 * - SIGTERM / SIGINT: STOPPING=1, then the caller's clean stop (stopRequested resolves). A second
 *   one during the stop is logged and the stop goes on: the sale in flight is finished, not cut.
 * - SIGHUP: RELOADING=1, the profile file re-read and checked, the live keys applied
 *   (profile/profileReload.ts), the others logged as "restart needed for: ...", READY=1. A bad
 *   file is logged with its code and the running profile kept.
 * - READY=1 once the control socket answers `status`; WATCHDOG=1 while the runtime is healthy.
 */
import type { Logger as PinoLogger } from 'pino';
import { PostermClient } from '../control/PostermClient.js';
import { isPosError, PosError } from '../errors.js';
import { loadProfile } from '../profile/loadProfile.js';
import type { Runtime } from '../runtime/Runtime.js';
import { SystemdNotifier } from '../runtime/SystemdNotifier.js';

/** One `status` round trip through the control socket, as a till would make it. */
async function askStatus(socket: string): Promise<void> {
  const client = await PostermClient.connect(socket, { timeoutMs: 10_000, connectTimeoutMs: 10_000 });
  try {
    await client.status();
  } finally {
    await client.close();
  }
}

export interface RunServiceOptions {
  rt: Runtime;
  /** What `--profile` named (file or bundled name): re-read on SIGHUP. */
  profileArg: string;
  log: PinoLogger;
  notifier?: SystemdNotifier;
}

type StopSignal = 'SIGTERM' | 'SIGINT';

export class RunService {
  /** Resolves with the signal that asked for the stop. */
  readonly stopRequested: Promise<StopSignal>;
  readonly notifier: SystemdNotifier;
  private stopping = false;
  private readonly handlers: [NodeJS.Signals, () => void][] = [];

  constructor(private readonly o: RunServiceOptions) {
    this.notifier = o.notifier ?? new SystemdNotifier({ log: o.log });
    let resolveStop!: (s: StopSignal) => void;
    this.stopRequested = new Promise((resolve) => {
      resolveStop = resolve;
    });
    const onStop = (signal: StopSignal) => () => {
      if (this.stopping) {
        o.log.warn(
          { signal },
          'stop already in progress: finishing the work in flight (SIGKILL cuts it off)',
        );
        return;
      }
      this.stopping = true;
      o.log.info({ signal }, 'stopping: new transactions refused, the one in flight is finished');
      void this.notifier.stopping('stopping: finishing the transaction in flight');
      resolveStop(signal);
    };
    this.on('SIGTERM', onStop('SIGTERM'));
    this.on('SIGINT', onStop('SIGINT'));
    this.on('SIGHUP', () => this.reload());
  }

  private on(signal: NodeJS.Signals, fn: () => void): void {
    process.on(signal, fn);
    this.handlers.push([signal, fn]);
  }

  private statusLine(): string {
    const { profile } = this.o.rt;
    return `running: terminal ${profile.terminalId}, profile ${profile.name}`;
  }

  /**
   * Checks that the control socket answers, then READY=1 and the watchdog. Rejects with
   * CONTROL_NOT_READY when the socket does not answer (the runtime cannot serve the till).
   */
  async ready(): Promise<void> {
    const socket = this.o.rt.profile.control.socket;
    if (socket) {
      try {
        await askStatus(socket);
      } catch (e) {
        throw new PosError(
          'CONTROL_NOT_READY',
          `control socket ${socket} does not answer: ${isPosError(e) ? e.code : (e as Error).message}`,
          { key: 'control.socket' },
          { cause: e },
        );
      }
    }
    void this.notifier.ready(this.statusLine());
    this.notifier.startWatchdog(() => this.healthy());
  }

  /** Between ticks of the event loop: the journal answers (a stop in progress counts as healthy: it is bounded). */
  private healthy(): boolean {
    if (this.stopping) return true;
    this.o.rt.status();
    return true;
  }

  /** SIGHUP. Synchronous between RELOADING=1 and READY=1, so two reloads never interleave. */
  reload(): void {
    const { rt, log } = this.o;
    if (this.stopping) {
      log.warn({}, 'reload ignored: the runtime is stopping');
      return;
    }
    void this.notifier.reloading('reloading the profile');
    try {
      let plan: ReturnType<typeof rt.applyProfile>;
      try {
        // A key that reads but cannot be used (a calendar folder) is refused by applyProfile
        // before anything changes.
        plan = rt.applyProfile(loadProfile(this.o.profileArg));
      } catch (e) {
        if (!isPosError(e)) throw e;
        log.error(
          { code: e.code, key: e.context.key, profile: this.o.profileArg },
          `reload refused: ${e.code}: ${e.message}; the running profile is kept`,
        );
        return;
      }
      if (plan.live.includes('log.level')) {
        log.level = rt.profile.log?.level ?? process.env.POSTERM_LOG_LEVEL ?? 'info';
      }
      log.info({ applied: plan.live, restartNeeded: plan.restart }, 'profile reloaded');
      if (plan.restart.length > 0) {
        log.warn({ keys: plan.restart }, `restart needed for: ${plan.restart.join(', ')} (not applied)`);
      }
    } finally {
      void this.notifier.ready(this.statusLine());
    }
  }

  /** After the stop: no more watchdog pings or signal handlers; waits for the last notification. */
  async dispose(): Promise<void> {
    this.notifier.stopWatchdog();
    for (const [signal, fn] of this.handlers.splice(0)) process.off(signal, fn);
    await this.notifier.flush();
  }
}
