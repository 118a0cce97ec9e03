/**
 * The till's control API over the profile's Unix socket: length-delimited protobuf envelopes
 * (src/proto/posterm/v1/control.proto, docs/control-api.md) mapped onto a RuntimeApi.
 *
 * Connections
 * - The server sends Hello first. A client Hello, when sent, must be the first message; another
 *   major version → Error CONTROL_VERSION_MISMATCH, then the connection closes.
 * - Requests run concurrently and are answered in completion order (Response or Error with the
 *   request's id). At most `maxInflight` run per connection: reading pauses beyond that, and
 *   while more than `writeHighWater` bytes of answers are unsent (a client that writes without
 *   reading).
 * - A frame over `maxFrameBytes` → Error CONTROL_FRAME_TOO_LARGE (id 0); reading stops, requests
 *   already running are answered, then the connection closes (varint framing cannot resync).
 * - A frame that does not decode → CONTROL_BAD_REQUEST with its id when readable; an envelope
 *   that is not a request (or has no body) → CONTROL_BAD_REQUEST; a request case this server does
 *   not know → CONTROL_UNKNOWN_REQUEST. A handler's PosError passes through; anything else is
 *   CONTROL_INTERNAL (logged, card data masked). No input stops the server.
 * - Half-close: every request read is answered (a frame cut short at the end is logged and
 *   dropped), subscriptions end, then the server ends the connection.
 * - A client that goes away mid-request: the call still runs to completion (a sale is finished and
 *   journalled); the answer is dropped and logged at info (request case and id only).
 * - Events: SubscribeRequest(from_seq) → SubscribeResponse, then Events with the subscribe id.
 *   When more than `writeHighWater` bytes are unsent as an event comes, the subscription ends
 *   with Error CONTROL_SUBSCRIBER_TOO_SLOW (the till resubscribes from its last seq); it also
 *   ends on UnsubscribeRequest and when the connection closes.
 *
 * Socket file: see listenUnixSocket (stale sockets only are replaced; mode 0o660; group).
 */
import type { Server, Socket } from 'node:net';
import { isPosError, PosError } from '../errors.js';
import type { Logger } from '../log.js';
import { maskPansInText } from '../mask.js';
import type { RuntimeApi, RuntimeEvent, Subscription } from '../runtime/RuntimeApi.js';
import { DelimitedFramer } from './DelimitedFramer.js';
import { type ControlListenOptions, errnoOf, listenUnixSocket } from './listenUnixSocket.js';
import { CALLS, type CallCase, eventToWire, runCall } from './protoCalls.js';
import {
  API_MAJOR,
  API_MINOR,
  type DecodedEnvelope,
  decodeEnvelope,
  type EnvelopeId,
  encodeEnvelope,
  fromWire,
  idText,
  MAX_FRAME_BYTES,
  MAX_REPLY_FRAME_BYTES,
  typeOf,
} from './protoCodec.js';

export interface ProtoControlOptions extends ControlListenOptions {
  /** Largest request frame accepted (default 64 KiB); sent in Hello. */
  maxFrameBytes?: number;
  /** Requests run at once per connection before reading pauses (default 32). */
  maxInflight?: number;
  /** Unsent answer bytes per connection before reading pauses / a subscriber is cut (default 1 MiB). */
  writeHighWater?: number;
  /** Hello.software (default "posterm"). */
  software?: string;
}

type Plain = Record<string, unknown>;

const REQUEST_TYPE = typeOf('Envelope', 'request');

function isCall(c: string | undefined): c is CallCase {
  return (CALLS as readonly string[]).includes(c ?? '');
}

export class ProtoControlServer {
  private server?: Server;
  private readonly conns = new Set<Connection>();
  readonly maxFrameBytes: number;
  readonly maxInflight: number;
  readonly writeHighWater: number;
  readonly software: string;

  constructor(
    readonly api: RuntimeApi,
    readonly log: Logger,
    opts: ProtoControlOptions = {},
  ) {
    this.maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.maxInflight = opts.maxInflight ?? 32;
    this.writeHighWater = opts.writeHighWater ?? 1024 * 1024;
    this.software = opts.software ?? 'posterm';
  }

  async listen(path: string, opts: ControlListenOptions = {}): Promise<void> {
    this.server = await listenUnixSocket(
      path,
      opts,
      (s) => {
        const c = new Connection(this, s);
        this.conns.add(c);
        s.on('close', () => {
          c.closed();
          this.conns.delete(c);
        });
      },
      this.log,
    );
  }

  /** Stops listening and drops every connection (their subscriptions end). */
  async close(): Promise<void> {
    for (const c of this.conns) c.destroy();
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/**
 * Starts the control API on `path` over `api` (what `posterm run` and the integration world
 * call): listens with the socket file's mode and group, and resolves once clients can connect.
 */
export async function startControlServer(
  api: RuntimeApi,
  path: string,
  opts: ProtoControlOptions,
  log: Logger,
): Promise<ProtoControlServer> {
  const server = new ProtoControlServer(api, log, opts);
  await server.listen(path, opts);
  log.info({ socket: path }, 'control socket ready');
  return server;
}

/** One client connection: framing, the hello, requests in flight, subscriptions. */
class Connection {
  private readonly framer: DelimitedFramer;
  private readonly backlog: Buffer[] = [];
  private readonly subs = new Map<string, Subscription>();
  private inflight = 0;
  private frames = 0;
  /** No more input is taken (client half-closed, bad length, version mismatch). */
  private ended = false;
  private gone = false;
  private finished = false;

  constructor(
    private readonly srv: ProtoControlServer,
    private readonly socket: Socket,
  ) {
    this.framer = new DelimitedFramer(srv.maxFrameBytes);
    this.send(0, 'hello', {
      apiMajor: API_MAJOR,
      apiMinor: API_MINOR,
      software: srv.software,
      maxFrameBytes: srv.maxFrameBytes,
    });
    socket.on('error', (e) => {
      srv.log.debug({ errno: errnoOf(e) }, 'control connection error');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.flow());
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The socket closed: subscriptions end; requests still running finish, their answers dropped. */
  closed(): void {
    this.gone = true;
    this.ended = true;
    this.backlog.length = 0;
    this.unsubscribeAll();
  }

  private get log(): Logger {
    return this.srv.log;
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    for (const item of this.framer.push(chunk)) {
      if (item.kind === 'frame') this.backlog.push(item.bytes);
      else {
        this.log.warn({ bytes: item.bytes, limit: this.srv.maxFrameBytes }, 'control frame too large');
        // Frames before the bad length are still answered; nothing after it can be read.
        this.stopReading(
          false,
          new PosError(
            'CONTROL_FRAME_TOO_LARGE',
            `frame of ${item.bytes} bytes over the limit of ${this.srv.maxFrameBytes}; closing`,
            { limit: this.srv.maxFrameBytes },
          ),
          0,
        );
        return;
      }
    }
    this.flow();
  }

  private onEnd(): void {
    const cut = this.framer.end();
    if (cut) this.log.info({ have: cut.have, want: cut.want }, 'control frame cut short at end; dropped');
    this.ended = true;
    this.flow();
  }

  /**
   * Error `err`, then take no more input (with `dropBacklog`, not even frames already read); the
   * connection ends once the answers are out.
   */
  private stopReading(dropBacklog: boolean, err: PosError, id: EnvelopeId): void {
    this.sendError(id, err);
    this.ended = true;
    if (dropBacklog) this.backlog.length = 0;
    this.socket.pause();
    this.flow();
  }

  /** Starts what may start, pauses or resumes reading, ends the connection when all is done. */
  private flow(): void {
    while (this.backlog.length > 0 && this.inflight < this.srv.maxInflight) {
      this.take(this.backlog.shift()!);
    }
    if (this.ended) {
      if (this.backlog.length === 0 && this.inflight === 0) this.finish();
      return;
    }
    const full =
      this.backlog.length > 0 ||
      this.inflight >= this.srv.maxInflight ||
      this.socket.writableLength > this.srv.writeHighWater;
    if (full && !this.socket.isPaused()) this.socket.pause();
    else if (!full && this.socket.isPaused()) this.socket.resume();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.unsubscribeAll();
    if (this.socket.destroyed) return;
    // Ending our side; what the client still sends is not read. Destroy once the answers are out.
    this.socket.end(() => this.socket.destroy());
  }

  private take(frame: Buffer): void {
    const first = this.frames++ === 0;
    const d = decodeEnvelope(frame);
    if (!d.ok) {
      this.sendError(d.id, new PosError('CONTROL_BAD_REQUEST', 'frame is not a posterm.v1.Envelope'));
      return;
    }
    const { env } = d;
    if (env.body === 'hello') {
      if (!first) {
        this.sendError(
          env.id,
          new PosError('CONTROL_BAD_REQUEST', 'hello must be the first message', { key: 'hello' }),
        );
        return;
      }
      this.hello(env);
      return;
    }
    if (env.body !== 'request') {
      this.sendError(
        env.id,
        new PosError(
          'CONTROL_BAD_REQUEST',
          env.body ? `a client sends requests, not ${env.body}` : 'envelope without a body',
        ),
      );
      return;
    }
    const req = fromWire(REQUEST_TYPE, env.message.request as Plain);
    const call = req.call as string | undefined;
    if (call === 'subscribe') this.subscribe(env.id, req.subscribe as Plain);
    else if (call === 'unsubscribe') this.unsubscribe(env.id, req.unsubscribe as Plain);
    else if (!isCall(call)) {
      this.sendError(
        env.id,
        new PosError('CONTROL_UNKNOWN_REQUEST', 'request of a kind this server does not know', {
          key: 'request',
        }),
      );
    } else {
      this.inflight++;
      void this.run(env.id, call, req[call] as Plain).finally(() => {
        this.inflight--;
        this.flow();
      });
    }
  }

  private hello(env: DecodedEnvelope): void {
    const h = fromWire(typeOf('Envelope', 'hello'), env.message.hello as Plain);
    if (h.apiMajor === API_MAJOR) {
      this.log.debug({ software: String(h.software).slice(0, 64) }, 'control client hello');
      return;
    }
    this.log.info({ apiMajor: h.apiMajor }, 'control client speaks another API version; closing');
    this.stopReading(
      true,
      new PosError(
        'CONTROL_VERSION_MISMATCH',
        `client speaks API ${String(h.apiMajor)}.x, this server ${API_MAJOR}.${API_MINOR}`,
        { key: 'api_major', server: API_MAJOR, client: h.apiMajor },
      ),
      env.id,
    );
  }

  private async run(id: EnvelopeId, call: CallCase, params: Plain): Promise<void> {
    let result: unknown;
    try {
      result = await runCall(this.srv.api, call, params);
    } catch (e) {
      if (!isPosError(e)) {
        const err = maskPansInText(String((e as Error)?.message ?? e));
        this.log.error({ call, id: idText(id), err }, 'control call failed');
      }
      this.sendError(id, isPosError(e) ? e : new PosError('CONTROL_INTERNAL', 'internal error', { call }));
      return;
    }
    this.send(id, 'response', { [call]: result }, call);
  }

  private subscribe(id: EnvelopeId, p: Plain): void {
    const key = idText(id);
    if (this.subs.has(key)) {
      this.sendError(
        id,
        new PosError('CONTROL_BAD_REQUEST', 'a subscription with this id is open', { key: 'id' }),
      );
      return;
    }
    // History comes during subscribe(): held until the SubscribeResponse is out.
    let held: RuntimeEvent[] | null = [];
    let ended = false;
    const listener = (e: RuntimeEvent) => {
      if (ended || this.gone) return;
      if (held) {
        held.push(e);
        return;
      }
      if (this.socket.writableLength > this.srv.writeHighWater) {
        ended = true;
        this.subs.get(key)?.close();
        this.subs.delete(key);
        this.log.warn({ id: key, unsent: this.socket.writableLength }, 'control subscriber too slow; cut');
        this.sendError(
          id,
          new PosError(
            'CONTROL_SUBSCRIBER_TOO_SLOW',
            `events not taken (over ${this.srv.writeHighWater} bytes unsent); subscribe again from the last seq`,
          ),
        );
        return;
      }
      this.send(id, 'event', eventToWire(e), 'event');
    };
    let sub: Subscription;
    try {
      sub = this.srv.api.subscribe(Number(p.fromSeq ?? 0), listener);
    } catch (e) {
      if (!isPosError(e)) this.log.error({ err: maskPansInText(String(e)) }, 'control subscribe failed');
      this.sendError(id, isPosError(e) ? e : new PosError('CONTROL_INTERNAL', 'internal error'));
      return;
    }
    const wrapped: Subscription = {
      close: () => {
        ended = true;
        sub.close();
      },
    };
    this.subs.set(key, wrapped);
    this.send(id, 'response', { subscribe: {} }, 'subscribe');
    const replay = held;
    held = null;
    for (const e of replay) listener(e);
  }

  private unsubscribe(id: EnvelopeId, p: Plain): void {
    const which = Number(p.subscriptionId ?? 0);
    let closed = 0;
    for (const [key, sub] of [...this.subs]) {
      if (which !== 0 && key !== String(which)) continue;
      sub.close();
      this.subs.delete(key);
      closed++;
    }
    this.send(id, 'response', { unsubscribe: { closed } }, 'unsubscribe');
  }

  private unsubscribeAll(): void {
    for (const sub of this.subs.values()) sub.close();
    this.subs.clear();
  }

  private sendError(id: EnvelopeId, err: PosError): void {
    const key = typeof err.context.key === 'string' ? err.context.key : undefined;
    this.send(id, 'error', { code: err.code, message: err.message, key }, err.code);
  }

  /** Writes one envelope. Never throws: a client that has gone is logged, not an error. */
  private send(id: EnvelopeId, body: string, value: Plain, what = body): void {
    let bytes: Uint8Array;
    try {
      bytes = encodeEnvelope(id, body, value);
      if (bytes.length > MAX_REPLY_FRAME_BYTES) throw new RangeError(`${bytes.length} bytes`);
    } catch (e) {
      this.log.error(
        { what, id: idText(id), err: maskPansInText(String(e)) },
        'control answer not encodable',
      );
      bytes = encodeEnvelope(id, 'error', { code: 'CONTROL_INTERNAL', message: 'internal error' });
    }
    const dropped = (errno?: string) =>
      this.log.info({ what, id: idText(id), errno }, 'control reply dropped: client gone');
    if (this.gone || this.socket.destroyed || !this.socket.writable) {
      if (body !== 'event') dropped();
      return;
    }
    this.socket.write(bytes, (e) => {
      if (e && body !== 'event') dropped(errnoOf(e));
    });
  }
}
