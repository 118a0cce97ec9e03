/**
 * A till app's (and the CLI's) client of the control API: `PostermClient.connect(path)` → the
 * server's hello; typed calls mirroring RuntimeApi; `subscribe(fromSeq, listener)`; `close()`.
 * Exported as `posterm/client`.
 *
 * Errors are PosError: CONTROL_UNREACHABLE (no runtime on the socket), CONTROL_CLOSED (the
 * connection ended before the answer), CONTROL_TIMEOUT (no answer in time: the request may still
 * complete; ask `transactionStatus(tillId)`), CONTROL_BAD_RESPONSE (the server's bytes make no
 * sense), CONTROL_VERSION_MISMATCH, and the server's own codes (TXN_*, READER_*, CONTROL_*)
 * passed through with their message and key.
 */
import { connect, type Socket } from 'node:net';
import { PosError, type PosErrorCode } from '../errors.js';
import type {
  AbortRequest,
  AbortResponse,
  ForwardReport,
  InquiryCall,
  QueueListRequest,
  QueueRow,
  RefundCall,
  RuntimeEvent,
  RuntimeStatus,
  SaleCall,
  SettlementReportRequest,
  SettlementReportResponse,
  SettlementResult,
  SettlementStatusResponse,
  SettlementTimelineResponse,
  SettlementTrackReport,
  TransactionStatusRequest,
  TransactionStatusResponse,
  TxnResult,
  VoidCall,
} from '../runtime/RuntimeApi.js';
import { DelimitedFramer } from './DelimitedFramer.js';
import { eventFromWire } from './protoCalls.js';
import {
  API_MAJOR,
  API_MINOR,
  decodeEnvelope,
  EnvelopeType,
  encodeEnvelope,
  fromWire,
  MAX_REPLY_FRAME_BYTES,
} from './protoCodec.js';

export interface PostermClientOptions {
  /** Default time to wait for an answer (default 120 s: a sale waits for a card and the host). */
  timeoutMs?: number;
  /** Time to wait for the connection and the server's hello (default 5 s). */
  connectTimeoutMs?: number;
  /** Sent in the client's Hello (informative), e.g. "till-app 3.2". */
  software?: string;
}

export interface CallOptions {
  timeoutMs?: number;
}

/** What the server said of itself. */
export interface ServerHello {
  apiMajor: number;
  apiMinor: number;
  software: string;
  maxFrameBytes: number;
}

export interface ClientSubscription {
  /** Ends the subscription (UnsubscribeRequest); resolves when the server confirmed it. */
  close(): Promise<void>;
}

type Plain = Record<string, unknown>;

interface Pending {
  expect: string;
  resolve: (v: unknown) => void;
  reject: (e: PosError) => void;
  timer: NodeJS.Timeout;
}

interface Sub {
  listener: (e: RuntimeEvent) => void;
  onEnd?: (err: PosError) => void;
}

const KEY = 'control.socket';

export class PostermClient {
  private readonly pending = new Map<number, Pending>();
  private readonly subs = new Map<number, Sub>();
  private nextId = 1;
  private closedWith?: PosError;
  /** A connection-level error (id 0) the server sent before closing. */
  private notice?: PosError;
  private readonly whenClosed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    readonly server: ServerHello,
    private readonly timeoutMs: number,
    framer: DelimitedFramer,
  ) {
    socket.on('data', (chunk: Buffer) => {
      for (const item of framer.push(chunk)) {
        if (item.kind === 'too-large') {
          this.fail(new PosError('CONTROL_BAD_RESPONSE', `server frame of ${item.bytes} bytes is too large`));
          return;
        }
        this.onFrame(item.bytes);
      }
    });
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () =>
      this.fail(this.notice ?? new PosError('CONTROL_CLOSED', 'the runtime closed the connection')),
    );
    socket.on('end', () => socket.end());
  }

  /** Connects, sends this client's hello and resolves with the server's (CONTROL_UNREACHABLE ...). */
  static connect(path: string, opts: PostermClientOptions = {}): Promise<PostermClient> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = connect({ path, allowHalfOpen: true });
      const framer = new DelimitedFramer(MAX_REPLY_FRAME_BYTES);
      const fail = (e: PosError) => {
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      };
      const timer = setTimeout(
        () =>
          fail(
            new PosError(
              'CONTROL_TIMEOUT',
              `no hello from the runtime on ${path} in ${connectTimeoutMs} ms`,
              {
                key: KEY,
              },
            ),
          ),
        connectTimeoutMs,
      );
      socket.once('error', (e: NodeJS.ErrnoException) =>
        fail(
          new PosError(
            'CONTROL_UNREACHABLE',
            `runtime not reachable on ${path} (${e.code ?? 'error'}); start it with 'posterm run'`,
            { key: KEY, errno: e.code },
          ),
        ),
      );
      socket.once('connect', () => {
        socket.write(
          encodeEnvelope(0, 'hello', {
            apiMajor: API_MAJOR,
            apiMinor: API_MINOR,
            software: opts.software ?? 'posterm-client',
            maxFrameBytes: MAX_REPLY_FRAME_BYTES,
          }),
        );
      });
      socket.once('close', () =>
        fail(new PosError('CONTROL_CLOSED', 'the runtime closed the connection before its hello')),
      );
      socket.once('end', () =>
        fail(
          framer.end()
            ? new PosError('CONTROL_BAD_RESPONSE', 'the socket does not speak posterm.v1 (no hello)')
            : new PosError('CONTROL_CLOSED', 'the runtime closed the connection before its hello'),
        ),
      );
      const onData = (chunk: Buffer) => {
        const items = framer.push(chunk);
        if (items.length === 0) return;
        socket.off('data', onData);
        socket.removeAllListeners('close');
        socket.removeAllListeners('error');
        socket.removeAllListeners('end');
        socket.on('error', () => socket.destroy());
        const [first, ...rest] = items;
        const d = first.kind === 'frame' ? decodeEnvelope(first.bytes) : undefined;
        if (!d?.ok || d.env.body !== 'hello') {
          fail(new PosError('CONTROL_BAD_RESPONSE', 'the socket does not speak posterm.v1 (no hello)'));
          return;
        }
        const hello = fromWire(EnvelopeType, d.env.message).hello as unknown as ServerHello;
        if (hello.apiMajor !== API_MAJOR) {
          fail(
            new PosError(
              'CONTROL_VERSION_MISMATCH',
              `runtime speaks API ${hello.apiMajor}.${hello.apiMinor}, this client ${API_MAJOR}.${API_MINOR}`,
              { key: 'api_major' },
            ),
          );
          return;
        }
        clearTimeout(timer);
        const client = new PostermClient(socket, hello, opts.timeoutMs ?? 120_000, framer);
        for (const item of rest) if (item.kind === 'frame') client.onFrame(item.bytes);
        resolve(client);
      };
      socket.on('data', onData);
    });
  }

  sale(req: SaleCall, o?: CallOptions): Promise<TxnResult> {
    return this.call<TxnResult>('sale', req, o);
  }

  void(req: VoidCall, o?: CallOptions): Promise<TxnResult> {
    return this.call<TxnResult>('voidSale', req, o);
  }

  refund(req: RefundCall, o?: CallOptions): Promise<TxnResult> {
    return this.call<TxnResult>('refund', req, o);
  }

  inquiry(req: InquiryCall = {}, o?: CallOptions): Promise<TxnResult> {
    return this.call<TxnResult>('inquiry', req, o);
  }

  transactionStatus(req: TransactionStatusRequest, o?: CallOptions): Promise<TransactionStatusResponse> {
    return this.call<TransactionStatusResponse>('transactionStatus', req, o);
  }

  abort(req: AbortRequest = {}, o?: CallOptions): Promise<AbortResponse> {
    return this.call<AbortResponse>('abort', req, o);
  }

  async queueList(req: QueueListRequest = {}, o?: CallOptions): Promise<QueueRow[]> {
    const r = await this.call<{ rows: QueueRow[] }>('queueList', req, o);
    return r.rows;
  }

  queueForward(o?: CallOptions): Promise<ForwardReport> {
    return this.call<ForwardReport>('queueForward', {}, o);
  }

  settle(o?: CallOptions): Promise<SettlementResult> {
    return this.call<SettlementResult>('settle', {}, o);
  }

  status(o?: CallOptions): Promise<RuntimeStatus> {
    return this.call<RuntimeStatus>('status', {}, o);
  }

  settlementStatus(o?: CallOptions): Promise<SettlementStatusResponse> {
    return this.call<SettlementStatusResponse>('settlementStatus', {}, o);
  }

  settlementTimeline(req: { rrn: string }, o?: CallOptions): Promise<SettlementTimelineResponse> {
    return this.call<SettlementTimelineResponse>('settlementTimeline', req, o);
  }

  settlementTrack(o?: CallOptions): Promise<SettlementTrackReport> {
    return this.call<SettlementTrackReport>('settlementTrack', {}, o);
  }

  /** The settlement report, rendered by the runtime (at most 3 MiB; since API minor 3). */
  settlementReport(req: SettlementReportRequest, o?: CallOptions): Promise<SettlementReportResponse> {
    return this.call<SettlementReportResponse>('settlementReport', { ...req }, o);
  }

  /**
   * Events after `fromSeq` (exclusive): the kept history, then live ones. Resolves once the
   * server confirmed. `onEnd` is told when the server ends it (CONTROL_SUBSCRIBER_TOO_SLOW: this
   * process did not read fast enough; subscribe again from the last seq) or the connection closes.
   */
  async subscribe(
    fromSeq: number,
    listener: (e: RuntimeEvent) => void,
    onEnd?: (err: PosError) => void,
  ): Promise<ClientSubscription> {
    const id = this.nextId;
    this.subs.set(id, { listener, onEnd });
    try {
      await this.call('subscribe', { fromSeq });
    } catch (e) {
      this.subs.delete(id);
      throw e;
    }
    return {
      close: async () => {
        if (!this.subs.delete(id)) return;
        await this.call('unsubscribe', { subscriptionId: id });
      },
    };
  }

  /** Ends the connection; calls still waiting get CONTROL_CLOSED. */
  async close(): Promise<void> {
    this.fail(new PosError('CONTROL_CLOSED', 'the client closed the connection'));
    this.socket.end();
    this.socket.destroySoon();
    await this.whenClosed;
  }

  private call<T = Plain>(kind: string, params: object, o?: CallOptions): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const timeoutMs = o?.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new PosError('CONTROL_TIMEOUT', `no answer to ${kind} from the runtime in ${timeoutMs} ms`, {
            key: KEY,
            call: kind,
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { expect: kind, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.socket.write(encodeEnvelope(id, 'request', { [kind]: params }));
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new PosError('CONTROL_BAD_REQUEST', `cannot encode ${kind}: ${(e as Error).message}`));
      }
    });
  }

  private onFrame(bytes: Buffer): void {
    const d = decodeEnvelope(bytes);
    if (!d.ok) {
      this.fail(new PosError('CONTROL_BAD_RESPONSE', 'the runtime sent a frame that does not decode'));
      return;
    }
    const id = Number(d.env.id);
    const env = fromWire(EnvelopeType, d.env.message);
    if (d.env.body === 'event') {
      const sub = this.subs.get(id);
      const e = eventFromWire(env.event as Plain);
      if (!sub || !e) return; // after close(), or an event kind newer than this client
      try {
        sub.listener(e);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
      return;
    }
    if (d.env.body === 'error') {
      const body = env.error as { code: string; message: string; key: string };
      // A server error without a code is still a coded error here (CONTROL_ERROR).
      const code = (body.code || 'CONTROL_ERROR') as PosErrorCode;
      const err = new PosError(code, body.message || 'error', body.key ? { key: body.key } : {});
      const p = this.pending.get(id);
      if (p) {
        this.finishCall(id, p, () => p.reject(err));
        return;
      }
      const sub = this.subs.get(id);
      if (sub) {
        this.subs.delete(id);
        sub.onEnd?.(err);
        return;
      }
      this.notice = err; // about the connection: the close that follows reports it
      return;
    }
    const p = this.pending.get(id);
    if (!p) return; // answer after a timeout
    if (d.env.body !== 'response') return;
    const r = env.response as Plain;
    if (r.result !== p.expect) {
      this.finishCall(id, p, () =>
        p.reject(new PosError('CONTROL_BAD_RESPONSE', `asked ${p.expect}, answered ${String(r.result)}`)),
      );
      return;
    }
    this.finishCall(id, p, () => p.resolve(r[p.expect]));
  }

  private finishCall(id: number, p: Pending, fn: () => void): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    fn();
  }

  private fail(err: PosError): void {
    this.closedWith ??= err;
    for (const [id, p] of [...this.pending]) this.finishCall(id, p, () => p.reject(this.closedWith!));
    for (const [id, s] of [...this.subs]) {
      this.subs.delete(id);
      s.onEnd?.(this.closedWith!);
    }
    if (err.code !== 'CONTROL_CLOSED') this.socket.destroy();
  }
}
