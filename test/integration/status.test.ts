/**
 * `status` for a technician: the last host failure with its real cause (DNS, refused, garbage,
 * silence), advices in flight counted as owed, and the CLI's rendering.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { RuntimeStatus } from '../../src/runtime/RuntimeApi.js';
import { fakeIo } from '../cli/fakeIo.js';
import { startWorld, until, type World } from './world.js';

let w: World | undefined;
let server: Server | undefined;
afterEach(async () => {
  await w?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  w = undefined;
  server = undefined;
});

/** A TCP "host" that answers every request with `reply` (undefined: never answers). */
async function fakeHost(reply?: Buffer): Promise<number> {
  server = createServer((s) => {
    s.on('data', () => {
      if (reply) s.write(reply);
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

async function lastErrorWith(
  edit: (raw: Record<string, unknown> & { host: Record<string, unknown> }) => void,
): Promise<NonNullable<RuntimeStatus['host']['lastError']>> {
  // biome-ignore lint/suspicious/noExplicitAny: raw profile JSON
  w = await startWorld({ edit: (raw: any) => edit(raw) });
  const rt = w.rt;
  await until(() => rt.statusNow().host.lastError !== null, 8000, 'a host failure in status');
  const s = await rt.status();
  expect(s.signedOn).toBe(false);
  return s.host.lastError!;
}

describe('status: the last host error and its cause', () => {
  it('a host name that does not resolve: dns', async () => {
    const e = await lastErrorWith((raw) => {
      raw.host.primary = { host: 'posterm-no-such-host.invalid', port: 5800 };
    });
    expect(e).toMatchObject({ code: 'HOST_UNREACHABLE', cause: 'dns' });
    expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('a closed port: refused', async () => {
    const port = await fakeHost();
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const e = await lastErrorWith((raw) => {
      raw.host.primary = { host: '127.0.0.1', port };
    });
    expect(e).toMatchObject({ code: 'HOST_UNREACHABLE', cause: 'refused', detail: 'ECONNREFUSED' });
  });

  it('garbage answers are told apart from silence', async () => {
    const garbagePort = await fakeHost(Buffer.from('0005deadbeef00', 'hex'));
    const garbage = await lastErrorWith((raw) => {
      raw.host.primary = { host: '127.0.0.1', port: garbagePort };
    });
    expect(garbage.cause).toBe('garbage');
    await w!.close();
    w = undefined;
    await new Promise<void>((r) => server!.close(() => r()));
    const silentPort = await fakeHost();
    const silence = await lastErrorWith((raw) => {
      raw.host.primary = { host: '127.0.0.1', port: silentPort };
    });
    expect(silence).toMatchObject({ code: 'HOST_TIMEOUT', cause: 'silence' });
  });
});

describe('status: what is owed', () => {
  it('an advice in flight counts as owed; the CLI shows reader, host, journal and owed', async () => {
    w = await startWorld({
      faults: 'delay:1500@0220*1',
      edit: (raw) => {
        raw.host.responseTimeoutMs = 3000;
        raw.offline = { ...raw.offline, floorLimitMinor: 100_000 };
      },
    });
    const world = w;
    await until(() => world.rt.statusNow().signedOn, 5000, 'sign-on');
    await world.rt.engine.sale({ amountMinor: 777, mode: 'force-offline' });
    await until(() => world.seen.some((s) => s.startsWith('0220')), 5000, 'the advice at the host');
    const s = await world.rt.status();
    expect(s.owed).toEqual({ reversals: 0, advices: 0, advicesInFlight: 1 });
    expect(s.queued).toBe(1);
    expect(s.journal).toMatchObject({ writable: true, heldOutcomes: 0, lowSpace: false });
    expect(s.host).toMatchObject({ connected: true, lastError: null });
    const io = fakeIo();
    const code = await main(['status', '--socket', world.profile.control.socket!], io);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^profile emulator, terminal \w+: signed on, batch 000001\n/);
    expect(io.out()).toMatch(/\n {2}reader {6}connected\n/);
    expect(io.out()).toMatch(
      /\n {2}host {8}tcp:\/\/127\.0\.0\.1:\d+ connected, last answer \d\d:\d\d:\d\d\n/,
    );
    expect(io.out()).toMatch(/\n {2}journal {5}ok, \d+ MB free\n/);
    expect(io.out()).toMatch(/\n {2}owed {8}0 reversal\(s\), 0 advice\(s\) waiting, 1 in flight\n/);
  });
});
