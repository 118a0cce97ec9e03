/**
 * `posterm diag --watch`: the pure LinkStats accumulator; rounds against a real host simulator
 * (time injected: the rounds are counted, never timed); a refused backup; a link that drops
 * (a flap) and Ctrl-C; beside a running runtime (TCP only); the live display on a terminal and
 * on a dumb one.
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { formatWatchSummary, WatchDisplay } from '../../src/cli/diagWatch.js';
import { main } from '../../src/cli/main.js';
import { LinkStats, percentile } from '../../src/diagnostics/LinkStats.js';
import { type WatchOptions, type WatchRound, watchLinks } from '../../src/diagnostics/watchLinks.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { fakeIo } from '../cli/fakeIo.js';
import { diagTerminal } from './diagKit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(): Promise<HostSim> {
  const s = await startHostSim({ tmk: profileTmk(diagTerminal().profile), port: 0 });
  cleanups.push(() => s.close());
  return s;
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Virtual time: each sleep moves it on; the rounds are counted, not timed. */
function virtualTime(): Pick<WatchOptions, 'now' | 'sleep'> {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
}

describe('LinkStats', () => {
  it('counts sent and lost, loss %, last / p50 / p99 (nearest rank), jitter and flaps', () => {
    const s = new LinkStats();
    for (const x of [10, 12, undefined, 11, undefined, undefined, 20]) s.record(x);
    expect(s.snapshot()).toEqual({
      sent: 7,
      lost: 3,
      lossPct: 42.9,
      lastMs: 20,
      p50Ms: 11,
      p99Ms: 20,
      // |12-10| + |11-12| + |20-11| over 3 pairs of consecutive answers
      jitterMs: 4,
      // up -> lost twice
      flaps: 2,
      up: true,
    });
  });

  it('a link lost from the first probe never flapped; nothing answered has no round trips', () => {
    const s = new LinkStats();
    expect(s.snapshot()).toMatchObject({ sent: 0, lossPct: 0, up: null, p50Ms: null });
    s.record(undefined);
    s.record(undefined);
    expect(s.snapshot()).toEqual({
      sent: 2,
      lost: 2,
      lossPct: 100,
      lastMs: null,
      p50Ms: null,
      p99Ms: null,
      jitterMs: null,
      flaps: 0,
      up: false,
    });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(hundred, 50), percentile(hundred, 99), percentile(hundred, 100)]).toEqual([
      50, 99, 100,
    ]);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('watchLinks', () => {
  it('standalone: DNS + TCP to each endpoint and an echo over a good sign-on, each round; a refused backup is lost every round (exit 2)', async () => {
    const s = await sim();
    const backupPort = await closedPort();
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'localhost', port: s.port };
      raw.host.backup = { host: '127.0.0.1', port: backupPort };
    });
    const rounds: WatchRound[] = [];
    const sum = await watchLinks({
      profile: t.profile,
      durationMs: 3000,
      onRound: (r) => rounds.push(r),
      ...virtualTime(),
    });
    expect(sum).toMatchObject({ mode: 'standalone', rounds: 3, signOn: { result: 'pass' }, exitCode: 2 });
    expect(rounds.map((r) => r.n)).toEqual([1, 2, 3]);
    const [primary, backup, echo] = sum.rows;
    expect(primary).toMatchObject({ name: 'primary', probe: 'dns+tcp', lostBy: {} });
    expect(primary.stats).toMatchObject({ sent: 3, lost: 0, lossPct: 0, flaps: 0, up: true });
    expect(primary.stats.p50Ms).toEqual(expect.any(Number));
    expect(backup).toMatchObject({ name: 'backup', lostBy: { refused: 3 } });
    expect(backup.stats).toMatchObject({ sent: 3, lost: 3, lossPct: 100, flaps: 0, up: false });
    expect(echo).toMatchObject({ name: 'echo', probe: 'echo' });
    expect(echo.stats).toMatchObject({ sent: 3, lost: 0 });
    expect(s.stats.requests).toBe(4); // one sign-on, three echoes
    expect(formatWatchSummary(sum)).toContain('lost by cause: refused 3');
  });

  it('a host that goes away after two rounds is a flap; Ctrl-C (the signal) ends the watch with the rounds done', async () => {
    const s = await sim();
    const t = diagTerminal((raw) => {
      raw.host.primary.port = s.port;
    });
    const ac = new AbortController();
    const sum = await watchLinks({
      profile: t.profile,
      signal: ac.signal,
      onRound: (r) => {
        if (r.n === 2) void s.close();
        if (r.n === 4) ac.abort();
      },
      ...virtualTime(),
    });
    expect(sum.rounds).toBe(4);
    const [primary, echo] = sum.rows;
    expect(primary.stats).toMatchObject({ sent: 4, lost: 2, lossPct: 50, flaps: 1, up: false });
    expect(primary.lostBy).toEqual({ refused: 2 });
    expect(echo.stats).toMatchObject({ sent: 4, lost: 2, flaps: 1 });
    expect(sum.exitCode).toBe(2);
  });

  it('beside a running runtime: TCP connect only, no sign-on, no echo, no journal; nothing lost is exit 0', async () => {
    const s = await sim();
    const t = diagTerminal((raw) => {
      raw.host.primary.port = s.port;
    });
    const sum = await watchLinks({
      profile: t.profile,
      durationMs: 2000,
      runtimeRunning: async () => true,
      ...virtualTime(),
    });
    expect(sum).toMatchObject({ mode: 'running-runtime', rounds: 2, exitCode: 0 });
    expect(sum.signOn).toBeUndefined();
    expect(sum.rows.map((r) => [r.name, r.probe, r.stats.sent])).toEqual([['primary', 'tcp', 2]]);
    expect(s.stats.requests).toBe(0);
  });
});

describe('the live display', () => {
  const round = (n: number, up: boolean): WatchRound => {
    const stats = new LinkStats();
    for (let i = 0; i < n; i++) stats.record(up ? 1.5 : undefined);
    return {
      n,
      probes: [{ row: 'primary', ok: up, ...(up ? { ms: 1.5 } : { cause: 'refused' }) }],
      rows: [{ name: 'primary', target: 'h:1', probe: 'tcp', stats: stats.snapshot(), lostBy: {} }],
    };
  };
  const capture = () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    return { out, text: () => chunks.join('') };
  };

  it('not a TTY (dumb terminal, pipe): one plain line per round, no escape codes', () => {
    const c = capture();
    const d = new WatchDisplay(c.out, false);
    d.round(round(1, true));
    d.round(round(2, false));
    const lines = c.text().trimEnd().split('\n');
    expect(lines).toEqual([
      'round 1: primary 1.5 ms  [primary loss 0.0%]',
      'round 2: primary LOST (refused)  [primary loss 100.0%]',
    ]);
    expect(c.text()).not.toContain('\x1b');
  });

  it('a TTY: the same few lines redrawn in place (cursor up, clear line)', () => {
    const c = capture();
    const d = new WatchDisplay(c.out, true);
    d.round(round(1, true));
    const first = c.text();
    expect(first.startsWith('\x1b[2Kround 1\n\x1b[2Kprimary')).toBe(true);
    d.round(round(2, true));
    const second = c.text().slice(first.length);
    expect(second.startsWith('\x1b[2A\x1b[2Kround 2\n')).toBe(true);
    expect(second).toMatch(
      /sent +2 +lost +0 +0\.0% +rtt last\/p50\/p99 1\.5\/1\.5\/1\.5 ms +jitter 0\.0 ms +flaps 0 +UP/,
    );
  });
});

describe('posterm diag --watch (usage)', () => {
  it('a bad SECONDS or --interval, or --interval without --watch, is bad usage (exit 3)', async () => {
    expect(await main(['diag', '--watch=0'], fakeIo())).toBe(3);
    expect(await main(['diag', '--watch', 'abc'], fakeIo())).toBe(3);
    expect(await main(['diag', '--watch', '--interval', 'x'], fakeIo())).toBe(3);
    expect(await main(['diag', '--interval', '2'], fakeIo())).toBe(3);
  });
});
