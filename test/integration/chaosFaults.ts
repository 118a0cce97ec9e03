/**
 * The chaos run's faults at the till's side of the runtime (issue 8): a till that sends a sale
 * and vanishes without reading the answer, garbage written to the control socket in the
 * background, and a second runtime started on the same profile while sales run. Each keeps its
 * own counts and records any deviation as a problem; randomness comes from the run's seed.
 */
import { lstatSync } from 'node:fs';
import { connect } from 'node:net';
import { ExitCode } from '../../src/cli/command.js';
import { DelimitedFramer } from '../../src/control/DelimitedFramer.js';
import {
  API_MAJOR,
  decodeEnvelope,
  encodeEnvelope,
  fromWire,
  MAX_FRAME_BYTES,
  typeOf,
} from '../../src/control/protoCodec.js';
import type { SaleCall } from '../../src/runtime/RuntimeApi.js';
import { CRASH_POINTS_ENV } from '../../src/txn/crashPoints.js';
import { varint } from '../control/protoKit.js';
import { callApi } from '../helpers/callApi.js';
import { RuntimeChild, RuntimeChildDied } from '../helpers/RuntimeChild.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The amount of the sale the garbage hides behind a bad length, a version mismatch or a cut: it
 * must never run. The run's end check finds any transaction or charge of an amount no sale of
 * the stream asked for (this one included).
 */
export const SMUGGLED_MINOR = 9_876_500;

const bytesOf = (u: Uint8Array) => Buffer.from(u);
const hello = (apiMajor: number, id = 0) =>
  bytesOf(
    encodeEnvelope(id, 'hello', { apiMajor, apiMinor: 0, software: 'chaos till', maxFrameBytes: 1024 }),
  );
const request = (id: number, call: string, params: Record<string, unknown> = {}) =>
  bytesOf(encodeEnvelope(id, 'request', { [call]: params }));

const frame = (body: Buffer | number[]) => Buffer.concat([varint(body.length), Buffer.from(body)]);

/**
 * Writes the hello and one encoded sale request (as a till does) and goes away after delayMs
 * without reading: destroys the socket, or first half-closes it (end) and destroys it a moment
 * later. 'unreachable' when it could not connect (nothing was sent).
 */
export function vanishingRequest(
  socket: string,
  id: number,
  sale: SaleCall,
  delayMs: number,
  halfClose: boolean,
): Promise<'sent' | 'unreachable'> {
  return new Promise((resolve) => {
    const s = connect({ path: socket, allowHalfOpen: true });
    s.on('error', () => {
      s.destroy();
      resolve('unreachable');
    });
    s.on('connect', () => {
      s.write(Buffer.concat([hello(API_MAJOR), request(id, 'sale', { ...sale })]));
      setTimeout(() => {
        if (halfClose) s.end();
        setTimeout(() => s.destroy(), halfClose ? 10 : 0);
        resolve('sent');
      }, delayMs);
    });
  });
}

const REQUEST = typeOf('Envelope', 'request');

/** Whether the server would run a call for these bytes (a frame that decodes to a request with a call). */
export function runsACall(bytes: Buffer): boolean {
  const framer = new DelimitedFramer(MAX_FRAME_BYTES);
  for (const item of framer.push(bytes)) {
    if (item.kind !== 'frame') return false; // nothing after a bad length is read
    const d = decodeEnvelope(item.bytes);
    if (!d.ok || d.env.body !== 'request') continue;
    if (fromWire(REQUEST, d.env.message.request as Record<string, unknown>).call) return true;
  }
  return false;
}

const smuggled = (id: number) =>
  request(id, 'sale', { amountMinor: SMUGGLED_MINOR, tillId: `smuggled-${id}` });

/** Kinds of garbage, each a function of the run's random source (never a call that runs a sale). */
const GARBAGE: ((rnd: () => number) => { bytes: Buffer; note: string })[] = [
  (rnd) => {
    // Random bytes, drawn again in the (unlikely) case they decode to a request that would run.
    for (;;) {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256)),
      );
      if (!runsACall(bytes)) return { bytes, note: 'random bytes' };
    }
  },
  (rnd) => {
    // Random frames: a correct length prefix around random bytes, several in a row.
    for (;;) {
      const bytes = Buffer.concat(
        Array.from({ length: 1 + Math.floor(rnd() * 5) }, () =>
          frame(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256))),
        ),
      );
      if (!runsACall(bytes)) return { bytes, note: 'random frames' };
    }
  },
  (rnd) => ({
    // A length over the limit with a sale hidden behind it: nothing after the length is read.
    bytes: Buffer.concat([
      varint(MAX_FRAME_BYTES + 1 + Math.floor(rnd() * 100_000)),
      smuggled(1),
      Buffer.alloc(Math.floor(rnd() * 70_000), 0x41),
    ]),
    note: 'over-long length prefix',
  }),
  () => ({
    // A varint that never ends (over 10 bytes), then a sale.
    bytes: Buffer.concat([Buffer.alloc(12, 0xff), smuggled(2)]),
    note: 'endless varint',
  }),
  (rnd) => ({
    // A status request first (answered), then the length of a 2^40-byte frame.
    bytes: Buffer.concat([request(3, 'status'), varint(2 ** 40 + Math.floor(rnd() * 1000)), smuggled(4)]),
    note: 'absurd length prefix',
  }),
  (rnd) => {
    // A whole sale frame cut short: the connection ends before its last bytes.
    const whole = smuggled(5);
    return { bytes: whole.subarray(0, 1 + Math.floor(rnd() * (whole.length - 1))), note: 'truncated frame' };
  },
  (rnd) => ({
    // A length announcing more than follows (within the limit), the bytes that follow are a sale.
    bytes: Buffer.concat([varint(smuggled(6).length + 1 + Math.floor(rnd() * 1000)), smuggled(6)]),
    note: 'short frame swallowing a sale',
  }),
  () => ({
    bytes: Buffer.concat([
      frame([0x08, 0x03, 0x1a, 0x03, 0x98, 0x06, 0x01]), // id 3, request { field 99: 1 }
      frame([0x08, 0x04, 0x1a, 0x00]), // a request without a call
      frame([]), // an envelope without a body
      frame([0x08, 0x05, 0x12, 0xff, 0xff, 0xff]), // id 5, then a length past the end
      bytesOf(encodeEnvelope(6, 'response', { status: {} })),
      bytesOf(encodeEnvelope(7, 'event', { seq: 1, at: 'x' })),
      bytesOf(encodeEnvelope(8, 'error', { code: 'TILL_BROKE', message: 'x' })),
      hello(API_MAJOR, 9), // a hello that is not the first message
    ]),
    note: 'unknown or misplaced envelopes',
  }),
  () => ({
    // Sales, refunds, voids and status queries with values the server must refuse.
    bytes: Buffer.concat([
      request(10, 'sale', { amountMinor: 0 }),
      request(11, 'sale', { amountMinor: -500 }),
      request(12, 'sale', { amountMinor: 10 ** 15 }),
      request(13, 'sale', { amountMinor: SMUGGLED_MINOR, tillId: 'has space' }),
      request(14, 'sale', { amountMinor: SMUGGLED_MINOR, tillId: 'x'.repeat(65) }),
      request(15, 'refund', { rrn: '1', amountMinor: 100 }),
      request(16, 'voidSale', { rrn: '' }),
      request(17, 'transactionStatus', { tillId: '' }),
      request(18, 'subscribe', { fromSeq: 2 ** 52 }),
      request(18, 'subscribe', { fromSeq: 0 }), // the same id again
      request(19, 'unsubscribe', { subscriptionId: 12345 }),
    ]),
    note: 'absurd values',
  }),
  () => ({
    // Another major version first: nothing after it runs.
    bytes: Buffer.concat([hello(API_MAJOR + 1, 20), smuggled(21)]),
    note: 'version mismatch',
  }),
  (rnd) => ({
    bytes: Buffer.alloc(1 + Math.floor(rnd() * 5000), 0x00),
    note: 'empty frames',
  }),
];

/**
 * Now and then (each 100 ms tick, with the given probability) connects to the control socket,
 * writes one kind of garbage (in one or several pieces), then half-closes or drops the
 * connection, reading nothing. A connection refused (runtime restarting) is not counted.
 */
export class GarbageWriter {
  /** Connections that got their garbage out. */
  connections = 0;
  readonly kinds: Record<string, number> = {};
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly socket: string,
    private readonly rnd: () => number,
    readonly probability: number,
  ) {}

  start(): void {
    if (this.probability <= 0) return;
    this.loop = (async () => {
      while (!this.stopped) {
        await sleep(100);
        if (!this.stopped && this.rnd() < this.probability) await this.once();
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private once(): Promise<void> {
    const { bytes, note } = GARBAGE[Math.floor(this.rnd() * GARBAGE.length)](this.rnd);
    const pieces = this.rnd() < 0.3 ? 3 : 1;
    const halfClose = this.rnd() < 0.5;
    const lingerMs = Math.floor(this.rnd() * 30);
    return new Promise((resolve) => {
      const s = connect({ path: this.socket, allowHalfOpen: true });
      const guard = setTimeout(() => s.destroy(), 3000);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        clearTimeout(guard);
        resolve();
      });
      s.on('connect', async () => {
        const step = Math.ceil(bytes.length / pieces);
        for (let i = 0; i < bytes.length; i += step) {
          s.write(bytes.subarray(i, i + step));
          if (pieces > 1) await sleep(2);
        }
        this.connections++;
        this.kinds[note] = (this.kinds[note] ?? 0) + 1;
        if (halfClose) s.end();
        await sleep(lingerMs);
        s.destroy();
      });
    });
  }
}

/** How long a second runtime may take to give up on the locked journal (tsx start-up included). */
const REFUSE_LIMIT_MS = 20_000;

/**
 * A second runtime on the same profile while the first one runs: it must exit with
 * `posterm run: JOURNAL_LOCKED` (exit code 4) quickly, leave the first one's socket in place,
 * and the first must go on answering. If the first died meanwhile (a crash point), the second
 * may rightly take over: it is then stopped cleanly (counted in took_over).
 */
export class SecondRuntimes {
  started = 0;
  refused = 0;
  tookOver = 0;
  slowestRefusalMs = 0;
  readonly problems: string[] = [];
  private current?: Promise<void>;

  constructor(
    private readonly profileFile: string,
    private readonly logFile: string,
    private readonly socket: string,
  ) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Starts one in the background (the first one must be running). */
  launch(first: RuntimeChild): void {
    if (this.current) return;
    this.started++;
    this.current = this.run(first).finally(() => {
      this.current = undefined;
    });
  }

  /** Waits until the one in progress has ended (before the first is restarted). */
  async settle(): Promise<void> {
    await this.current;
  }

  private async run(first: RuntimeChild): Promise<void> {
    const t0 = Date.now();
    try {
      const second = await RuntimeChild.start({
        profileFile: this.profileFile,
        logFile: this.logFile,
        env: { [CRASH_POINTS_ENV]: '' },
        readyTimeoutMs: 60_000,
      });
      const firstAlive = first.alive;
      const exit = await second.stop();
      if (firstAlive) this.problems.push(`second runtime started while the first held the journal`);
      else this.tookOver++;
      if (exit.code !== 0)
        this.problems.push(`second runtime (took over) stopped with ${JSON.stringify(exit)}`);
      return;
    } catch (e) {
      const ms = Date.now() - t0;
      if (!(e instanceof RuntimeChildDied)) {
        this.problems.push(`second runtime: ${(e as Error).message}`);
      } else if (e.exit.code === ExitCode.NotStarted && e.stderr.includes('posterm run: JOURNAL_LOCKED:')) {
        this.refused++;
        this.slowestRefusalMs = Math.max(this.slowestRefusalMs, ms);
        if (ms > REFUSE_LIMIT_MS)
          this.problems.push(`second runtime took ${ms} ms to refuse the locked journal`);
      } else {
        this.problems.push(
          `second runtime exited with code ${e.exit.code} signal ${e.exit.signal}: ${e.stderr.slice(-300)}`,
        );
      }
    }
    await this.checkFirst(first);
  }

  /** The first keeps its socket and answers (unless it died meanwhile). */
  private async checkFirst(first: RuntimeChild): Promise<void> {
    if (!first.alive) return;
    let isSocket = false;
    try {
      isSocket = lstatSync(this.socket).isSocket();
    } catch {
      // gone
    }
    if (!isSocket && first.alive) {
      this.problems.push('the first runtime lost its control socket to the second');
      return;
    }
    try {
      await callApi(this.socket, (c) => c.status(), 15_000);
    } catch (e) {
      if (first.alive)
        this.problems.push(`the first runtime does not answer after the second: ${(e as Error).message}`);
    }
  }
}
