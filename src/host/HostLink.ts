/**
 * The link to the acquirer: one connection at a time (primary, or backup after a failover),
 * one request at a time on it (others wait in FIFO order), responses matched by
 * ResponseMatcher, late and stray frames counted and logged masked. Nothing connects until the
 * first request (or `connect()`); all timeouts and backoff run on the injected Clock.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { isPosError, PosError } from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import { type Logger, silentLogger } from '../log.js';
import { Backoff, defaultBackoff } from './Backoff.js';
import { defaultConnect } from './connectors.js';
import { cupPosCodec } from './cupPosCodec.js';
import { codeOf, EndpointDialer, type EndpointSwitch } from './EndpointDialer.js';
import {
  defaultHeader,
  encodeFrame,
  type Header,
  type HostFrame,
  ProcessingRequirement,
  parseTpdu,
  swapTpdu,
  type Tpdu,
  tpduEquals,
} from './framing.js';
import type { HostCodec } from './HostCodec.js';
import { type ConnectionEnd, HostConnection } from './HostConnection.js';
import { endpointLabel, type HostEndpoint } from './HostEndpoint.js';
import type {
  FailoverPolicy,
  HostLinkEvents,
  HostLinkOptions,
  HostLinkStats,
  HostLinkTimeouts,
  HostRequestOptions,
  HostResponse,
} from './HostLinkOptions.js';
import { expectResponse, mismatch, type ResponseExpectation } from './ResponseMatcher.js';

export type {
  FailoverPolicy,
  HostLinkEvents,
  HostLinkOptions,
  HostLinkStats,
  HostLinkTimeouts,
  HostRequestOptions,
  HostResponse,
  HostTimings,
} from './HostLinkOptions.js';

interface Pending {
  exp: ResponseExpectation;
  conn: HostConnection;
  settled: boolean;
  timer?: TimerHandle;
  /** What unusable frames (wrong TPDU, bad framing, undecodable) came while waiting. */
  garbage?: string;
  resolve(r: { frame: HostFrame; message: IsoMessage }): void;
  reject(e: PosError): void;
}

const LATE_MEMORY = 16;

export class HostLink extends EventEmitter<HostLinkEvents> {
  private readonly tpdu: Tpdu;
  private readonly header: Header;
  private readonly codec: HostCodec;
  private readonly clock: Clock;
  private readonly log: Logger;
  readonly timeouts: HostLinkTimeouts;
  private readonly failoverPolicy: FailoverPolicy;
  private readonly dialer: EndpointDialer;
  private readonly maxQueued: number;

  private conn: HostConnection | undefined;
  private pending: Pending | undefined;
  private timedOut: ResponseExpectation[] = [];
  private consecutiveTimeouts = 0;
  private tail: Promise<void> = Promise.resolve();
  /** Requests accepted and not finished (the one in flight included). */
  private inLine = 0;
  private busy = false;
  private closing = false;
  readonly stats: HostLinkStats = {
    requests: 0,
    responses: 0,
    timeouts: 0,
    disconnects: 0,
    connects: 0,
    connectFailures: 0,
    late: 0,
    stray: 0,
    badTpdu: 0,
    badFrames: 0,
    failovers: 0,
    failbacks: 0,
  };

  constructor(opts: HostLinkOptions) {
    super();
    this.tpdu = typeof opts.tpdu === 'string' ? parseTpdu(opts.tpdu) : opts.tpdu;
    this.header = { ...defaultHeader(opts.softwareVersion), terminalStatus: opts.testMode ? 1 : 0 };
    this.codec = opts.codec ?? cupPosCodec();
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    this.timeouts = { connectMs: 5000, sendMs: 5000, readMs: 30_000, ...opts.timeouts };
    this.failoverPolicy = { afterTimeouts: 2, failbackIntervalMs: 300_000, ...opts.failover };
    this.maxQueued = opts.maxQueued ?? 16;
    this.dialer = new EndpointDialer({
      endpoints: opts.backup ? [opts.primary, opts.backup] : [opts.primary],
      connect: opts.connect ?? defaultConnect,
      clock: this.clock,
      log: this.log,
      connectMs: this.timeouts.connectMs,
      backoff: new Backoff({ ...defaultBackoff, ...opts.backoff }, opts.random),
      rounds: Math.max(1, opts.connectRounds ?? 1),
      failbackIntervalMs: this.failoverPolicy.failbackIntervalMs,
      onSwitch: (sw) => this.onSwitch(sw),
      onConnectFailure: () => {
        this.stats.connectFailures++;
      },
    });
  }

  /** The endpoint new connections go to (`tcp://host:port` or `tls://host:port`). */
  get activeEndpoint(): string {
    return endpointLabel(this.dialer.active);
  }

  get onBackup(): boolean {
    return this.dialer.onBackup;
  }

  get connected(): boolean {
    return this.conn !== undefined && !this.conn.closed;
  }

  /** Open the connection now (otherwise the first request does). */
  async connect(): Promise<string> {
    return this.serial(async () => (await this.ensureConnected()).label);
  }

  /** Send one request and wait for its matching response. Requests run one at a time, FIFO. */
  async request(msg: IsoMessage, opts: HostRequestOptions = {}): Promise<HostResponse> {
    const queuedAt = this.clock.monotonic();
    return this.serial(() => this.exchange(msg, opts, queuedAt));
  }

  /** Close the link: the request in flight fails with HOST_CLOSED, timers stop. */
  close(): void {
    this.closing = true;
    this.dialer.close();
    if (this.pending) {
      this.settle(this.pending, new PosError('HOST_CLOSED', 'host link closed'));
    }
    this.conn?.close('closed by terminal');
    this.conn = undefined;
  }

  private async serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) throw new PosError('HOST_CLOSED', 'host link closed');
    if (this.inLine > this.maxQueued) {
      throw new PosError('HOST_BUSY', `${this.inLine - 1} requests already waiting for the host link`, {
        queued: this.inLine - 1,
      });
    }
    this.inLine++;
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    this.busy = true;
    try {
      if (this.closing) throw new PosError('HOST_CLOSED', 'host link closed');
      return await fn();
    } finally {
      this.busy = false;
      this.inLine--;
      release();
    }
  }

  private async exchange(msg: IsoMessage, opts: HostRequestOptions, queuedAt: number): Promise<HostResponse> {
    this.stats.requests++;
    const body = opts.packed ?? this.codec.pack(msg);
    const frameBytes = encodeFrame({ tpdu: this.tpdu, header: this.header, body });
    const t0 = this.clock.monotonic();
    const conn = await this.ensureConnected();
    const t1 = this.clock.monotonic();
    let pending!: Pending;
    const response = new Promise<{ frame: HostFrame; message: IsoMessage }>((resolve, reject) => {
      pending = { exp: expectResponse(msg, this.tpdu), conn, settled: false, resolve, reject };
    });
    response.catch(() => {});
    this.pending = pending;
    try {
      opts.onWritten?.();
    } catch (e) {
      // the caller's commit failed: nothing is written, nothing waits
      this.settle(pending, new PosError('HOST_CLOSED', 'request abandoned before writing'));
      throw e;
    }
    await Promise.race([conn.write(frameBytes, this.timeouts.sendMs), response.then(() => {})]).catch((e) => {
      if (isPosError(e, 'HOST_TIMEOUT')) this.stats.timeouts++;
      if (!pending.settled) this.settle(pending, e as PosError);
      throw e;
    });
    const t2 = this.clock.monotonic();
    const readMs = opts.readTimeoutMs ?? this.timeouts.readMs;
    if (!pending.settled)
      pending.timer = this.clock.setTimeout(() => this.onReadTimeout(pending, readMs), readMs);
    const { frame, message } = await response;
    const t3 = this.clock.monotonic();
    this.stats.responses++;
    this.consecutiveTimeouts = 0;
    const pr = frame.header.processingRequirement;
    if (pr !== ProcessingRequirement.None && pr !== ProcessingRequirement.SignOnAgain) {
      this.log.info({ processingRequirement: pr }, 'unknown processing requirement ignored');
    }
    return {
      message,
      header: frame.header,
      tpdu: frame.tpdu,
      rawBody: Buffer.from(frame.body),
      endpoint: conn.label,
      timings: { queueMs: t0 - queuedAt, connectMs: t1 - t0, sendMs: t2 - t1, waitMs: t3 - t2 },
    };
  }

  private settle(p: Pending, outcome: PosError | { frame: HostFrame; message: IsoMessage }): void {
    if (p.settled) return;
    p.settled = true;
    p.timer?.cancel();
    if (this.pending === p) this.pending = undefined;
    if (outcome instanceof PosError) p.reject(outcome);
    else p.resolve(outcome);
  }

  private onReadTimeout(p: Pending, readMs: number): void {
    if (p.settled) return;
    this.stats.timeouts++;
    this.consecutiveTimeouts++;
    this.timedOut.push(p.exp);
    if (this.timedOut.length > LATE_MEMORY) this.timedOut.shift();
    this.log.warn(
      { endpoint: p.conn.label, mti: p.exp.request.mti, stan: p.exp.request.fields[11], readMs },
      'host response timeout',
    );
    // Only garbage came instead of the answer: a protocol failure, not a silent host.
    this.settle(
      p,
      p.garbage
        ? new PosError(
            'HOST_PROTOCOL',
            `no usable response from ${p.conn.label} within ${readMs} ms (${p.garbage})`,
            { phase: 'read', timeoutMs: readMs, stan: p.exp.request.fields[11], reason: p.garbage },
          )
        : new PosError('HOST_TIMEOUT', `no response from ${p.conn.label} within ${readMs} ms`, {
            phase: 'read',
            timeoutMs: readMs,
            stan: p.exp.request.fields[11],
          }),
    );
    if (this.consecutiveTimeouts >= this.failoverPolicy.afterTimeouts) {
      const reason = `${this.consecutiveTimeouts} consecutive timeouts`;
      this.consecutiveTimeouts = 0;
      // A connection that stopped answering may be dead without knowing it: start afresh.
      if (!this.dialer.onBackup && this.dialer.hasBackup) this.dialer.switchTo(1, reason);
      else p.conn.close(reason);
    }
  }

  private onSwitch(sw: EndpointSwitch): void {
    const { kind, ...info } = sw;
    if (kind === 'failover') {
      this.stats.failovers++;
      this.log.warn(info, 'host failover to backup');
      this.emit('failover', info);
    } else {
      this.stats.failbacks++;
      this.log.info(info, 'host failback to primary');
      this.emit('failback', { from: info.from, to: info.to });
    }
    if (this.conn && !this.busy) this.conn.close(kind);
  }

  private async ensureConnected(): Promise<HostConnection> {
    if (this.conn && !this.conn.closed) {
      if (this.conn.endpoint === this.dialer.active) return this.conn;
      this.conn.close(this.dialer.onBackup ? 'failover' : 'failback');
    }
    const { stream, endpoint } = await this.dialer.dial();
    if (this.closing) {
      stream.destroy();
      throw new PosError('HOST_CLOSED', 'host link closed');
    }
    return this.adopt(stream, endpoint);
  }

  private adopt(stream: Duplex, ep: HostEndpoint): HostConnection {
    const conn: HostConnection = new HostConnection(
      stream,
      ep,
      this.clock,
      (frame) => {
        try {
          this.onFrame(conn, frame);
        } catch (e) {
          // e.g. a throwing event listener: the link keeps running.
          this.log.error({ endpoint: conn.label, code: codeOf(e) }, 'error while handling a host frame');
        }
      },
      (err) => {
        this.noteGarbage(conn, err.code);
        this.stats.badFrames++;
        this.log.warn({ endpoint: conn.label, code: err.code }, 'bad frame from host');
        this.emit('stray', { endpoint: conn.label, reason: 'bad frame' });
      },
      (end) => this.onEnd(conn, end),
    );
    this.conn = conn;
    this.timedOut = [];
    this.stats.connects++;
    this.log.info({ endpoint: conn.label }, 'host connected');
    this.emit('connected', { endpoint: conn.label });
    return conn;
  }

  private onEnd(conn: HostConnection, end: ConnectionEnd): void {
    if (this.conn === conn) this.conn = undefined;
    this.stats.disconnects++;
    this.log.info({ endpoint: conn.label, ...end }, 'host disconnected');
    this.emit('disconnected', { endpoint: conn.label, ...end });
    const p = this.pending;
    if (p && p.conn === conn) {
      this.settle(
        p,
        new PosError('HOST_DISCONNECTED', `connection to ${conn.label} lost while waiting (${end.reason})`, {
          reason: end.reason,
          partialBytes: end.partialBytes,
          stan: p.exp.request.fields[11],
        }),
      );
    }
  }

  /** Remember on the request waiting on `conn` that an unusable frame came (first cause kept). */
  private noteGarbage(conn: HostConnection, cause: string): void {
    const p = this.pending;
    if (p && p.conn === conn && !p.settled) p.garbage ??= cause;
  }

  private describe(msg: IsoMessage): string {
    try {
      return this.codec.describe(msg);
    } catch {
      return `MTI ${msg.mti}`;
    }
  }

  private onFrame(conn: HostConnection, frame: HostFrame): void {
    if (conn !== this.conn) return;
    let message: IsoMessage | undefined;
    let decodeError: unknown;
    try {
      message = this.codec.unpack(Buffer.from(frame.body));
    } catch (e) {
      decodeError = e;
    }
    const summary = message ? this.describe(message) : undefined;
    const expectedTpdu = swapTpdu(this.tpdu);
    if (!tpduEquals(frame.tpdu, expectedTpdu)) {
      this.stats.badTpdu++;
      this.noteGarbage(conn, 'HOST_BAD_TPDU');
      this.log.warn({ endpoint: conn.label, summary }, 'host frame with a wrong TPDU ignored');
      this.emit('stray', { endpoint: conn.label, reason: 'tpdu', summary });
      return;
    }
    if (!message) {
      this.noteGarbage(conn, codeOf(decodeError));
      this.stats.badFrames++;
      this.log.warn({ endpoint: conn.label, code: codeOf(decodeError) }, 'undecodable host message ignored');
      this.emit('stray', { endpoint: conn.label, reason: 'undecodable' });
      return;
    }
    const p = this.pending;
    const why = p ? mismatch(p.exp, frame.tpdu, message) : 'no request waiting';
    if (p && why === undefined) {
      this.settle(p, { frame, message });
      return;
    }
    const late = this.timedOut.findIndex((e) => mismatch(e, frame.tpdu, message) === undefined);
    if (late >= 0) {
      this.timedOut.splice(late, 1);
      this.stats.late++;
      this.log.warn({ endpoint: conn.label, summary }, 'late host response ignored');
      this.emit('late-response', { endpoint: conn.label, summary: summary ?? '' });
      return;
    }
    this.stats.stray++;
    this.log.warn({ endpoint: conn.label, reason: why, summary }, 'stray host message ignored');
    this.emit('stray', { endpoint: conn.label, reason: why ?? 'unmatched', summary });
  }
}
