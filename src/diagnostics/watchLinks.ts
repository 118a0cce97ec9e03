/**
 * `posterm diag --watch`: the link checks again and again, for a technician watching a weak 4G
 * line. Every round (default every second) probes each host endpoint (standalone: DNS then TCP
 * connect; beside a running runtime: TCP connect only) and, standalone after a good sign-on, an
 * echo test (0820) over diag's own host session. Each row keeps a LinkStats. Stops when the
 * signal aborts (Ctrl-C) or the duration is over; the round in flight when the signal comes is
 * dropped. Time (monotonic now, sleep) is injected.
 */
import { PostermClient } from '../control/PostermClient.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import type { CheckOutcome } from './DiagResult.js';
import { HostProbe } from './HostProbe.js';
import { JournalAccess } from './JournalAccess.js';
import { type LinkSnapshot, LinkStats } from './LinkStats.js';
import {
  checkDns,
  checkTcp,
  type EndpointState,
  type EndpointTarget,
  type LookupFn,
} from './networkChecks.js';

export type WatchMode = 'standalone' | 'running-runtime';

export interface WatchOptions {
  profile: TerminalProfile;
  /** Between the starts of two rounds (default 1000 ms). */
  intervalMs?: number;
  /** Stop after this long (ms); without it, only the signal stops. */
  durationMs?: number;
  /** Ctrl-C. */
  signal?: AbortSignal;
  lookup?: LookupFn;
  /** Whether a runtime answers on control.socket (default: asks it, 3 s). */
  runtimeRunning?: (p: TerminalProfile) => Promise<boolean>;
  /** After each complete round. */
  onRound?: (r: WatchRound) => void;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
  /** Default: a timer, cut short by the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One probe of one row in one round. */
export interface WatchProbe {
  row: string;
  ok: boolean;
  ms?: number;
  /** why it was lost: dns, refused, connect-timeout, silence, a response code ... */
  cause?: string;
}

export interface WatchRow {
  /** primary, backup, echo */
  name: string;
  /** host:port, or the endpoint the echo went to */
  target: string;
  /** what one probe is */
  probe: 'dns+tcp' | 'tcp' | 'echo';
  stats: LinkSnapshot;
  /** lost probes by cause */
  lostBy: Record<string, number>;
}

export interface WatchRound {
  n: number;
  probes: WatchProbe[];
  rows: WatchRow[];
}

export interface WatchSummary {
  mode: WatchMode;
  rounds: number;
  elapsedS: number;
  intervalMs: number;
  /** standalone: the sign-on before the echoes (its cause when it failed) */
  signOn?: { result: 'pass' | 'fail'; cause?: string; code?: string };
  rows: WatchRow[];
  /** the worst result seen: 0 nothing lost, 2 a probe (or the sign-on) failed */
  exitCode: 0 | 2;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

async function askRuntime(p: TerminalProfile): Promise<boolean> {
  if (!p.control.socket) return false;
  try {
    const c = await PostermClient.connect(p.control.socket, {
      connectTimeoutMs: 3000,
      timeoutMs: 3000,
      software: 'posterm-diag-watch',
    });
    await c.close().catch(() => {});
    return true;
  } catch {
    return false;
  }
}

const ABORTED = Symbol('aborted');

function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

interface Row {
  name: string;
  target: string;
  probe: WatchRow['probe'];
  stats: LinkStats;
  lostBy: Record<string, number>;
  run(): Promise<WatchProbe>;
}

function lostCause(o: CheckOutcome): string {
  const e = o.evidence;
  return String(
    e.cause ?? e.errno ?? (e.responseCode ? `response ${e.responseCode}` : undefined) ?? o.result,
  );
}

function endpointRow(role: string, t: EndpointTarget, mode: WatchMode, lookup?: LookupFn): Row {
  return {
    name: role,
    target: `${t.host}:${t.port}`,
    probe: mode === 'standalone' ? 'dns+tcp' : 'tcp',
    stats: new LinkStats(),
    lostBy: {},
    async run() {
      const state: EndpointState = {};
      if (mode === 'standalone') {
        const dns = await checkDns(t, state, lookup);
        if (dns.result !== 'pass') return { row: role, ok: false, cause: 'dns' };
      }
      const tcp = await checkTcp(t, state);
      return tcp.result === 'pass'
        ? { row: role, ok: true, ms: tcp.evidence.connectMs as number }
        : { row: role, ok: false, cause: lostCause(tcp) };
    },
  };
}

function snapshotRows(rows: Row[]): WatchRow[] {
  return rows.map((r) => ({
    name: r.name,
    target: r.target,
    probe: r.probe,
    stats: r.stats.snapshot(),
    lostBy: { ...r.lostBy },
  }));
}

export async function watchLinks(o: WatchOptions): Promise<WatchSummary> {
  const p = o.profile;
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? defaultSleep;
  const intervalMs = o.intervalMs ?? 1000;
  const started = now();
  const running = await (o.runtimeRunning ?? askRuntime)(p);
  const mode: WatchMode = running ? 'running-runtime' : 'standalone';
  const endpoints: [string, NonNullable<TerminalProfile['host']['backup']>][] = [['primary', p.host.primary]];
  if (p.host.backup) endpoints.push(['backup', p.host.backup]);
  const rows: Row[] = endpoints.map(([role, e]) =>
    endpointRow(
      role,
      { role, host: e.host, port: e.port, connectTimeoutMs: p.host.connectTimeoutMs },
      mode,
      o.lookup,
    ),
  );
  let journal: JournalAccess | undefined;
  let probe: HostProbe | undefined;
  let signOn: WatchSummary['signOn'];
  let failed = false;
  let rounds = 0;
  try {
    if (mode === 'standalone') {
      journal = new JournalAccess(p);
      const hostProbe = new HostProbe(p, journal);
      probe = hostProbe;
      const s = await untilAborted(hostProbe.signOn(), o.signal);
      if (s !== ABORTED) {
        signOn =
          s.result === 'pass'
            ? { result: 'pass' }
            : { result: 'fail', cause: lostCause(s), code: s.evidence.code as string | undefined };
        if (s.result !== 'pass') failed = true;
        else {
          const echoRow: Row = {
            name: 'echo',
            target: String(s.evidence.endpoint ?? `${p.host.primary.host}:${p.host.primary.port}`),
            probe: 'echo',
            stats: new LinkStats(),
            lostBy: {},
            async run() {
              const e = await hostProbe.echo();
              return e.result === 'pass'
                ? { row: 'echo', ok: true, ms: e.evidence.roundTripMs as number }
                : { row: 'echo', ok: false, cause: lostCause(e) };
            },
          };
          rows.push(echoRow);
        }
      }
    }
    for (;;) {
      if (o.signal?.aborted) break;
      if (o.durationMs !== undefined && now() - started >= o.durationMs) break;
      const roundStart = now();
      const probes = await untilAborted(Promise.all(rows.map((r) => r.run())), o.signal);
      if (probes === ABORTED) break;
      rounds++;
      probes.forEach((x, i) => {
        const r = rows[i];
        r.stats.record(x.ok ? x.ms : undefined);
        if (!x.ok) {
          failed = true;
          const cause = x.cause ?? 'unknown';
          r.lostBy[cause] = (r.lostBy[cause] ?? 0) + 1;
        }
      });
      o.onRound?.({ n: rounds, probes, rows: snapshotRows(rows) });
      let wait = intervalMs - (now() - roundStart);
      if (o.durationMs !== undefined) wait = Math.min(wait, o.durationMs - (now() - started));
      if (wait > 0) await sleep(wait, o.signal);
    }
  } finally {
    probe?.close();
    journal?.close();
  }
  return {
    mode,
    rounds,
    elapsedS: Math.round((now() - started) / 100) / 10,
    intervalMs,
    ...(signOn ? { signOn } : {}),
    rows: snapshotRows(rows),
    exitCode: failed ? 2 : 0,
  };
}
