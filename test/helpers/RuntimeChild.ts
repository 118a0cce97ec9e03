/**
 * The runtime as a child process (`posterm run --profile FILE --log-file PATH` through tsx),
 * for tests that SIGKILL it. `start()` resolves once the control socket is ready; a child that
 * dies before that rejects with RuntimeChildDied (its exit says how).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RuntimeChildOptions {
  profileFile: string;
  /** Where the runtime logs; without it the logs come on stdout (see `stdout`). */
  logFile?: string;
  /** Extra environment (e.g. POSTERM_CRASH_POINTS). */
  env?: Record<string, string>;
  /** Default 30 s. */
  readyTimeoutMs?: number;
  /** SIGKILL the child this long after the spawn unless it is ready by then (a kill while it starts). */
  killIfNotReadyMs?: number;
}

export class RuntimeChildDied extends Error {
  constructor(
    readonly exit: ChildExit,
    readonly stderr: string,
  ) {
    super(`runtime exited before it was ready (code ${exit.code}, signal ${exit.signal})`);
  }
}

export class RuntimeChild {
  readonly exited: Promise<ChildExit>;
  private exitInfo?: ChildExit;
  private err = '';
  private out = '';

  private constructor(private readonly proc: ChildProcess) {
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      }),
    );
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => {
      this.err = (this.err + d).slice(-20_000);
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): ChildExit | undefined {
    return this.exitInfo;
  }

  /** What the child wrote on stdout (the last 200 kB: the running line, logs without a log file). */
  get stdout(): string {
    return this.out;
  }

  /** Sends a signal (SIGHUP, SIGTERM ...) to the child. */
  signal(sig: NodeJS.Signals): void {
    this.proc.kill(sig);
  }

  /** What the child wrote on stderr (the last 20 kB; logs go to the log file). */
  get stderr(): string {
    return this.err;
  }

  static async start(opts: RuntimeChildOptions): Promise<RuntimeChild> {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'run',
        '--profile',
        opts.profileFile,
        ...(opts.logFile ? ['--log-file', opts.logFile] : []),
      ],
      { cwd: REPO, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const child = new RuntimeChild(proc);
    proc.stdout?.setEncoding('utf8');
    const ready = new Promise<boolean>((resolve) => {
      proc.stdout?.on('data', (d: string) => {
        child.out = (child.out + d).slice(-200_000);
        if (child.out.includes('posterm running')) resolve(true);
      });
      void child.exited.then(() => resolve(false));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.readyTimeoutMs ?? 30_000);
    });
    const early =
      opts.killIfNotReadyMs === undefined
        ? undefined
        : setTimeout(() => proc.kill('SIGKILL'), opts.killIfNotReadyMs);
    const r = await Promise.race([ready, timeout]);
    clearTimeout(timer);
    clearTimeout(early);
    if (r === true) return child;
    if (r === 'timeout') {
      await child.kill();
      throw new Error(`runtime not ready within ${opts.readyTimeoutMs ?? 30_000} ms: ${child.stderr}`);
    }
    throw new RuntimeChildDied((await child.exited) as ChildExit, child.stderr);
  }

  /** SIGKILL (when still alive) and wait for the exit. */
  async kill(): Promise<ChildExit> {
    if (this.alive) this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM: the runtime stops cleanly; SIGKILL after graceMs. */
  async stop(graceMs = 10_000): Promise<ChildExit> {
    if (!this.alive) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
