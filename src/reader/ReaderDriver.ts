/**
 * NEO 2 reader driver: one command in flight, typed commands, link health (idle ping, port
 * errors, boot notifications) with reopen + backoff + re-initialisation. Card data stays in the
 * ActivateResponse (memory only); events carry no card data.
 */
import { EventEmitter } from 'node:events';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { PosError } from '../errors.js';
import { ActivateResponse, decodeActivateResponse } from './ActivateResponse.js';
import {
  NEO_BOOT_COMMAND,
  NEO_BOOT_STATUS,
  type NeoFrame,
  NeoStatus,
  neoCommandFrame,
  statusName,
} from './NeoFrame.js';
import { NeoFrameParser } from './NeoFrameParser.js';
import { CANCELLED_STATUS, ReaderCommandQueue } from './ReaderCommandQueue.js';
import {
  type ActivateRequest,
  DEFAULT_READER_TIMEOUTS,
  encodeActivateData,
  READER_COMMANDS,
  type ReaderCommandName,
  type ReaderTimeouts,
} from './ReaderCommands.js';
import type {
  ReaderCounters,
  ReaderDriverEvents,
  ReaderDriverOptions,
  ReaderState,
} from './ReaderDriverOptions.js';
import { type ReaderPort, type ReaderPortOpener, readerPortOpener } from './ReaderPort.js';

export type {
  ReaderCounters,
  ReaderDriverEvents,
  ReaderDriverOptions,
  ReaderState,
} from './ReaderDriverOptions.js';

export class ReaderDriver extends EventEmitter<ReaderDriverEvents> {
  private readonly opts: ReaderDriverOptions;
  private readonly clock: Clock;
  private readonly timeouts: ReaderTimeouts;
  private readonly opener: ReaderPortOpener;
  private readonly parser: NeoFrameParser;
  private readonly extra = {
    unexpectedFrames: 0,
    disconnects: 0,
    restarts: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  private _state: ReaderState = 'stopped';
  private _firmware?: string;
  private port?: ReaderPort;
  /** Bumped whenever the port is dropped, so late callbacks of an old port are ignored. */
  private gen = 0;
  private everConnected = false;
  private attempt = 0;
  private readonly commands: ReaderCommandQueue;
  private reconnectTimer?: TimerHandle;
  private idleTimer?: TimerHandle;
  private byteTimer?: TimerHandle;
  private watchTimer?: TimerHandle;
  private lastProblem = '';

  constructor(opts: ReaderDriverOptions) {
    super();
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.timeouts = { ...DEFAULT_READER_TIMEOUTS, ...opts.timeouts };
    this.opener =
      opts.opener ?? readerPortOpener({ path: opts.path, baud: opts.baud, binding: opts.binding });
    this.parser = new NeoFrameParser({
      direction: 'response',
      interByteTimeoutMs: opts.interByteTimeoutMs ?? 200,
      onEvent: (e) => this.emit('frame-dropped', e),
    });
    this.commands = new ReaderCommandQueue({
      clock: this.clock,
      write: (frame) => this.write(frame),
      onNoResponse: (name, ms) => this.linkLost(`no response to ${name} within ${ms} ms`),
      onIdle: () => this.armIdlePing(),
    });
  }

  get state(): ReaderState {
    return this._state;
  }
  /** Firmware version read at the last (re)initialisation. */
  get firmware(): string | undefined {
    return this._firmware;
  }
  get counters(): ReaderCounters {
    return { ...this.parser.counters, ...this.extra, commandTimeouts: this.commands.timeouts };
  }

  /** Opens the port and initialises; resolves once connected. Keeps retrying until stop(). */
  start(): Promise<void> {
    if (this._state !== 'stopped')
      return this._state === 'connected' ? Promise.resolve() : this.waitConnected();
    this.setState('connecting', 'start');
    this.openAttempt();
    return this.waitConnected(this.opts.startTimeoutMs ?? 10_000);
  }

  /** Resolves on the next 'connected' (now if connected); rejects after timeoutMs. */
  waitConnected(timeoutMs = 10_000): Promise<void> {
    if (this._state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        timer.cancel();
        this.off('connected', done);
        this.off('state', onState);
      };
      const done = () => {
        cleanup();
        resolve();
      };
      const onState = (state: ReaderState) => {
        if (state !== 'stopped') return;
        cleanup();
        reject(new PosError('READER_STOPPED', 'reader driver stopped'));
      };
      const timer = this.clock.setTimeout(() => {
        cleanup();
        const last = this.lastProblem ? ` (last problem: ${this.lastProblem})` : '';
        reject(
          new PosError('READER_UNAVAILABLE', `reader not connected after ${timeoutMs} ms${last}`, {
            state: this._state,
          }),
        );
      }, timeoutMs);
      this.on('connected', done);
      this.on('state', onState);
    });
  }

  async stop(): Promise<void> {
    if (this._state === 'stopped') return;
    this.gen++;
    this.reconnectTimer?.cancel();
    this.idleTimer?.cancel();
    this.byteTimer?.cancel();
    this.watchTimer?.cancel();
    this.commands.failAll(new PosError('READER_STOPPED', 'reader driver stopped'));
    const port = this.port;
    this.port = undefined;
    this.setState('stopped', 'stop');
    await port?.close();
  }

  /** Round trip in ms. */
  async ping(): Promise<number> {
    const t0 = this.clock.monotonic();
    await this.okCommand('ping');
    return this.clock.monotonic() - t0;
  }

  async firmwareVersion(): Promise<string> {
    return (await this.okCommand('firmwareVersion')).data.toString('latin1');
  }

  async serialNumber(): Promise<string> {
    return (await this.okCommand('serialNumber')).data.toString('latin1');
  }

  /** Activate Transaction: waits for a card. Only cancel() may be sent while it is pending. */
  async activate(req: ActivateRequest): Promise<ActivateResponse> {
    const data = encodeActivateData(req, new Date(this.clock.now()));
    const timeoutMs = (req.timeoutSec ?? 30) * 1000 + this.timeouts.activateMarginMs;
    const f = await this.send('activate', data, timeoutMs, false);
    if (f.sub === CANCELLED_STATUS) return new ActivateResponse({ outcome: 'cancelled', status: -1 });
    try {
      if (f.sub === NeoStatus.CommandNotAllowed)
        throw new PosError('READER_BUSY', 'reader refused activate (busy)');
      const res = decodeActivateResponse(f.sub, f.data);
      if (res.pan) this.emit('card', { state: 'presented', entryInterface: res.entryInterface });
      else if (f.sub === NeoStatus.Failed) this.emit('card', { state: 'removed' });
      return res;
    } finally {
      f.data.fill(0);
    }
  }

  /** Cancels a pending activate (which then resolves with outcome 'cancelled'). False if none was pending. */
  async cancel(): Promise<boolean> {
    if (!this.commands.activatePending) return false;
    await this.okCommand('cancel');
    return true;
  }

  private async okCommand(name: ReaderCommandName, internal = false): Promise<NeoFrame> {
    const f = await this.send(
      name,
      Buffer.alloc(0),
      this.timeouts[name as Exclude<ReaderCommandName, 'activate'>],
      internal,
    );
    if (f.sub !== NeoStatus.OK) {
      const code = f.sub === NeoStatus.CommandNotAllowed ? 'READER_BUSY' : 'READER_STATUS';
      throw new PosError(code, `reader answered ${name} with ${statusName(f.sub)}`, { status: f.sub });
    }
    return f;
  }

  private send(
    name: ReaderCommandName,
    data: Buffer,
    timeoutMs: number,
    internal: boolean,
  ): Promise<NeoFrame> {
    const ready =
      this._state === 'connected' ||
      (internal && (this._state === 'connecting' || this._state === 'restarting'));
    if (!ready) {
      return Promise.reject(
        new PosError('READER_DISCONNECTED', `reader is ${this._state}`, { state: this._state }),
      );
    }
    const idempotent = name === 'ping' || name === 'firmwareVersion' || name === 'serialNumber';
    const frame = neoCommandFrame(READER_COMMANDS[name], data);
    return this.commands.send(name, frame, timeoutMs, idempotent ? (this.opts.retries ?? 1) : 0);
  }

  private write(frame: Buffer): void {
    const port = this.port;
    const gen = this.gen;
    this.idleTimer?.cancel();
    if (!port) return;
    if (this.commands.activatePending) this.armWatch();
    this.extra.bytesOut += frame.length;
    port.write(frame).catch((e: unknown) => {
      if (gen === this.gen) this.linkLost(`write failed: ${(e as Error).message}`);
    });
  }

  private onFrame(f: NeoFrame): void {
    if (f.command === NEO_BOOT_COMMAND && f.sub === NEO_BOOT_STATUS) {
      this.onBoot(f.data.toString('latin1'));
      return;
    }
    if (this.commands.dispatch(f)) return;
    this.extra.unexpectedFrames++;
    this.emit('unexpected-frame', { command: f.command, status: f.sub });
  }

  private onBoot(platform: string): void {
    this.extra.restarts++;
    this.commands.failAll(new PosError('READER_RESTARTED', 'reader restarted (boot notification)'));
    this.setState('restarting', 'boot notification');
    this.emit('restarted', { platform });
    this.initialise();
  }

  private onData(gen: number, chunk: Buffer): void {
    if (gen !== this.gen) return;
    this.extra.bytesIn += chunk.length;
    const frames = this.parser.push(chunk, this.clock.monotonic());
    chunk.fill(0); // the parser keeps its own copy; card data is not left in transport buffers
    this.byteTimer?.cancel();
    if (this.parser.pending > 0) {
      this.byteTimer = this.clock.setTimeout(() => {
        if (gen !== this.gen) return;
        for (const f of this.parser.expire()) this.onFrame(f);
      }, this.parser.interByteTimeoutMs);
    }
    for (const f of frames) {
      if (gen !== this.gen) return;
      this.onFrame(f);
    }
    if (!this.commands.busy) this.armIdlePing();
  }

  private openAttempt(): void {
    const gen = this.gen;
    this.opener({
      onData: (chunk) => this.onData(gen, chunk),
      onClose: (reason) => {
        if (gen === this.gen) this.linkLost(reason);
      },
    }).then(
      (port) => {
        if (gen !== this.gen || this._state === 'stopped') {
          void port.close();
          return;
        }
        this.port = port;
        this.parser.reset();
        this.initialise();
      },
      (e: unknown) => {
        if (gen !== this.gen || this._state === 'stopped') return;
        this.scheduleReconnect((e as Error).message);
      },
    );
  }

  private initialise(): void {
    const gen = this.gen;
    const restarts = this.extra.restarts;
    void (async () => {
      try {
        await this.okCommand('ping', true);
        const fw = (await this.okCommand('firmwareVersion', true)).data.toString('latin1');
        if (gen !== this.gen || restarts !== this.extra.restarts) return;
        this._firmware = fw;
        const reconnect = this.everConnected;
        this.everConnected = true;
        this.attempt = 0;
        this.setState('connected', reconnect ? 'reinitialised' : 'initialised');
        this.emit('connected', { firmware: fw, reconnect });
        this.commands.pump();
      } catch (e) {
        if (gen !== this.gen || restarts !== this.extra.restarts) return;
        this.linkLost(`initialisation failed: ${(e as Error).message}`);
      }
    })();
  }

  private linkLost(reason: string): void {
    if (this._state === 'stopped' || this._state === 'disconnected') return;
    this.gen++;
    this.extra.disconnects++;
    this.idleTimer?.cancel();
    this.byteTimer?.cancel();
    this.watchTimer?.cancel();
    const port = this.port;
    this.port = undefined;
    void port?.close().catch(() => {});
    this.commands.failAll(new PosError('READER_DISCONNECTED', `reader link lost: ${reason}`, { reason }));
    this.setState('disconnected', reason);
    this.emit('disconnected', { reason });
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    this.lastProblem = reason;
    this.attempt++;
    const initial = this.opts.backoff?.initialMs ?? 100;
    const max = this.opts.backoff?.maxMs ?? 5000;
    const delayMs = Math.min(max, initial * 2 ** Math.min(this.attempt - 1, 20));
    this.emit('reconnecting', { attempt: this.attempt, delayMs, reason });
    this.reconnectTimer?.cancel();
    this.reconnectTimer = this.clock.setTimeout(() => {
      if (this._state === 'stopped') return;
      this.setState('connecting', `attempt ${this.attempt}`);
      this.openAttempt();
    }, delayMs);
  }

  private armIdlePing(): void {
    this.idleTimer?.cancel();
    const ms = this.opts.idlePingMs ?? 2000;
    if (ms <= 0 || this._state !== 'connected') return;
    this.idleTimer = this.clock.setTimeout(() => {
      if (this._state === 'connected' && !this.commands.busy) {
        this.okCommand('ping', true).catch(() => {});
      }
    }, ms);
  }

  /** While an activate is pending (no ping allowed), check every idlePingMs that the device is still there. */
  private armWatch(): void {
    this.watchTimer?.cancel();
    const ms = this.opts.idlePingMs ?? 2000;
    const port = this.port;
    if (ms <= 0 || !port?.alive) return;
    const gen = this.gen;
    this.watchTimer = this.clock.setTimeout(() => {
      if (gen !== this.gen || !this.commands.activatePending) return;
      void port.alive!().then((ok) => {
        if (gen !== this.gen) return;
        if (ok) this.armWatch();
        else this.linkLost('device path gone');
      });
    }, ms);
  }

  private setState(state: ReaderState, reason: string): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state, reason);
  }
}
