/**
 * The terminal's session with the acquirer on top of a HostLink (host-cup-pos.md sections 3, 4):
 * sign-on (0800, 60.3 = 003) before any financial message, again when a response header asks
 * for it (processing requirement 3) or after response code A0; working keys from field 62 of
 * the 0810; UnionPay MAC on every financial request and verified on every financial response;
 * idle echo test (0820, 60.3 = 301) as keep-alive. Keys never leave this object.
 */
import { EventEmitter } from 'node:events';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { isPosError, PosError } from '../errors.js';
import { applyMac, parseSignOnKeys, unionPayMac, verifyMac } from '../iso8583/crypto/index.js';
import type { IsoMessage } from '../iso8583/message.js';
import {
  echoTestRequestToMessage,
  MAC_PLACEHOLDER,
  parseEchoTestResponse,
  parseSignOnResponse,
  signOnRequestToMessage,
} from '../iso8583/views/cupPos.js';
import { type Logger, silentLogger } from '../log.js';
import { cupPosCodec } from './cupPosCodec.js';
import { ProcessingRequirement } from './framing.js';
import type { HostCodec } from './HostCodec.js';
import type { HostRequestOptions, HostResponse } from './HostLinkOptions.js';
import { type HostFailureCause, hostFailureCause } from './hostFailureCause.js';

/** Request MTIs that carry a MAC (their responses too). */
export const MAC_MTIS: ReadonlySet<string> = new Set(['0200', '0220', '0400', '0320', '0500']);

/** What the session needs from the link (HostLink, or a test double). */
export interface HostRequester {
  request(msg: IsoMessage, opts?: HostRequestOptions): Promise<HostResponse>;
}

export interface HostSessionOptions {
  link: HostRequester;
  /** Terminal master key (8, 16 or 24 bytes). */
  tmk: Buffer;
  terminalId: string;
  merchantId: string;
  /** Field 63 of the sign-on (default '01'). */
  operatorId?: string;
  /** STAN for 0800/0820 (the journal owns the counter). */
  nextStan: () => string | Promise<string>;
  /** Batch number for 60.2 of 0800/0820 (the journal owns it; see onBatch). */
  batch: () => string;
  /** The batch number the host handed in 60.2 of an 0810. */
  onBatch?: (batch: string) => void;
  /** Echo test after this long without traffic (0: never). */
  echoIdleMs?: number;
  codec?: HostCodec;
  clock?: Clock;
  logger?: Logger;
}

export interface HostSessionEvents {
  'signed-on': [{ batch: string | undefined }];
  'sign-on-required': [{ reason: string }];
  batch: [{ batch: string }];
  echo: [{ ok: boolean; responseCode?: string; code?: string }];
}

/** The last failed and the last good exchange with the host, for status and diagnostics. */
export interface HostHealth {
  /** Wall time (ms) of the last answer that was accepted. */
  lastOkAt?: number;
  lastFailure?: {
    code: string;
    cause: HostFailureCause;
    /** errno, TLS reason or codec code, when known */
    detail?: string;
    message: string;
    /** wall time (ms) */
    at: number;
  };
}

export class HostSession extends EventEmitter<HostSessionEvents> {
  /** Last good and last failed exchange (sign-on, financial message, echo). */
  readonly health: HostHealth = {};
  private mak: Buffer | undefined;
  private needSignOn = true;
  private signingOn: Promise<void> | undefined;
  private lastActivity: number;
  private echoTimer: TimerHandle | undefined;
  private closed = false;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly codec: HostCodec;

  constructor(private readonly o: HostSessionOptions) {
    super();
    this.clock = o.clock ?? systemClock;
    this.log = o.logger ?? silentLogger;
    this.codec = o.codec ?? cupPosCodec();
    this.lastActivity = this.clock.monotonic();
  }

  /** True when working keys are loaded and no new sign-on is pending. */
  get signedOn(): boolean {
    return this.mak !== undefined && !this.needSignOn;
  }

  /** Sign on and start the idle echo timer. */
  async start(): Promise<void> {
    await this.signOn();
    this.scheduleEcho();
  }

  /** A new idle echo interval (profile reload); 0 stops the echo. The running wait is redone. */
  setEchoIdleMs(ms: number): void {
    const wasOff = (this.o.echoIdleMs ?? 0) <= 0;
    this.o.echoIdleMs = ms;
    if (!this.echoTimer && !(wasOff && this.signedOn)) return;
    this.echoTimer?.cancel();
    this.echoTimer = undefined;
    this.scheduleEcho();
  }

  /** Stop the echo timer (the link belongs to the caller). */
  close(): void {
    this.closed = true;
    this.echoTimer?.cancel();
    this.echoTimer = undefined;
  }

  /** Sign on now (concurrent callers share one sign-on). */
  signOn(): Promise<void> {
    this.signingOn ??= this.track(this.doSignOn()).finally(() => {
      this.signingOn = undefined;
    });
    return this.signingOn;
  }

  private requireSignOn(reason: string): void {
    if (!this.needSignOn) this.log.info({ reason }, 'sign-on required');
    this.needSignOn = true;
    this.emit('sign-on-required', { reason });
  }

  private async doSignOn(): Promise<void> {
    const msg = signOnRequestToMessage({
      stan: await this.o.nextStan(),
      terminalId: this.o.terminalId,
      merchantId: this.o.merchantId,
      batch: this.o.batch(),
      operatorId: this.o.operatorId ?? '01',
    });
    const res = await this.o.link.request(msg);
    this.touch();
    const r = parseSignOnResponse(res.message);
    if (r.responseCode !== '00') {
      throw new PosError('HOST_SIGN_ON_REFUSED', `sign-on refused with response code ${r.responseCode}`, {
        field: 39,
        responseCode: r.responseCode,
      });
    }
    if (!r.keys)
      throw new PosError('HOST_BAD_SIGN_ON_KEYS', 'sign-on response without field 62', { field: 62 });
    const keys = parseSignOnKeys(Buffer.from(r.keys, 'hex'), this.o.tmk);
    this.mak = keys.mak;
    keys.pik.fill(0);
    this.needSignOn = false;
    const batch = r.field60?.batch;
    this.log.info({ stan: r.stan, batch }, 'signed on');
    if (batch !== undefined) {
      this.o.onBatch?.(batch);
      this.emit('batch', { batch });
    }
    this.emit('signed-on', { batch });
  }

  /**
   * Send a message (financial ones get the MAC) after a sign-on when one is due; returns the
   * response. The MAC of every financial response is verified first, whatever field 39 says:
   * missing or wrong is PosError HOST_BAD_MAC (the caller reverses with A0) and a sign-on is
   * scheduled; a verified A0 is returned (a decline) and schedules a sign-on.
   */
  send(msg: IsoMessage, opts: Omit<HostRequestOptions, 'packed'> = {}): Promise<HostResponse> {
    return this.track(this.sendSignedOn(msg, opts));
  }

  private async sendSignedOn(
    msg: IsoMessage,
    opts: Omit<HostRequestOptions, 'packed'>,
  ): Promise<HostResponse> {
    if (this.needSignOn || !this.mak) await this.signOn();
    const mak = this.mak;
    if (!mak) throw new PosError('HOST_NOT_SIGNED_ON', 'no working keys');
    const macFn = (mab: Buffer) => unionPayMac(mak, mab);
    const withMac = MAC_MTIS.has(msg.mti);
    let out = msg;
    let packed: Buffer | undefined;
    if (withMac) {
      out = { mti: msg.mti, fields: { ...msg.fields, 64: MAC_PLACEHOLDER } };
      packed = applyMac(this.codec.pack(out), macFn);
      out.fields[64] = packed
        .subarray(packed.length - 8)
        .toString('hex')
        .toUpperCase();
    }
    const res = await this.o.link.request(out, { ...opts, packed });
    this.touch();
    this.afterResponse(res);
    // MAC first, whatever field 39 says: an answer that does not verify is no answer at all,
    // an A0 included (anyone on the path could forge one to decline a payment or block a batch).
    if (withMac && (res.message.fields[64] === undefined || !verifyMac(res.rawBody, macFn))) {
      this.requireSignOn('bad response MAC');
      this.log.warn(
        { mti: res.message.mti, stan: res.message.fields[11], responseCode: res.message.fields[39] },
        'response MAC missing or wrong',
      );
      throw new PosError('HOST_BAD_MAC', 'response MAC missing or wrong', {
        field: 64,
        mti: res.message.mti,
        stan: res.message.fields[11],
        responseCode: res.message.fields[39],
      });
    }
    // A MAC-verified A0 is the host's word: it could not check our MAC. A decline; new keys first.
    if (res.message.fields[39] === 'A0') this.requireSignOn('response code A0');
    return res;
  }

  /** Echo test (0820); resolves with the response code. */
  echo(): Promise<string> {
    return this.track(this.doEcho());
  }

  /** Notes the outcome of an exchange in `health` (a PosError is a failure; others pass through). */
  private track<T>(p: Promise<T>): Promise<T> {
    return p.then(
      (v) => {
        this.health.lastOkAt = this.clock.now();
        return v;
      },
      (e: unknown) => {
        if (isPosError(e) && e.code !== 'HOST_CLOSED') {
          this.health.lastFailure = {
            code: e.code,
            ...hostFailureCause(e),
            message: e.message,
            at: this.clock.now(),
          };
        }
        throw e;
      },
    );
  }

  private async doEcho(): Promise<string> {
    const msg = echoTestRequestToMessage({
      stan: await this.o.nextStan(),
      terminalId: this.o.terminalId,
      merchantId: this.o.merchantId,
      batch: this.o.batch(),
    });
    const res = await this.o.link.request(msg);
    this.touch();
    this.afterResponse(res);
    return parseEchoTestResponse(res.message).responseCode;
  }

  private afterResponse(res: HostResponse): void {
    if (res.header.processingRequirement === ProcessingRequirement.SignOnAgain) {
      this.requireSignOn('processing requirement 3');
    }
  }

  private touch(): void {
    this.lastActivity = this.clock.monotonic();
  }

  private scheduleEcho(): void {
    const idle = this.o.echoIdleMs ?? 0;
    if (idle <= 0 || this.closed) return;
    this.echoTimer?.cancel();
    const due = Math.max(0, this.lastActivity + idle - this.clock.monotonic());
    this.echoTimer = this.clock.setTimeout(() => {
      this.echoTimer = undefined;
      void this.onIdle(idle);
    }, due);
  }

  private async onIdle(idle: number): Promise<void> {
    if (this.closed) return;
    if (this.clock.monotonic() - this.lastActivity >= idle) {
      try {
        const responseCode = await this.echo();
        this.emit('echo', { ok: responseCode === '00', responseCode });
      } catch (e) {
        this.touch();
        const code = isPosError(e) ? e.code : 'unknown';
        this.log.warn({ code }, 'echo test failed');
        this.emit('echo', { ok: false, code });
      }
    }
    this.scheduleEcho();
  }
}
