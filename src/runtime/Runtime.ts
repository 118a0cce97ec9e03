/**
 * The terminal runtime: the composition root that wires a profile into journal, host link and
 * session, reader, transaction engine, forwarder and the control socket. Starting it recovers
 * from a crash first (a request sent but never answered becomes a reversal, reason 06).
 */
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { ControlServer } from '../control/ControlServer.js';
import { PosError } from '../errors.js';
import { HostLink } from '../host/HostLink.js';
import type { HostLinkOptions } from '../host/HostLinkOptions.js';
import { HostSession } from '../host/HostSession.js';
import {
  hostLinkOptionsFromProfile,
  hostSessionOptionsFromProfile,
} from '../host/hostLinkOptionsFromProfile.js';
import type { Journal } from '../journal/Journal.js';
import type { Logger } from '../log.js';
import { profileTmk, type TerminalProfile } from '../profile/loadProfile.js';
import { applyLiveProfileKeys, type ProfileReloadPlan, planProfileReload } from '../profile/profileReload.js';
import { ReaderDriver } from '../reader/ReaderDriver.js';
import { Settler } from '../settlement/Settler.js';
import type { SettlementResult } from '../settlement/settleBatch.js';
import { Forwarder } from '../txn/Forwarder.js';
import { Lane } from '../txn/Lane.js';
import type { CardReaderPort } from '../txn/ports.js';
import { DEFAULT_MIN_FREE_BYTES } from '../txn/refusals.js';
import { TxnEngine } from '../txn/TxnEngine.js';
import { removePidFile } from './journalPidFile.js';
import { openRuntimeJournal } from './openRuntimeJournal.js';
import { ReaderCardSource } from './ReaderCardSource.js';
import { ReaderMonitor, type ReaderStatus } from './ReaderMonitor.js';
import { queueRows, runtimeHandlers } from './runtimeHandlers.js';
import type { RuntimeStatus } from './runtimeStatus.js';
import { SessionHostPort } from './SessionHostPort.js';

export interface RuntimeOptions {
  profile: TerminalProfile;
  log: Logger;
  clock?: Clock;
  /** Replaces the reader (tests, benchmarks). */
  reader?: CardReaderPort;
  /** Reader device to open instead of the profile's (the emulator's virtual reader). */
  readerPath?: string;
  /** Overrides of the host link options (connect function, backoff ...). */
  link?: Partial<HostLinkOptions>;
  /** Listen on the profile's control socket (default true). */
  control?: boolean;
}

/** Reconnect backoff of the host link (see start()). */
const LINK_BACKOFF = { initialMs: 200, maxMs: 2000, factor: 2, jitter: 0.2 };

/** How often finished card data is swept from the journal (and the WAL truncated). */
const PURGE_INTERVAL_MS = 10 * 60_000;

export class Runtime {
  readonly engine: TxnEngine;
  readonly forwarder: Forwarder;
  private control?: ControlServer;
  private stopped = false;
  private purgeTimer?: TimerHandle;
  readonly settler: Settler;
  private signOnRunning = false;
  private readonly lane = new Lane();
  private readerMonitor?: ReaderMonitor;

  private constructor(
    readonly profile: TerminalProfile,
    readonly journal: Journal,
    readonly link: HostLink,
    readonly session: HostSession,
    readonly reader: CardReaderPort,
    private readonly driver: ReaderDriver | undefined,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    const lane = this.lane;
    const host = new SessionHostPort(session, clock);
    this.forwarder = new Forwarder({ journal, host, lane, clock, log });
    this.settler = new Settler({ profile, journal, host, lane, forwarder: this.forwarder, log });
    this.engine = new TxnEngine({
      profile,
      journal,
      host,
      reader,
      forwarder: this.forwarder,
      lane,
      clock,
      log,
      batchGate: this.settler,
    });
    link.on('connected', () => this.forwarder.kick(0));
    this.schedulePurge();
  }

  /**
   * Finished transactions lose their card data in the commit that finishes them; this sweep
   * catches anything left and truncates the WAL so no deleted page lingers there.
   */
  private schedulePurge(): void {
    this.purgeTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      sweepCardData(this.journal, this.log);
      this.schedulePurge();
    }, PURGE_INTERVAL_MS);
  }

  /**
   * Starts the runtime. Order: journal first (directory, key, lock, checks: nothing else touches
   * shared state before this process holds the journal), crash recovery, host link, reader
   * (a missing reader starts degraded), control socket; sign-on then runs in the background.
   * A failure closes whatever was opened and rejects with a coded error naming the file.
   */
  static async start(opts: RuntimeOptions): Promise<Runtime> {
    const { profile, log } = opts;
    const clock = opts.clock ?? systemClock;
    const readerPath = opts.reader ? undefined : (opts.readerPath ?? profile.reader.device);
    if (readerPath === 'emulator') {
      throw new PosError(
        'PROFILE_NEEDS_EMULATOR',
        "reader device 'emulator' is started by 'posterm run' or 'posterm start'",
        { key: 'reader.device' },
      );
    }
    const tmk = profileTmk(profile);
    const journal = openRuntimeJournal(profile, clock, log);
    let rt: Runtime | undefined;
    try {
      const recovered = journal.recoverAfterCrash();
      if (recovered.reversals.length + recovered.noAnswer.length + recovered.advicesRequeued.length > 0) {
        log.warn(
          {
            reversals: recovered.reversals.map((t) => t.stan),
            noAnswer: recovered.noAnswer.length,
            advicesRequeued: recovered.advicesRequeued.length,
          },
          'recovered after an unclean stop',
        );
      }
      // Reconnects wait little: a sale at the till must not sit out a long backoff once the network
      // is back; the forwarder keeps its own, longer backoff for background retries.
      const link = new HostLink(
        hostLinkOptionsFromProfile(profile, { clock, logger: log, backoff: LINK_BACKOFF, ...opts.link }),
      );
      const session = new HostSession(
        hostSessionOptionsFromProfile(profile, {
          link,
          tmk,
          nextStan: () => journal.nextStan(),
          batch: () => journal.currentBatch(),
          // never strands a batch: a new number waits until the open batch with sales is settled
          onBatch: (b) => {
            const how = journal.hostBatch(b);
            if (how !== 'same')
              log.info({ hostBatch: b, how, batch: journal.currentBatch() }, 'host batch number');
          },
          clock,
          logger: log,
        }),
      );
      let driver: ReaderDriver | undefined;
      let monitor: ReaderMonitor | undefined;
      let reader = opts.reader;
      if (!reader) {
        const path = readerPath as string;
        driver = new ReaderDriver({
          path,
          baud: profile.reader.baud,
          interByteTimeoutMs: profile.reader.interByteTimeoutMs,
        });
        driver.on('state', (state, reason) => log.info({ state, reason }, 'reader'));
        monitor = new ReaderMonitor(driver, path, clock, log);
        reader = new ReaderCardSource(driver, clock, log);
      }
      rt = new Runtime(profile, journal, link, session, reader, driver, log, clock);
      rt.readerMonitor = monitor;
      // A missing or unplugged reader is no reason to stay down: advices, reversals and
      // settlement work without it; sales answer READER_UNAVAILABLE until it is back.
      await monitor?.start();
      if (opts.control !== false && profile.control.socket) {
        const socket = profile.control.socket;
        rt.control = new ControlServer(runtimeHandlers(rt), log);
        // coded CONTROL_SOCKET_* errors name the path (its directory, a file in the way, a live peer)
        await rt.control.listen(socket, { group: profile.control.group });
        log.info({ socket }, 'control socket ready');
      }
      rt.signOnInBackground();
      rt.forwarder.kick(0);
      return rt;
    } catch (e) {
      if (rt) await rt.stop();
      else {
        journal.close();
        removePidFile(profile.journal.path);
      }
      throw e;
    }
  }

  /**
   * Sign-on runs beside the control socket: the till gets answers at once; a sale waits for
   * the sign-on inside HostSession.send.
   */
  private signOnInBackground(): void {
    this.signOnRunning = true;
    this.session
      .start()
      .catch((e: unknown) => {
        if (this.stopped) return;
        this.log.warn(
          { code: (e as { code?: string }).code },
          'sign-on failed at start: will retry before the next transaction',
        );
      })
      .finally(() => {
        this.signOnRunning = false;
      });
  }

  /** True while the start-up sign-on runs. */
  get signingOn(): boolean {
    return this.signOnRunning;
  }

  /** The reader: connected, or unavailable with the reason and since when. */
  get readerStatus(): ReaderStatus {
    return this.readerMonitor?.status ?? { state: 'connected' };
  }

  /**
   * Forward everything owed, then settle: batches left unsettled first (each under its own
   * number), then the open batch (0500, and the batch upload when the host asks for it).
   */
  settle(): Promise<SettlementResult> {
    return this.settler.settle();
  }

  /** Sign-on, reader, host, journal and disk, what is owed (see RuntimeStatus). */
  status(): RuntimeStatus {
    const { journal, forwarder, session, link, profile } = this;
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    const failure = session.health.lastFailure;
    let freeBytes: number | null = null;
    try {
      freeBytes = journal.freeBytes();
    } catch {
      // shown as unknown
    }
    const minFreeBytes = profile.journal.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
    // reversals held in memory (the journal could not write them) are owed too
    const reversals = journal.pendingReversals().length + forwarder.held.reversals;
    const advices = journal.listQueue('pending').length;
    const advicesInFlight = journal.listQueue('sent').length;
    return {
      profile: profile.name,
      terminalId: profile.terminalId,
      signedOn: session.signedOn,
      signingOn: this.signingOn,
      reader: this.readerStatus,
      batch: journal.currentBatch(),
      host: {
        endpoint: link.activeEndpoint,
        connected: link.connected,
        onBackup: link.onBackup,
        lastOkAt: iso(session.health.lastOkAt),
        lastError: failure ? { ...failure, at: new Date(failure.at).toISOString() } : null,
      },
      link: { ...link.stats },
      journal: {
        writable: forwarder.held.size === 0,
        heldOutcomes: forwarder.held.size,
        freeBytes,
        minFreeBytes,
        lowSpace: freeBytes !== null && freeBytes < minFreeBytes,
      },
      owed: { reversals, advices, advicesInFlight },
      pendingReversals: reversals,
      queued: advices + advicesInFlight,
    };
  }

  /**
   * Profile reload (SIGHUP): the keys that may change live (profile/profileReload.ts) are written
   * into the running profile, which the engine, settler and stop read at each use; the host read
   * timeout and the echo interval are passed on. Keys that need a restart are returned, not applied.
   */
  applyProfile(next: TerminalProfile): ProfileReloadPlan {
    const plan = planProfileReload(this.profile, next);
    applyLiveProfileKeys(this.profile, next, plan.live);
    const changed = new Set(plan.live);
    if (changed.has('host.responseTimeoutMs'))
      this.link.timeouts.readMs = this.profile.host.responseTimeoutMs;
    if (changed.has('host.echoIntervalS')) this.session.setEchoIdleMs(this.profile.host.echoIntervalS * 1000);
    return plan;
  }

  /** Store-and-forward queue as rows (masked). */
  queue(all = false) {
    return queueRows(this.journal, all, this.clock.now());
  }

  /**
   * A clean stop: new transactions are refused (TXN_STOPPING), the one in flight and the
   * forwarder's item in flight are finished (bounded by the host timeouts), then the control
   * socket, the link, the reader and the journal close. Nothing is left marked sent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.purgeTimer?.cancel();
    const drained = Promise.all([this.engine.close(), this.forwarder.drain()]).then(() => this.lane.idle());
    const { connectTimeoutMs, responseTimeoutMs } = this.profile.host;
    const boundMs = 2 * (connectTimeoutMs + responseTimeoutMs) + 1000;
    let timer: TimerHandle | undefined;
    const cut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = this.clock.setTimeout(() => resolve(true), boundMs);
      }),
    ]);
    timer?.cancel();
    if (cut) this.log.warn({ boundMs }, 'stop: work still in flight is cut off (a sale sent is reversed)');
    this.session.close();
    await this.control?.close();
    this.link.close();
    await this.driver?.stop();
    sweepCardData(this.journal, this.log);
    this.journal.close();
    removePidFile(this.profile.journal.path);
  }
}

/**
 * The periodic sweep of finished card data (and the WAL truncation). A full or failing disk
 * must not stop the runtime: the failure is logged and the next sweep tries again.
 */
export function sweepCardData(journal: Pick<Journal, 'purge'>, log: Logger): void {
  try {
    const swept = journal.purge();
    if (swept.txns + swept.advices > 0) log.info(swept, 'card data purged');
  } catch (e) {
    log.warn({ code: (e as { code?: string }).code }, 'card data sweep failed: retried at the next sweep');
  }
}
