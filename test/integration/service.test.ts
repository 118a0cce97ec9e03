/**
 * Issue 9 part 3: `posterm run` as a systemd service. The real runtime as a child process with a
 * fake `systemd-notify` on the PATH (it appends its arguments to a file) and a NOTIFY_SOCKET
 * that nothing listens on: readiness, watchdog, STOPPING, RELOADING/READY around SIGHUP, a
 * second SIGTERM during the stop, logs on stdout, no systemd-notify installed.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { parseProfile, profileTmk } from '../../src/profile/loadProfile.js';
import { callApi } from '../helpers/callApi.js';
import { RuntimeChild } from '../helpers/RuntimeChild.js';
import { emulatorProfileRaw, until, writeWorldProfile } from './world.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
type RawProfile = Record<string, any>;

interface ServiceSetup {
  dir: string;
  sim: HostSim;
  raw: RawProfile;
  profileFile: string;
  socket: string;
  logFile: string;
  notifyLog: string;
  /** A folder holding only the fake systemd-notify. */
  bin: string;
}

async function setup(
  opts: { faults?: string; edit?: (raw: RawProfile) => void } = {},
): Promise<ServiceSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-service-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const tmk = profileTmk(parseProfile(emulatorProfileRaw(), dir));
  const sim = await startHostSim({ tmk, port: 0, faults: opts.faults });
  cleanups.push(() => sim.close());
  const { raw, profile, profileFile } = writeWorldProfile(dir, sim.port, opts.edit);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const notifyLog = join(dir, 'notify.log');
  writeFileSync(join(bin, 'systemd-notify'), '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$FAKE_NOTIFY_LOG"\n');
  chmodSync(join(bin, 'systemd-notify'), 0o755);
  return {
    dir,
    sim,
    raw,
    profileFile,
    socket: profile.control.socket!,
    logFile: join(dir, 'runtime.log'),
    notifyLog,
    bin,
  };
}

function systemdEnv(s: ServiceSetup, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${s.bin}:${process.env.PATH ?? ''}`,
    NOTIFY_SOCKET: join(s.dir, 'notify.sock'),
    FAKE_NOTIFY_LOG: s.notifyLog,
    ...extra,
  };
}

async function startChild(s: ServiceSetup, env: Record<string, string>, opts: { stdoutLogs?: boolean } = {}) {
  const logFile = opts.stdoutLogs ? undefined : s.logFile;
  const child = await RuntimeChild.start({ profileFile: s.profileFile, logFile, env });
  cleanups.push(() => child.kill());
  return child;
}

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
const logLines = (file: string) => lines(file).map((l) => JSON.parse(l) as { level: number; msg: string });
const logged = (file: string, text: string) => logLines(file).some((l) => l.msg.includes(text));

describe('posterm run under systemd (fake systemd-notify)', () => {
  it('READY once the control socket answers, WATCHDOG pings, STOPPING at SIGTERM, exit 0', async () => {
    const s = await setup();
    const child = await startChild(s, systemdEnv(s, { WATCHDOG_USEC: '200000' }));
    await until(() => lines(s.notifyLog).some((l) => l.includes('WATCHDOG=1')), 10_000, 'a watchdog ping');
    const sent = lines(s.notifyLog);
    // the first message is the readiness, with this runtime as the main PID
    expect(sent[0]).toBe(`--ready --pid=${child.pid} --status=running: terminal 12345678, profile emulator`);
    await expect(callApi(s.socket, (c) => c.status())).resolves.toMatchObject({ terminalId: '12345678' });

    const exit = await child.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const after = lines(s.notifyLog);
    const stopping = after.findIndex((l) => l.startsWith('STOPPING=1'));
    expect(stopping).toBeGreaterThan(0);
    expect(logged(s.logFile, 'stopping: new transactions refused')).toBe(true);
  });

  it('SIGHUP applies the live keys, logs the rest as restart needed, keeps the profile when the file is bad', async () => {
    const s = await setup();
    const child = await startChild(s, systemdEnv(s));
    await until(() => lines(s.notifyLog).some((l) => l.startsWith('--ready')), 10_000, 'readiness');

    const next = structuredClone(s.raw);
    next.terminalId = '87654321';
    next.limits = { maxSaleMinor: 500 };
    next.offline.floorLimitMinor = 100;
    next.log = { level: 'warn' };
    writeFileSync(s.profileFile, JSON.stringify(next));
    child.signal('SIGHUP');
    await until(() => logged(s.logFile, 'restart needed for'), 10_000, 'the reload');
    const restart = logLines(s.logFile).find((l) => l.msg.includes('restart needed for')) as unknown as {
      keys: string[];
      msg: string;
    };
    expect(restart.keys).toEqual(['terminalId']);
    expect(restart.msg).toBe('restart needed for: terminalId (not applied)');
    // log.level warn applied before the reload's own info line: that line is not written
    expect(logged(s.logFile, 'profile reloaded')).toBe(false);

    // the new amount limit is live; the terminal id is not
    const sale = await callApi(s.socket, (c) => c.sale({ amountMinor: 1000 }));
    expect(sale).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_AMOUNT_LIMIT' } });
    await expect(callApi(s.socket, (c) => c.status())).resolves.toMatchObject({ terminalId: '12345678' });

    writeFileSync(s.profileFile, '{ "name": ');
    child.signal('SIGHUP');
    await until(() => logged(s.logFile, 'reload refused'), 10_000, 'the refused reload');
    const refused = logLines(s.logFile).find((l) => l.msg.includes('reload refused')) as unknown as {
      code: string;
      level: number;
    };
    expect(refused).toMatchObject({ code: 'PROFILE_BAD_JSON', level: 50 });
    // the running profile (with the reloaded limit) is kept
    const again = await callApi(s.socket, (c) => c.sale({ amountMinor: 1000 }));
    expect(again).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_AMOUNT_LIMIT' } });
    const small = await callApi(s.socket, (c) => c.sale({ amountMinor: 400 }));
    expect(small).toMatchObject({ outcome: 'approved' });

    // RELOADING=1 then READY=1, once per SIGHUP
    await until(() => lines(s.notifyLog).length >= 5, 10_000, 'the notifications');
    const kinds = lines(s.notifyLog).map((l) => l.split(' ')[0]);
    expect(kinds).toEqual(['--ready', 'RELOADING=1', '--ready', 'RELOADING=1', '--ready']);
    expect(lines(s.notifyLog)[1]).toMatch(/^RELOADING=1 MONOTONIC_USEC=\d+ --status=reloading the profile$/);
    expect((await child.stop()).code).toBe(0);
  });

  it('a second SIGTERM during the stop is logged; the sale in flight is finished and the exit is 0', async () => {
    const s = await setup({
      faults: 'delay:5000@0200*1',
      edit: (raw) => {
        raw.host.responseTimeoutMs = 20_000;
      },
    });
    const seen: string[] = [];
    s.sim.on('request', (p) => seen.push(String(p.mti)));
    const child = await startChild(s, systemdEnv(s));
    const sale = callApi(s.socket, (c) => c.sale({ amountMinor: 1234 }));
    await until(() => seen.includes('0200'), 10_000, 'the sale at the host');
    child.signal('SIGTERM');
    await until(() => logged(s.logFile, 'stopping: new transactions refused'), 10_000, 'the stop');
    child.signal('SIGTERM');
    await until(() => logged(s.logFile, 'stop already in progress'), 10_000, 'the second SIGTERM logged');
    await expect(sale).resolves.toMatchObject({ outcome: 'approved' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(s.sim.ledger('12345678')).toMatchObject([{ reversed: false }]);
  });

  it('without NOTIFY_SOCKET nothing is spawned; logs are JSON lines on stdout', async () => {
    const s = await setup();
    const child = await startChild(s, systemdEnv(s, { NOTIFY_SOCKET: '' }), { stdoutLogs: true });
    await expect(callApi(s.socket, (c) => c.status())).resolves.toMatchObject({ terminalId: '12345678' });
    child.signal('SIGHUP');
    await until(() => child.stdout.includes('profile reloaded'), 10_000, 'the reload on stdout');
    expect((await child.stop()).code).toBe(0);
    expect(existsSync(s.notifyLog)).toBe(false);
    const json = child.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string });
    expect(json.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['control socket ready', 'profile reloaded']),
    );
  });

  it('NOTIFY_SOCKET set but no systemd-notify: one warning, the runtime carries on', async () => {
    const s = await setup();
    const empty = join(s.dir, 'empty-bin');
    mkdirSync(empty);
    const child = await startChild(s, systemdEnv(s, { PATH: empty, WATCHDOG_USEC: '100000' }));
    await until(() => logged(s.logFile, 'systemd-notify is not installed'), 10_000, 'the warning');
    // two reloads: each would send RELOADING and READY
    child.signal('SIGHUP');
    await until(() => logLines(s.logFile).filter((l) => l.msg === 'profile reloaded').length === 1);
    child.signal('SIGHUP');
    await until(() => logLines(s.logFile).filter((l) => l.msg === 'profile reloaded').length === 2);
    await expect(callApi(s.socket, (c) => c.status())).resolves.toMatchObject({ terminalId: '12345678' });
    expect((await child.stop()).code).toBe(0);
    const warnings = logLines(s.logFile).filter((l) => l.msg.includes('systemd-notify'));
    expect(warnings).toHaveLength(1);
  });
});
