/**
 * Acquirer host simulator speaking cup-pos over TCP or TLS (docs/host-simulator.md).
 * Per connection: split frames, unpack, let HostHandler decide, apply faults, answer with the
 * TPDU swapped and the header echoed (processing requirement 0, or 3 under sign-on-again).
 * It never crashes on input: unreadable frames are dropped and counted.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { isPosError, PosError } from '../errors.js';
import { TLS_CIPHERS, TLS_MIN_VERSION } from '../host/connectors.js';
import {
  encodeFrame,
  FrameSplitter,
  type HostFrame,
  ProcessingRequirement,
  swapTpdu,
} from '../host/framing.js';
import type { IsoMessage } from '../iso8583/message.js';
import { responseCodeText } from '../iso8583/views/cupPos.js';
import { corruptMac, packBody, salvageRequest, unpackBody } from './hostCodec.js';
import { FaultSet, type FaultSpec, parseFaults } from './hostFaults.js';
import { HostHandler } from './hostHandler.js';
import { HostLedger, type LedgerEntry, type UploadedEntry } from './hostLedger.js';
import { loadScenario, type SettlementScenario } from './hostScenario.js';
import { SettlementEngine } from './SettlementEngine.js';
import type { SettlementSettings } from './settlementContract.js';

export interface HostSimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface HostSimTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  ca?: string | Buffer;
  requestCert?: boolean;
}

export interface HostSimOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tls?: HostSimTlsOptions;
  /** Terminal master key the working keys are sent under. */
  tmk: Buffer;
  /** A list, or its text form (`delay:200,bad-mac@0200,no-answer*2`). */
  faults?: FaultSpec[] | string;
  clock?: Clock;
  logger?: HostSimLogger;
  /** Field 32 of responses (default 48020000). */
  acquirerId?: string;
  /** Balance returned by an inquiry, fen. */
  balance?: number;
  /**
   * Clearing and payout (field 15, the 951 records): a shipped scenario's name, a scenario file
   * (.json), a scenario, or bare engine settings. Default: every merchant T1, cut-off 23:00.
   */
  scenario?: string | SettlementScenario | SettlementSettings;
}

export interface HostSimStats {
  connections: number;
  droppedConnections: number;
  requests: number;
  responses: number;
  /** Frames that could not be read (no MTI/11/41): dropped without an answer. */
  malformedDropped: number;
  /** Requests answered 30. */
  formatErrors: number;
  /** Financial requests answered A0 (bad MAC or no sign-on). */
  macFailures: number;
  signOns: number;
  /** Responses withheld by no-answer or cut by disconnect-mid. */
  withheld: number;
  faultsFired: number;
}

/** Events: connection, request, response, malformed (payloads carry no card data). */
export interface HostSim {
  readonly port: number;
  close(): Promise<void>;
  setFaults(list: FaultSpec[] | string): void;
  /** From now on the 0810 hands this batch number in 60.2 (undefined: echo the terminal's). */
  setSignOnBatch(batch: string | undefined): void;
  readonly faults: FaultSpec[];
  ledger(terminalId?: string): LedgerEntry[];
  /** Batch upload entries received for a batch (masked PANs), in STAN order. */
  uploads(terminalId: string, batch: string): UploadedEntry[];
  /** Host time the batch settled (balanced 0500 or batch upload end), if it did. */
  settledAt(terminalId: string, batch: string): number | undefined;
  readonly stats: Readonly<HostSimStats>;
  /** The settlement engine the 951 inquiry and field 15 answer from. */
  readonly settlement: SettlementEngine;
  on(event: string, listener: (payload: Record<string, unknown>) => void): this;
  once(event: string, listener: (payload: Record<string, unknown>) => void): this;
  off(event: string, listener: (payload: Record<string, unknown>) => void): this;
}

const silent: HostSimLogger = { info() {}, warn() {}, debug() {} };

class HostSimServer extends EventEmitter implements HostSim {
  readonly stats: HostSimStats = {
    connections: 0,
    droppedConnections: 0,
    requests: 0,
    responses: 0,
    malformedDropped: 0,
    formatErrors: 0,
    macFailures: 0,
    signOns: 0,
    withheld: 0,
    faultsFired: 0,
  };
  private readonly ledgerStore = new HostLedger();
  private readonly faultSet = new FaultSet();
  private readonly handler: HostHandler;
  readonly settlement: SettlementEngine;
  private readonly clock: Clock;
  private readonly log: HostSimLogger;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<TimerHandle>();
  private server?: net.Server;
  private nextConnId = 1;
  port = 0;

  constructor(private readonly opts: HostSimOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silent;
    const settings = typeof opts.scenario === 'string' ? loadScenario(opts.scenario) : opts.scenario;
    this.settlement = new SettlementEngine({ ledger: this.ledgerStore, ...(settings ? { settings } : {}) });
    this.handler = new HostHandler({
      engine: this.settlement,
      tmk: opts.tmk,
      ledger: this.ledgerStore,
      now: () => this.clock.now(),
      forceUnbalanced: () => this.faultSet.takeUnbalanced('0500'),
      ...(opts.acquirerId ? { acquirerId: opts.acquirerId } : {}),
      ...(opts.balance !== undefined ? { balance: opts.balance } : {}),
    });
    if (opts.faults) this.setFaults(opts.faults);
  }

  async listen(): Promise<void> {
    const onConn = (s: net.Socket) => this.accept(s);
    const t = this.opts.tls;
    this.server = t
      ? tls.createServer(
          {
            key: t.key,
            cert: t.cert,
            ...(t.ca ? { ca: t.ca } : {}),
            requestCert: t.requestCert ?? false,
            // the terminal's policy: TLS 1.2+ with forward-secret AEAD suites only
            minVersion: TLS_MIN_VERSION,
            ciphers: TLS_CIPHERS,
          },
          onConn,
        )
      : net.createServer(onConn);
    this.server.on('tlsClientError', (e: Error) =>
      this.log.warn({ err: e.message }, 'host-sim TLS handshake failed'),
    );
    const port = this.opts.port ?? 0;
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (e) => reject(listenError(e, host, port)));
      this.server!.listen(port, host, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  setFaults(list: FaultSpec[] | string): void {
    this.faultSet.set(typeof list === 'string' ? parseFaults(list) : list);
  }

  setSignOnBatch(batch: string | undefined): void {
    if (batch !== undefined && !/^\d{6}$/.test(batch))
      throw new PosError('EMU_BAD_BATCH', 'batch must be 6 digits', { key: 'batch' });
    this.handler.signOnBatch = batch;
  }

  get faults(): FaultSpec[] {
    return this.faultSet.active;
  }

  ledger(terminalId?: string): LedgerEntry[] {
    return this.ledgerStore.entries(terminalId);
  }

  uploads(terminalId: string, batch: string): UploadedEntry[] {
    return this.ledgerStore.uploaded(terminalId, batch);
  }

  settledAt(terminalId: string, batch: string): number | undefined {
    return this.ledgerStore.settledAt(terminalId, batch);
  }

  async close(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const id = this.nextConnId++;
    this.stats.connections++;
    socket.on('error', (e) => this.log.debug({ connection: id, err: e.message }, 'host-sim socket error'));
    if (this.faultSet.takeConnectionDrop()) {
      this.stats.droppedConnections++;
      this.stats.faultsFired++;
      this.emit('connection', { connection: id, dropped: true });
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    this.emit('connection', { connection: id, dropped: false });
    const splitter = new FrameSplitter(
      (frame) => this.onFrame(socket, id, frame),
      (err) => this.malformed(id, err),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  }

  private malformed(connection: number, err: PosError, mti?: string): void {
    this.stats.malformedDropped++;
    this.log.warn(
      { connection, code: err.code, ...(mti ? { mti } : {}) },
      'host-sim dropped an unreadable frame',
    );
    this.emit('malformed', { connection, code: err.code, reason: err.message });
  }

  private onFrame(socket: net.Socket, connection: number, frame: HostFrame): void {
    this.stats.requests++;
    try {
      this.answer(socket, connection, frame);
    } catch (e) {
      // Last line of defence: the sim keeps running whatever a request holds.
      const err = isPosError(e) ? e : new PosError('EMU_INTERNAL', (e as Error).message);
      this.malformed(connection, err);
    }
  }

  private answer(socket: net.Socket, connection: number, frame: HostFrame): void {
    let req: IsoMessage;
    let outcome: ReturnType<HostHandler['handle']>;
    try {
      req = unpackBody(frame.body);
      outcome = this.handler.handle(req, frame.body);
    } catch (e) {
      if (!isPosError(e)) throw e;
      // Unreadable as a whole: answer 30 when MTI, 11 and 41 still read, else drop.
      const partial = salvageRequest(frame.body);
      const reply = partial && this.handler.formatError(partial);
      if (!partial || !reply) {
        this.malformed(connection, e);
        return;
      }
      req = partial;
      outcome = reply;
    }
    if (outcome.kind === 'drop') {
      this.malformed(connection, new PosError('EMU_UNREADABLE_REQUEST', outcome.reason), req.mti);
      return;
    }
    const base = { connection, mti: req.mti, terminalId: outcome.terminalId, stan: req.fields[11] };
    this.emit('request', base);
    const rc = outcome.responseCode;
    if (rc === '30') this.stats.formatErrors++;
    if (rc === 'A0') this.stats.macFailures++;
    if (outcome.note === 'sign-on') this.stats.signOns++;
    const faults = this.faultSet.forRequest(req.mti);
    this.stats.faultsFired += faults.fired.length;
    this.log.info(
      { ...base, responseCode: rc, note: outcome.note, faults: faults.fired },
      'host-sim request',
    );
    this.emit('response', {
      ...base,
      responseMti: outcome.response.mti,
      responseCode: rc,
      responseText: responseCodeText(rc).en,
      note: outcome.note,
      faults: faults.fired,
      delayMs: faults.delayMs,
    });
    if (faults.noAnswer) {
      this.stats.withheld++;
      return;
    }
    let response = outcome.response;
    const f62 = response.fields[62];
    if (faults.garbage62 && f62 !== undefined) {
      // Same length, no record in it: the terminal must refuse it with a coded error.
      const junk = Buffer.from('#?'.repeat(f62.length)).subarray(0, f62.length / 2);
      response = { ...response, fields: { ...response.fields, 62: junk.toString('hex').toUpperCase() } };
    }
    let body = packBody(response, outcome.mak);
    if (faults.badMac && outcome.mak) body = corruptMac(body);
    const header = {
      ...frame.header,
      processingRequirement: faults.signOnAgain
        ? ProcessingRequirement.SignOnAgain
        : ProcessingRequirement.None,
      softwareVersion: /^\d{6}$/.test(frame.header.softwareVersion) ? frame.header.softwareVersion : '000000',
    };
    const bytes = encodeFrame({ tpdu: swapTpdu(frame.tpdu), header, body });
    const send = () => {
      if (socket.destroyed) return;
      if (faults.disconnectMid) {
        this.stats.withheld++;
        socket.write(bytes.subarray(0, Math.max(1, bytes.length >> 1)), () => socket.destroy());
        return;
      }
      this.stats.responses++;
      socket.write(bytes);
    };
    if (faults.delayMs <= 0) {
      send();
      return;
    }
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, faults.delayMs);
    this.timers.add(timer);
  }
}

/** Start a host simulator; resolves once it listens. */
export async function startHostSim(opts: HostSimOptions): Promise<HostSim> {
  if (!Buffer.isBuffer(opts.tmk) || ![8, 16, 24].includes(opts.tmk.length)) {
    throw new PosError('EMU_BAD_TMK', 'TMK must be 8, 16 or 24 bytes', { key: 'tmk' });
  }
  const sim = new HostSimServer(opts);
  await sim.listen();
  return sim;
}

/** EADDRINUSE / EACCES of a simulator port, coded and naming the port. */
export function listenError(e: unknown, host: string, port: number): unknown {
  const errno = (e as NodeJS.ErrnoException).code;
  if (errno === 'EADDRINUSE') {
    return new PosError('EMU_ADDRESS_IN_USE', `port ${port} on ${host} is in use (another host simulator?)`, {
      port,
      host,
    });
  }
  if (errno === 'EACCES' || errno === 'EADDRNOTAVAIL') {
    return new PosError('EMU_LISTEN', `cannot listen on ${host}:${port}: ${errno}`, { port, host, errno });
  }
  return e;
}
