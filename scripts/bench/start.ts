/**
 * npm run bench:start: the runtime as a terminal runs it (`node dist/cli/main.js run`, the built
 * JavaScript), against the host simulator in its own process. Needs `npm run build` first.
 *
 * - start to ready: from the spawn until the control socket answers `status` (median, max over
 *   STARTS starts; the first one creates the journal and its key);
 * - RSS of the runtime process (/proc/PID/status VmRSS, and its peak VmHWM) after SALES sales
 *   through the control socket, and every 1,000 sales (BENCH_SALES=10000: a leak check); the
 *   sales come from the till's process (statusTill.mjs), as a till app makes them;
 * - the control round trip of `status` (p50/p99) from a till process of its own, next to the
 *   same `status` called in-process on a Runtime object in this process (its own journal with the
 *   same sales) and to a bare Node echo of as many bytes (the machine's floor), interleaved
 *   (statusRoundTrip.ts): all calls, the first STATUS_CALLS after the sales, then STATUS_CALLS
 *   more (warm);
 * - sales per second through the socket next to the same sales called in-process (Runtime object,
 *   same journal, same virtual reader over TCP, same simulator) in the same run.
 * The virtual reader runs in this process and hands the card over at once (no 30 ms tap); the
 * runtime opens it by its tcp:// device path, so no reader is started inside the runtime.
 * Both sale phases start on a settled batch; with batch.maxCount 999 each has one automatic
 * settlement at its 1,000th sale. Prints one JSON line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PostermClient } from '../../src/control/PostermClient.js';
import { encodeEnvelope } from '../../src/control/protoCodec.js';
import { startVirtualReader } from '../../src/emulator/VirtualReaderServer.js';
import { silentLogger } from '../../src/log.js';
import { parseProfile } from '../../src/profile/loadProfile.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import { emulatorProfileJson } from './profileJson.js';
import { startSimProcess } from './simProcess.js';
import { echoServer, pct, statusFigures, tillProcess, timeStatusRoundTrips } from './statusRoundTrip.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const SALES = Number(process.env.BENCH_SALES ?? 1000);
const STATUS_CALLS = Number(process.env.BENCH_STATUS ?? 2000);
const WARMUP = 50;
const MAIN = resolve('dist/cli/main.js');
/** The Node flags the systemd unit gives the runtime (its `Environment=NODE_OPTIONS=` line). */
function unitNodeOptions(): string {
  const unit = readFileSync(resolve('deploy/posterm.service'), 'utf8');
  return /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit)?.[1] ?? '';
}
/** Node flags for the runtime process: the unit's unless BENCH_NODE_ARGS says otherwise ('' for none). */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? unitNodeOptions()).split(' ').filter(Boolean);
/**
 * BENCH_STATUS_DUMP=FILE writes each status round as CSV: index, when the socket call started (ms
 * since this process started, as --trace-gc counts), socket, echo and in-process ms.
 */
const STATUS_DUMP = process.env.BENCH_STATUS_DUMP;

/** What the benchmark asks of its own control client (readiness, BENCH_STATUS_FROM=bench). */
interface BenchClient {
  status(): Promise<unknown>;
  close(): Promise<void>;
}

/** The till's client (PostermClient): one connection kept open for every call. */
async function protobufClient(socket: string): Promise<BenchClient> {
  const c = await PostermClient.connect(socket, { software: 'bench:start' });
  return {
    status: () => c.status({ timeoutMs: 10_000 }),
    close: () => c.close(),
  };
}

/** The control client the benchmark measures. */
const connectClient: (socket: string) => Promise<BenchClient> = protobufClient;

const round = (x: number) => Math.round(x * 1000) / 1000;

/** BENCH_RUNTIME_STDOUT=FILE appends the runtime's stdout there (e.g. with --trace-gc in its flags). */
const RUNTIME_STDOUT = process.env.BENCH_RUNTIME_STDOUT;

function spawnRuntime(profileFile: string, logFile: string): ChildProcess {
  const stdout = RUNTIME_STDOUT ? openSync(RUNTIME_STDOUT, 'a') : 'ignore';
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, MAIN, 'run', '--profile', profileFile, '--log-file', logFile],
    {
      stdio: ['ignore', stdout, 'inherit'],
    },
  );
  if (typeof stdout === 'number') closeSync(stdout); // the child has its own copy
  return child;
}

/** Polls `status` until the socket answers; returns ms since `t0`. */
async function untilReady(socket: string, child: ChildProcess, t0: number): Promise<number> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error('the runtime exited before it was ready (see its log)');
    try {
      const client = await connectClient(socket);
      await client.status();
      await client.close();
      return performance.now() - t0;
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

async function stopRuntime(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function rssKb(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The in-process sales (the socket's come from the till's process: statusTill.mjs, same amounts). */
async function timeSales(sale: (amountMinor: number) => Promise<{ outcome: string }>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await sale(100);
  const t0 = performance.now();
  for (let i = 0; i < SALES; i++) {
    const r = await sale(100 + (i % 50) * 100);
    if (r.outcome !== 'approved') throw new Error(`sale ${i} not approved: ${JSON.stringify(r)}`);
  }
  return SALES / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) {
    console.log(JSON.stringify({ error: 'dist/cli/main.js missing: run `npm run build` first' }));
    process.exitCode = 1;
    return;
  }
  const load = loadavg().map((x) => round(x));
  const sim = await startSimProcess();
  const dir = mkdtempSync(join(tmpdir(), 'posterm-bench-start-'));
  const cleanups: (() => unknown)[] = [];
  try {
    // One virtual reader (card at once: no 30 ms tap) for every runtime of the run, over TCP, as
    // a device path: the runtime opens it as it would open /dev/posterm-reader.
    const reader = await startVirtualReader({ tcpPort: 0, presentDelayMs: 0 });
    cleanups.push(() => reader.close());
    const raw = emulatorProfileJson();
    raw.reader.device = reader.path;
    raw.host.primary.port = sim.port;
    raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
    raw.control = { socket: 'control.sock' };
    raw.batch = { maxCount: 999, autoSettle: true };
    const profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(raw));
    const logFile = join(dir, 'runtime.log');
    const socket = join(dir, 'control.sock');

    const starts: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const t0 = performance.now();
      const child = spawnRuntime(profileFile, logFile);
      starts.push(await untilReady(socket, child, t0));
      await stopRuntime(child);
    }

    // sales through the socket from the till's process (which later times `status`), then RSS
    const child = spawnRuntime(profileFile, logFile);
    await untilReady(socket, child, performance.now());
    const client = await connectClient(socket); // BENCH_STATUS_FROM=bench
    const rssReady = rssKb(child.pid!);
    const echo = await echoServer(dir);
    cleanups.push(() => echo.stop());
    const echoBytes = encodeEnvelope(1, 'response', { status: await client.status() }).length;
    const till = await tillProcess(socket, echo.path, echoBytes);
    await till.settle();
    // RSS every 1,000 sales: with BENCH_SALES=10000 it shows whether the runtime grows with use
    const rssBySales: number[] = [];
    const socketSalesPerS = await till.sales(SALES, WARMUP, () =>
      rssBySales.push(round(rssKb(child.pid!).rss / 1024)),
    );
    const rssAfter = rssKb(child.pid!);

    // in-process: the same runtime code and simulator, its own virtual reader (a reader takes
    // one terminal), journal (the runtime process holds the first one's lock) and terminal id
    // (its STANs start again), the same sales
    const own = join(dir, 'in-process');
    mkdirSync(own);
    const reader2 = await startVirtualReader({ tcpPort: 0, presentDelayMs: 0 });
    cleanups.push(() => reader2.close());
    const rt = await Runtime.start({
      profile: parseProfile(
        { ...raw, terminalId: '12345679', reader: { ...raw.reader, device: reader2.path } },
        own,
      ),
      log: silentLogger,
      readerPath: reader2.path,
    });
    await rt.settle();
    const inProcessSalesPerS = await timeSales((a) => rt.engine.sale({ amountMinor: a }));

    // status three ways, interleaved (statusRoundTrip.ts)
    const status = await timeStatusRoundTrips({
      till,
      benchStatus: () => client.status(),
      inProcess: () => rt.status(),
      calls: STATUS_CALLS,
    });
    if (STATUS_DUMP) {
      const w = [status.first, status.warm];
      const rows = w.flatMap((x) => x.socket.map((ms, i) => [ms, x.echo[i], x.inProcess[i]]));
      writeFileSync(
        STATUS_DUMP,
        `call,at_ms,socket_ms,echo_ms,in_process_ms\n${rows.map((r, i) => [i, status.socketAt[i], ...r].map(round).join(',')).join('\n')}\n`,
      );
    }
    await rt.stop();
    await till.close();
    await client.close();
    await stopRuntime(child);

    console.log(
      JSON.stringify({
        starts: STARTS,
        start_to_ready_median_ms: round(pct(starts, 50)),
        start_to_ready_max_ms: round(Math.max(...starts)),
        start_to_ready_first_ms: round(starts[0]),
        sales: SALES,
        rss_ready_mb: round(rssReady.rss / 1024),
        rss_after_sales_mb: round(rssAfter.rss / 1024),
        rss_peak_mb: round(rssAfter.hwm / 1024),
        rss_mb_each_1000_sales: rssBySales,
        ...statusFigures('status_all_', {
          socket: [...status.first.socket, ...status.warm.socket],
          echo: [...status.first.echo, ...status.warm.echo],
          inProcess: [...status.first.inProcess, ...status.warm.inProcess],
        }),
        ...statusFigures('status_first_', status.first),
        ...statusFigures('status_warm_', status.warm),
        sales_per_s_socket: Math.round(socketSalesPerS),
        sales_per_s_in_process: Math.round(inProcessSalesPerS),
        client: 'protobuf PostermClient (one connection)',
        status_from: status.from === 'till' ? 'a till process of its own' : 'the benchmark process',
        status_calls: STATUS_CALLS,
        status_order: 'interleaved with the echo floor and in-process',
        steal_share_during_status: round(status.stealShare),
        node: process.version,
        node_args: NODE_ARGS.join(' '),
        cpus: cpus().length,
        loadavg_at_start: load,
        loadavg_at_end: loadavg().map((x) => round(x)),
      }),
    );
  } finally {
    for (const c of cleanups) await c();
    sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
