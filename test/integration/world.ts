/**
 * The whole terminal against the emulator, over real sockets: host simulator (TCP or TLS),
 * virtual reader (TCP), the real runtime with its journal in a temp dir.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readerForProfile } from '../../src/cli/readerForProfile.js';
import { serveRuntime } from '../../src/control/serveRuntime.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import type { VirtualReaderServer } from '../../src/emulator/VirtualReaderServer.js';
import type { Journal } from '../../src/journal/Journal.js';
import { createLogger } from '../../src/log.js';
import {
  PROFILES_DIR,
  parseProfile,
  profileTmk,
  type TerminalProfile,
} from '../../src/profile/loadProfile.js';
import { Runtime } from '../../src/runtime/Runtime.js';

export interface World {
  dir: string;
  sim: HostSim;
  rt: Runtime;
  profile: TerminalProfile;
  profileFile: string;
  logFile: string;
  /** Requests the simulator saw, in order: "0200/000002". */
  seen: string[];
  /** The virtual reader the runtime talks to. */
  reader?: VirtualReaderServer;
  restart(): Promise<Runtime>;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
export function emulatorProfileRaw(): Record<string, any> {
  return JSON.parse(readFileSync(join(PROFILES_DIR, 'emulator.json'), 'utf8'));
}

export interface WorldOptions {
  faults?: string;
  /** Edit the raw profile (ports are set already). */
  // biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
  edit?: (raw: Record<string, any>, sim: HostSim) => void;
  sim?: HostSim;
  startRuntime?: boolean;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-world-'));
  const raw = emulatorProfileRaw();
  const tmk = profileTmk(parseProfile(raw, dir));
  const sim = opts.sim ?? (await startHostSim({ tmk, port: 0, faults: opts.faults }));
  raw.host.primary.port = sim.port;
  raw.host.connectTimeoutMs = 500;
  raw.host.responseTimeoutMs = 600;
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = { socket: 'control.sock' };
  opts.edit?.(raw, sim);
  const profileFile = join(dir, 'profile.json');
  writeFileSync(profileFile, JSON.stringify(raw, null, 2));
  const profile = parseProfile(raw, dir);
  const logFile = join(dir, 'runtime.log');
  const seen: string[] = [];
  sim.on('request', (p) => seen.push(`${p.mti}/${p.stan}`));
  const reader = await readerForProfile(profile);
  // As `posterm run` does: the runtime, then its control socket over the RuntimeApi.
  const start = async () => {
    const log = createLogger('test', { destination: logFile, level: 'debug' });
    const rt = await Runtime.start({
      profile: parseProfile(raw, dir),
      readerPath: reader.path,
      log,
      link: { backoff: { initialMs: 50, maxMs: 500 } },
    });
    try {
      await serveRuntime(rt, log);
    } catch (e) {
      await rt.stop();
      throw e;
    }
    return rt;
  };
  const world: World = {
    dir,
    sim,
    profile,
    profileFile,
    logFile,
    seen,
    rt: opts.startRuntime === false ? (undefined as unknown as Runtime) : await start(),
    async restart() {
      await world.rt?.stop();
      world.rt = await start();
      return world.rt;
    },
    reader: reader.virtual,
    async close() {
      await world.rt?.stop();
      await reader.close();
      await sim.close();
    },
  };
  return world;
}

/** Wait until cond() is true (polling), or fail after timeoutMs. */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The simulator's ledger and the terminal's journal agree: every online approval the terminal
 * kept is on the host once and not reversed; every reversed one is reversed (or never arrived);
 * nothing approved on the host is unknown to the terminal.
 */
export function expectLedgerAgrees(journal: Journal, sim: HostSim, terminalId: string): void {
  const ledger = sim.ledger(terminalId);
  const key = (batch: string, stan: string) => `${batch}/${stan}`;
  const byKey = new Map<string, (typeof ledger)[number][]>();
  for (const e of ledger) byKey.set(key(e.batch, e.stan), [...(byKey.get(key(e.batch, e.stan)) ?? []), e]);
  for (const [k, entries] of byKey) expect(entries.length, `ledger entries for ${k}`).toBe(1);
  const txns = journal.listTransactions({ limit: 100_000 });
  for (const t of txns) {
    const e = byKey.get(key(t.batch, t.stan))?.[0];
    if (t.state === 'approved') {
      expect(e, `host entry for approved ${t.stan}`).toBeDefined();
      expect(e!.reversed, `approved ${t.stan} not reversed on the host`).toBe(false);
      // An advice answered 94 (the host had it already) carries no RRN.
      if (t.approvalMode === 'online') expect(e!.rrn).toBe(t.rrn);
    }
    if (t.state === 'reversed' && e) expect(e.reversed, `reversed ${t.stan} on the host`).toBe(true);
    if (t.state === 'reversal-pending') throw new Error(`reversal still pending for ${t.stan}`);
  }
  const known = new Set(txns.map((t) => key(t.batch, t.stan)));
  for (const e of ledger) {
    if (e.responseCode === '00' && !e.reversed)
      expect(known.has(key(e.batch, e.stan)), `host approval ${e.stan} known`).toBe(true);
  }
}

export interface WorldProfile {
  // biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
  raw: Record<string, any>;
  profile: TerminalProfile;
  profileFile: string;
}

/**
 * The world's profile for a runtime in a child process: the emulator profile with the host at
 * `hostPort`, journal, key file and control socket in `dir` (same settings as startWorld),
 * written to `dir/profile.json`.
 */
export function writeWorldProfile(
  dir: string,
  hostPort: number,
  // biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
  edit?: (raw: Record<string, any>) => void,
): WorldProfile {
  const raw = emulatorProfileRaw();
  raw.host.primary.port = hostPort;
  raw.host.connectTimeoutMs = 500;
  raw.host.responseTimeoutMs = 600;
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = { socket: 'control.sock' };
  edit?.(raw);
  const profileFile = join(dir, 'profile.json');
  writeFileSync(profileFile, JSON.stringify(raw, null, 2));
  return { raw, profile: parseProfile(raw, dir), profileFile };
}
