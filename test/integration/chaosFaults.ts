/**
 * The chaos run's faults at the till's side of the runtime (issue 8): a till that sends a sale
 * and vanishes without reading the answer, garbage written to the control socket in the
 * background, and a second runtime started on the same profile while sales run. Each keeps its
 * own counts and records any deviation as a problem; randomness comes from the run's seed.
 */
import { lstatSync } from 'node:fs';
import { connect } from 'node:net';
import { ExitCode } from '../../src/cli/command.js';
import { callRuntime } from '../../src/control/ControlClient.js';
import { CRASH_POINTS_ENV } from '../../src/txn/crashPoints.js';
import { RuntimeChild, RuntimeChildDied } from '../helpers/RuntimeChild.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes one request line and goes away after delayMs without reading: destroys the socket, or
 * first half-closes it (end) and destroys it a moment later. 'unreachable' when it could not
 * connect (nothing was sent).
 */
export function vanishingRequest(
  socket: string,
  request: object,
  delayMs: number,
  halfClose: boolean,
): Promise<'sent' | 'unreachable'> {
  return new Promise((resolve) => {
    const s = connect(socket);
    s.on('error', () => {
      s.destroy();
      resolve('unreachable');
    });
    s.on('connect', () => {
      s.write(`${JSON.stringify(request)}\n`);
      setTimeout(() => {
        if (halfClose) s.end();
        setTimeout(() => s.destroy(), halfClose ? 10 : 0);
        resolve('sent');
      }, delayMs);
    });
  });
}

/** Kinds of garbage, each a function of the run's random source (never a valid sale). */
const GARBAGE: ((rnd: () => number) => { bytes: Buffer; note: string })[] = [
  (rnd) => ({
    bytes: Buffer.concat([
      Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256))),
      Buffer.from('\n'),
    ]),
    note: 'random bytes',
  }),
  () => ({ bytes: Buffer.from('null\n[]\n42\n"sale"\ntrue\n'), note: 'JSON that is not an object' }),
  (rnd) => ({
    bytes: Buffer.from(
      `${'x'.repeat(64 * 1024 + Math.floor(rnd() * 100_000))}\n{"id":1,"method":"status"}\n`,
    ),
    note: 'huge line',
  }),
  () => ({ bytes: Buffer.from('y'.repeat(200_000)), note: 'huge line, no newline' }),
  (rnd) => {
    const whole = '{"id":1,"method":"status","params":{"verbose":true}}';
    return {
      bytes: Buffer.from(whole.slice(0, 1 + Math.floor(rnd() * (whole.length - 2)))),
      note: 'half JSON',
    };
  },
  () => ({
    bytes: Buffer.from(
      ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'sale.', 'SALE', '']
        .map((m, i) => `{"id":${i},"method":${JSON.stringify(m)},"params":{}}\n`)
        .join(''),
    ),
    note: 'unknown methods',
  }),
  () => ({
    bytes: Buffer.from('{"id":1,"method":"sale","params":null}\n{"id":2,"method":"sale","params":[500]}\n'),
    note: 'sale with bad params',
  }),
  () => ({ bytes: Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x0a]), note: 'not UTF-8' }),
  (rnd) => ({
    bytes: Buffer.from(`${'['.repeat(1000 + Math.floor(rnd() * 60_000))}\n`),
    note: 'deep nesting',
  }),
  () => ({
    bytes: Buffer.from(`${'\r\n'.repeat(2000)}{"id":{"x":1},"method":"status"}\n`),
    note: 'blank lines, bad id',
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
      const s = connect(this.socket);
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
      await callRuntime(this.socket, 'status', {}, 15_000);
    } catch (e) {
      if (first.alive)
        this.problems.push(`the first runtime does not answer after the second: ${(e as Error).message}`);
    }
  }
}
