/**
 * The terminal runtime: the composition root that wires a profile into journal, host link and
 * session, reader, transaction engine and forwarder, and implements RuntimeApi (the one typed
 * surface). Starting it recovers from a crash first (a request sent but never answered becomes
 * a reversal, reason 06). Transports (the control socket) are wired by whoever starts it
 * (`posterm run`), over this RuntimeApi; they close with it (closeOnStop).
 */
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { PosError } from '../errors.js';
import { HostLink } from '../host/HostLink.js';
import type { HostLinkOptions } from '../host/HostLinkOptions.js';
import { HostSession } from '../host/HostSession.js';
import {
  hostLinkOptionsFromProfile,
  hostSessionOptionsFromProfile,
} from '../host/hostLinkOptionsFromProfile.js';
import type { Journal } from '../journal/Journal.js';
import type { TxnRecord } from '../journal/types.js';
import type { Logger } from '../log.js';
import { profileTmk, type TerminalProfile } from '../profile/loadProfile.js';
import { applyLiveProfileKeys, type ProfileReloadPlan, planProfileReload } from '../profile/profileReload.js';
import { ReaderDriver } from '../reader/ReaderDriver.js';
import { Settler } from '../settlement/Settler.js';
import type { SettlementResult } from '../settlement/settleBatch.js';
import { Forwarder } from '../txn/Forwarder.js';
import { Lane } from '../txn/Lane.js';
import type { CardReaderPort } from '../txn/ports.js';
import { TxnEngine } from '../txn/TxnEngine.js';
import type { TxnResult } from '../txn/types.js';
import { eventsFromParts, QueueDepth } from './eventsFromParts.js';
import { removePidFile } from './journalPidFile.js';
import { openRuntimeJournal } from './openRuntimeJournal.js';
import { queueRows } from './queueRows.js';
import { ReaderCardSource } from './ReaderCardSource.js';
import { ReaderMonitor, type ReaderStatus } from './ReaderMonitor.js';
import type {
  AbortRequest,
  AbortResponse,
  ForwardReport,
  InquiryCall,
  QueueListRequest,
  QueueRow,
  RefundCall,
  RuntimeApi,
  RuntimeEvent,
  RuntimeEventBody,
  SaleCall,
  SettlementReportRequest,
  SettlementReportResponse,
  SettlementStatusResponse,
  SettlementTimelineRequest,
  SettlementTimelineResponse,
  SettlementTrackReport,
  Subscription,
  TransactionStatusRequest,
  TransactionStatusResponse,
  VoidCall,
} from './RuntimeApi.js';
import { RuntimeEvents } from './RuntimeEvents.js';
import { RuntimeSettlement } from './RuntimeSettlement.js';
import { readRuntimeStatus } from './readRuntimeStatus.js';
import type { RuntimeStatus } from './runtimeStatus.js';
import { SessionHostPort } from './SessionHostPort.js';
import { checkTillId, TillRequests } from './TillRequests.js';

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
}

/** Something the runtime closes when it stops (a transport wired over it). */
export interface Closable {
  close(): Promise<void>;
}

/** Reconnect backoff of the host link (see start()). */
const LINK_BACKOFF = { initialMs: 200, maxMs: 2000, factor: 2, jitter: 0.2 };

/** How often finished card data is swept from the journal (and the WAL truncated). */
const PURGE_INTERVAL_MS = 10 * 60_000;

export class Runtime implements RuntimeApi {
  readonly engine: TxnEngine;
  readonly forwarder: Forwarder;
  private readonly closers: Closable[] = [];
  private readonly events: RuntimeEvents;
  private readonly tills: TillRequests;
  private stopped = false;
  private purgeTimer?: TimerHandle;
  readonly settler: Settler;
  private signOnRunning = false;
  private readonly lane = new Lane();
  private readerMonitor?: ReaderMonitor;
  /** Settlement tracking and its API (issue 10). */
  readonly settlement: RuntimeSettlement;

  private constructor(
    readonly profile: TerminalProfile,
    readonly journal: Journal,
    readonly link: HostLink,
    readonly session: HostSession,
    readonly reader: CardReaderPort,
    private readonly driver: ReaderDriver | undefined,
    private readonly log: Logger,
    private readonly clock: Clock,
    run: number,
  ) {
    const lane = this.lane;
    const host = new SessionHostPort(session, clock);
    this.events = new RuntimeEvents(run, clock, log);
    const emit = (e: RuntimeEventBody) => {
      this.events.emit(e);
      this.settlement?.onEvent(e);
    };
    this.tills = new TillRequests(journal, log, emit);
    this.forwarder = new Forwarder({
      journal,
      host,
      lane,
      clock,
      log,
      events: {
        reversed: (txn) =>
          emit({
            type: 'transaction',
            tillId: this.tills.tillIdOf(txn.id),
            id: txn.id,
            kind: txn.kind,
            state: 'reversed',
            amountMinor: txn.amountMinor,
          }),
        passed: () => this.emitQueueDepth(),
      },
    });
    // Every settlement, a till's or an automatic one (batch.maxCount), and each earlier batch it
    // closed: an event, and the tracker looks at the batch's sales when the host clears them.
    this.settler = new Settler({ profile, journal, host, lane, forwarder: this.forwarder, log }, (r) => {
      for (const b of [...(r.earlier ?? []), r])
        emit({ type: 'settlement', batch: b.batch, outcome: b.outcome });
    });
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
    this.settlement = new RuntimeSettlement({ profile, journal, host, lane, clock, log, emit });
    link.on('connected', () => this.forwarder.kick(0));
    eventsFromParts({ link, session, driver }, emit);
    this.schedulePurge();
  }

  private readonly queueDepth = new QueueDepth();

  /** A queue event when what is owed changed since the last one. */
  private emitQueueDepth(): void {
    if (this.stopped) return;
    try {
      const e = this.queueDepth.changed(this.journal, this.forwarder);
      if (e) this.events.emit(e);
    } catch (e) {
      this.log.warn({ code: (e as { code?: string }).code }, 'queue depth not read');
    }
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
   * (a missing reader starts degraded); sign-on then runs in the background, so this resolves
   * before it ends and the caller's control socket answers at once.
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
      const run = journal.nextRun();
      rt = new Runtime(profile, journal, link, session, reader, driver, log, clock, run);
      rt.readerMonitor = monitor;
      // A missing or unplugged reader is no reason to stay down: advices, reversals and
      // settlement work without it; sales answer READER_UNAVAILABLE until it is back.
      await monitor?.start();
      // The caller opens the control socket right after this resolves, before the sign-on ends.
      rt.signOnInBackground();
      rt.forwarder.kick(0);
      rt.settlement.start();
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
        const code = (e as { code?: string }).code;
        this.events.emit({ type: 'sign-on', ok: false, code });
        this.log.warn({ code }, 'sign-on failed at start: will retry before the next transaction');
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

  // ---- RuntimeApi -----------------------------------------------------------------------------
  // async: a refusal (TXN_BAD_TILL_ID, TXN_TILL_ID_REUSED) is a rejection; the body up to the
  // engine call runs synchronously, so two calls with one id cannot both start.

  async sale(req: SaleCall): Promise<TxnResult> {
    const tillId = checkTillId(req.tillId);
    const { amountMinor, mode } = req;
    return this.tills.run(
      {
        tillId,
        kind: 'purchase',
        amountMinor,
        fingerprint: `sale:${amountMinor}`,
        sameAs: (t) => (t.kind === 'purchase' || t.kind === 'offline-sale') && t.amountMinor === amountMinor,
      },
      (ctx) => this.engine.sale({ amountMinor, mode }, ctx),
    );
  }

  async void(req: VoidCall): Promise<TxnResult> {
    const tillId = checkTillId(req.tillId);
    const { rrn } = req;
    return this.tills.run(
      {
        tillId,
        kind: 'void',
        fingerprint: `void:${rrn}`,
        sameAs: (t) => t.kind === 'void' && this.isOriginal(t, rrn),
      },
      (ctx) => this.engine.voidSale({ rrn }, ctx),
    );
  }

  async refund(req: RefundCall): Promise<TxnResult> {
    const tillId = checkTillId(req.tillId);
    const { rrn, amountMinor } = req;
    return this.tills.run(
      {
        tillId,
        kind: 'refund',
        amountMinor,
        fingerprint: `refund:${rrn}:${amountMinor}`,
        sameAs: (t) => t.kind === 'refund' && t.amountMinor === amountMinor && this.isOriginal(t, rrn),
      },
      (ctx) => this.engine.refund({ rrn, amountMinor }, ctx),
    );
  }

  async inquiry(req: InquiryCall = {}): Promise<TxnResult> {
    const tillId = checkTillId(req.tillId);
    return this.tills.run(
      { tillId, kind: 'inquiry', fingerprint: 'inquiry', sameAs: (t) => t.kind === 'inquiry' },
      (ctx) => this.engine.inquiry(ctx),
    );
  }

  async transactionStatus(req: TransactionStatusRequest): Promise<TransactionStatusResponse> {
    const tillId = checkTillId(req?.tillId);
    if (tillId === undefined) throw new PosError('TXN_BAD_TILL_ID', 'tillId is required', { key: 'tillId' });
    return this.tills.status(tillId);
  }

  async abort(req: AbortRequest = {}): Promise<AbortResponse> {
    return this.tills.abort(checkTillId(req.tillId));
  }

  async queueList(req: QueueListRequest = {}): Promise<QueueRow[]> {
    return this.queue(req.all === true);
  }

  /** queueList, synchronous (in-process callers: the emulator's day, tests). */
  queue(all = false): QueueRow[] {
    return queueRows(this.journal, all, this.clock.now());
  }

  async queueForward(): Promise<ForwardReport> {
    return this.forwarder.forwardAll();
  }

  /**
   * Forward everything owed, then settle: batches left unsettled first (each under its own
   * number), then the open batch (0500, and the batch upload when the host asks for it).
   */
  async settle(): Promise<SettlementResult> {
    return this.settler.settle();
  }

  async settlementStatus(): Promise<SettlementStatusResponse> {
    return this.settlement.status();
  }

  async settlementTimeline(req: SettlementTimelineRequest): Promise<SettlementTimelineResponse> {
    return this.settlement.timeline(req?.rrn);
  }

  async settlementTrack(): Promise<SettlementTrackReport> {
    if (this.stopped) throw new PosError('TXN_STOPPING', 'the runtime is stopping');
    return this.settlement.track();
  }

  async settlementReport(req: SettlementReportRequest): Promise<SettlementReportResponse> {
    return this.settlement.report(req);
  }

  async status(): Promise<RuntimeStatus> {
    return this.statusNow();
  }

  subscribe(fromSeq: number, listener: (e: RuntimeEvent) => void): Subscription {
    return this.events.subscribe(fromSeq, listener);
  }

  /** A transport to close when the runtime stops (after the work in flight has finished). */
  closeOnStop(c: Closable): void {
    this.closers.push(c);
  }

  /** The journal row of a void / refund is against the purchase with this RRN. */
  private isOriginal(t: TxnRecord, rrn: string): boolean {
    const orig = this.journal.byRrn(rrn);
    return !!orig && t.original?.batch === orig.batch && t.original?.stan === orig.stan;
  }

  /** Sign-on, reader, host, journal and disk, what is owed (see RuntimeStatus). */
  statusNow(): RuntimeStatus {
    const { journal, forwarder, session, link, profile } = this;
    return readRuntimeStatus(
      { journal, forwarder, session, link, profile },
      this.signingOn,
      this.readerStatus,
    );
  }

  /**
   * Profile reload (SIGHUP): the keys that may change live (profile/profileReload.ts) are written
   * into the running profile, which the engine, settler and stop read at each use; the host read
   * timeout and the echo interval are passed on. Keys that need a restart are returned, not applied.
   */
  applyProfile(next: TerminalProfile): ProfileReloadPlan {
    const plan = planProfileReload(this.profile, next);
    const changed = new Set(plan.live);
    // A calendar folder that does not read is refused before anything is applied.
    if (changed.has('settlement.calendarDir')) this.settlement.prepareCalendar(next.settlement?.calendarDir);
    applyLiveProfileKeys(this.profile, next, plan.live);
    if (plan.live.some((k) => k.startsWith('settlement.'))) this.settlement.reloaded();
    if (changed.has('host.responseTimeoutMs'))
      this.link.timeouts.readMs = this.profile.host.responseTimeoutMs;
    if (changed.has('host.echoIntervalS')) this.session.setEchoIdleMs(this.profile.host.echoIntervalS * 1000);
    return plan;
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
    const tracking = this.settlement.stop();
    const drained = Promise.all([this.engine.close(), this.forwarder.drain(), tracking]).then(() =>
      this.lane.idle(),
    );
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
    for (const c of this.closers.splice(0)) {
      await c
        .close()
        .catch((e: unknown) => this.log.warn({ code: (e as { code?: string }).code }, 'close failed'));
    }
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
