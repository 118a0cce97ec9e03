import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import hostSimCommand from '../../src/cli/hostSim.js';
import { main } from '../../src/cli/main.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { type HostSimAdmin, queryHostSimAdmin, startHostSimAdmin } from '../../src/emulator/hostSimAdmin.js';
import { hostSimTls, loadTlsFromDir } from '../../src/emulator/hostSimTls.js';
import { isPosError } from '../../src/errors.js';
import { FakeTerminal, MID, purchase, TID, TMK } from './hostSimHelpers.js';

function captureIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  return { io: { stdout, stderr, stdin: new PassThrough() }, out: () => out, err: () => err };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A sim with its admin channel on port + 1 (retries when that port is taken). */
async function simWithAdmin(): Promise<{ sim: HostSim; admin: HostSimAdmin }> {
  for (let i = 0; ; i++) {
    const sim = await startHostSim({ tmk: TMK });
    try {
      const admin = await startHostSimAdmin(sim, sim.port + 1);
      cleanups.push(
        () => sim.close(),
        () => admin.close(),
      );
      return { sim, admin };
    } catch (e) {
      await sim.close();
      if (i >= 5) throw e;
    }
  }
}

describe('admin channel and --ledger', () => {
  it('prints the running sim ledger (masked) and answers stats and faults', async () => {
    const { sim, admin } = await simWithAdmin();
    const term = await FakeTerminal.connect(sim.port);
    cleanups.push(() => term.close());
    await term.signOn();
    await term.request(purchase('000001', 100), term.mak);
    await term.request(purchase('000002', 151), term.mak);

    const cap = captureIo();
    expect(await hostSimCommand.run(['--ledger', '--port', String(sim.port)], cap.io)).toBe(0);
    const ledger = JSON.parse(cap.out());
    expect(ledger.map((e: { stan: string; responseCode: string }) => [e.stan, e.responseCode])).toEqual([
      ['000001', '00'],
      ['000002', '51'],
    ]);
    expect(cap.out()).toContain('625809*********0123');
    expect(cap.out()).not.toContain('6258091234567890123');

    const stats = await queryHostSimAdmin(admin.port, { cmd: 'stats' });
    expect(stats).toMatchObject({ ok: true, stats: { signOns: 1, requests: 3 } });
    expect(await queryHostSimAdmin(admin.port, { cmd: 'faults', faults: 'no-answer*2' })).toEqual({
      ok: true,
      faults: 'no-answer*2',
    });
    expect(sim.faults).toEqual([{ kind: 'no-answer', count: 2 }]);
    expect(await queryHostSimAdmin(admin.port, { cmd: 'faults', faults: 'bogus' })).toMatchObject({
      ok: false,
      code: 'EMU_BAD_FAULT',
    });
    expect(await queryHostSimAdmin(admin.port, { cmd: 'nope' })).toMatchObject({ ok: false });
  });

  it('--ledger with no sim running exits Unavailable', async () => {
    const { sim } = await simWithAdmin();
    const port = sim.port;
    await sim.close();
    const cap = captureIo();
    // port + 2 has no admin channel (only port + 1 does, and it belongs to the sim closed above).
    expect(await hostSimCommand.run(['--ledger', '--port', String(port + 1)], cap.io)).toBe(3);
    expect(cap.err()).toContain('admin channel');
  });

  it('rejects bad arguments with CLI_ codes', async () => {
    const cap = captureIo();
    for (const argv of [['--port', 'x'], ['--tmk', 'zz'], ['--bogus'], ['--faults', 'nope']]) {
      let err: unknown;
      try {
        await hostSimCommand.run(argv, cap.io);
      } catch (e) {
        err = e;
      }
      expect(isPosError(err)).toBe(true);
      if (argv[0] !== '--faults') expect(err).toMatchObject({ code: 'CLI_USAGE' });
    }
  });

  it('a port in use is EMU_ADDRESS_IN_USE naming the port, and posterm exits non-zero', async () => {
    const busy = await startHostSim({ tmk: TMK, port: 0 });
    cleanups.push(() => busy.close());
    const cap = captureIo();
    const code = await main(['host-sim', '--port', String(busy.port)], cap.io);
    expect(code).not.toBe(0);
    expect(cap.err()).toContain('EMU_ADDRESS_IN_USE');
    expect(cap.err()).toContain(`port ${busy.port}`);
  });
});

describe('TLS', () => {
  it('serves over TLS with the test certificates (or a self-signed pair)', async () => {
    const material = hostSimTls();
    expect(material.source === 'self-signed' || loadTlsFromDir(material.source) !== undefined).toBe(true);
    const sim = await startHostSim({ tmk: TMK, tls: material });
    cleanups.push(() => sim.close());
    const term = await FakeTerminal.connect(sim.port, material.trust);
    cleanups.push(() => term.close());
    await term.signOn();
    const r = await term.request(purchase('000001', 100), term.mak);
    expect(r.msg.fields[39]).toBe('00');
  });
});

describe('standalone process', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
    child = undefined;
  });

  it('posterm host-sim --port 0 prints its port, serves, and applies --faults', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'host-sim', '--port', '0', '--faults', 'sign-on-again@0820'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const first = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child!.stdout!.on('data', (c) => {
        buf += c;
        if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
      });
      child!.once('exit', (code) => reject(new Error(`host-sim exited with ${code}`)));
    });
    const info = JSON.parse(first);
    expect(info.port).toBeGreaterThan(0);
    expect(info.adminPort).toBe(info.port + 1);
    const term = await FakeTerminal.connect(info.port);
    cleanups.push(() => term.close());
    const r = await term.request({
      mti: '0820',
      fields: { 11: '000001', 41: TID, 42: MID, 60: '00000001301' },
    });
    expect(r.msg.fields[39]).toBe('00');
    expect(r.frame.header.processingRequirement).toBe(3);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
