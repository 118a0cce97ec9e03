/**
 * The `status` round trip of `npm run bench:start`, three ways interleaved (the order rotates, so
 * each sees the same moments of the machine):
 * - socket: the till's process (statusTill.mjs, the exported client in a process of its own, as
 *   a till app runs it; the same process made the sales before) asks the runtime process over
 *   the control socket;
 * - echo: the same till process sends as many bytes as a status answer to a bare Node echo server
 *   in a process of its own and reads them back: the floor of a round trip between two Node
 *   processes on this machine, with no posterm code;
 * - in-process: `status` called on a Runtime object in the benchmark's process.
 * BENCH_STATUS_FROM=bench makes the socket calls from the benchmark's own process instead (whose
 * event loop and heap also hold the in-process runtime): the figure before the till process.
 * Also the CPU time the virtual machine lost to its host while the calls ran (steal, /proc/stat).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface RoundTrips {
  socket: number[];
  echo: number[];
  inProcess: number[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function timeCall(call: () => unknown): Promise<number> {
  const t0 = performance.now();
  await call();
  return performance.now() - t0;
}

/** Waits for the child's next message (rejects if it exits first). */
function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((res, rej) => {
    const onExit = () => rej(new Error('the till process exited'));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      res(m);
    });
  });
}

/** A bare echo server (echoServer.mjs) in its own process; resolves once it listens. */
export async function echoServer(dir: string): Promise<{ path: string; stop: () => void }> {
  const path = join(dir, 'echo.sock');
  const child = spawn(process.execPath, [resolve('scripts/bench/echoServer.mjs'), path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((res, rej) => {
    child.stdout!.once('data', () => res());
    child.once('exit', () => rej(new Error('the echo server exited before it listened')));
  });
  return { path, stop: () => child.kill('SIGTERM') };
}

export interface TillProcess {
  status(): Promise<number>;
  echo(): Promise<number>;
  settle(): Promise<number>;
  /** `warmup` untimed sales, then `n` timed: sales per second; `every` after each 1,000 */
  sales(n: number, warmup: number, every?: (sold: number) => void): Promise<number>;
  close(): Promise<void>;
}

/**
 * The till's process (statusTill.mjs): plain Node, not the benchmark's tsx loader, as a till
 * app runs (BENCH_TILL_ARGS gives it Node flags, e.g. --cpu-prof).
 */
export async function tillProcess(socket: string, echoPath: string, echoBytes: number): Promise<TillProcess> {
  const child = fork(resolve('scripts/bench/statusTill.mjs'), [socket, echoPath], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: (process.env.BENCH_TILL_ARGS ?? '').split(' ').filter(Boolean),
    env: { ...process.env, BENCH_ECHO_BYTES: String(echoBytes) },
  });
  await nextMessage(child);
  const time = async (call: 'status' | 'echo' | 'settle') => {
    const answer = nextMessage(child);
    child.send({ call });
    return (await answer) as number;
  };
  return {
    status: () => time('status'),
    echo: () => time('echo'),
    settle: () => time('settle'),
    sales: async (n, warmup, every) => {
      child.send({ call: 'sales', n, warmup });
      for (;;) {
        const m = (await nextMessage(child)) as { sold?: number; ms?: number; error?: string };
        if (m.error) throw new Error(m.error);
        if (m.ms !== undefined) return n / (m.ms / 1000);
        if (m.sold !== undefined) every?.(m.sold);
      }
    },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('close');
      await exited;
    },
  };
}

/** Steal and total CPU ticks of the whole machine so far (/proc/stat, first line). */
function cpuTicks(): { steal: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
}

export interface StatusRun {
  first: RoundTrips;
  warm: RoundTrips;
  /** ms since this process started, of each socket call (BENCH_STATUS_DUMP) */
  socketAt: number[];
  /** share of the machine's CPU time lost to the host while the calls ran */
  stealShare: number;
  from: 'till' | 'bench';
}

/**
 * `calls` of each right after the sales (the runtime's first thousands of calls, while V8 still
 * optimises the control path), then `calls` more of each (warm).
 */
export async function timeStatusRoundTrips(o: {
  till: TillProcess;
  benchStatus: () => Promise<unknown>;
  inProcess: () => unknown;
  calls: number;
}): Promise<StatusRun> {
  const from = process.env.BENCH_STATUS_FROM === 'bench' ? 'bench' : 'till';
  const { till } = o;
  const socketCall = from === 'till' ? till.status : () => timeCall(o.benchStatus);
  const run: StatusRun = {
    first: { socket: [], echo: [], inProcess: [] },
    warm: { socket: [], echo: [], inProcess: [] },
    socketAt: [],
    stealShare: 0,
    from,
  };
  const t0 = cpuTicks();
  for (let i = 0; i < 2 * o.calls; i++) {
    const w = i < o.calls ? run.first : run.warm;
    for (let k = 0; k < 3; k++) {
      const which = (i + k) % 3;
      if (which === 0) {
        run.socketAt.push(performance.now());
        w.socket.push(await socketCall());
      } else if (which === 1) w.echo.push(await till.echo());
      else w.inProcess.push(await timeCall(o.inProcess));
    }
  }
  const t1 = cpuTicks();
  run.stealShare = (t1.steal - t0.steal) / Math.max(1, t1.total - t0.total);
  return run;
}

/** p50/p99 of the three and what the socket adds over in-process and over the bare echo. */
export function statusFigures(prefix: string, w: RoundTrips): Record<string, number> {
  const f: Record<string, number> = {};
  for (const p of [50, 99]) {
    const socket = pct(w.socket, p);
    f[`${prefix}socket_p${p}_ms`] = round(socket);
    f[`${prefix}in_process_p${p}_ms`] = round(pct(w.inProcess, p));
    f[`${prefix}echo_floor_p${p}_ms`] = round(pct(w.echo, p));
    f[`${prefix}socket_added_p${p}_ms`] = round(socket - pct(w.inProcess, p));
  }
  return f;
}
