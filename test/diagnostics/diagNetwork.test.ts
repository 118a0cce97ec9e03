/**
 * Diag against real network failures: an unresolvable name, a refused port, a black hole (SYNs
 * dropped), a host that accepts and never answers, TLS with a wrong pin, a host with another
 * TMK; and the all-good case.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { certificatePin } from '../../src/host/connectors.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { fakeIo } from '../cli/fakeIo.js';
import { otherCaPem, serverCert, serverKey, serverPin, tlsFile } from '../host/tlsFixtures.js';
import { diagTerminal, expectCheck } from './diagKit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(opts: Partial<Parameters<typeof startHostSim>[0]> = {}): Promise<HostSim> {
  const tmk = profileTmk(diagTerminal().profile);
  const s = await startHostSim({ tmk, port: 0, ...opts });
  cleanups.push(() => s.close());
  return s;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * A black hole: the host's SYNs go unanswered. A listener in a stopped child process (SIGSTOP)
 * whose accept queue (backlog 1) is filled first: the kernel then drops every new SYN.
 */
async function blackHolePort(): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((r) =>
    child.stdout?.once('data', (d) => r(Number(String(d).trim()))),
  );
  process.kill(child.pid as number, 'SIGSTOP');
  const fillers: net.Socket[] = [];
  cleanups.push(() => {
    for (const f of fillers) f.destroy();
    process.kill(child.pid as number, 'SIGKILL');
  });
  for (let i = 0; i < 3; i++) {
    const f = net.connect({ host: '127.0.0.1', port });
    f.on('error', () => {});
    fillers.push(f);
    await new Promise((r) => {
      f.once('connect', r);
      setTimeout(r, 200);
    });
  }
  return port;
}

describe('posterm diag: network and host', () => {
  it('a black hole (SYNs dropped) fails host.primary.tcp on the connect timeout with its hint', async () => {
    const port = await blackHolePort();
    const t = diagTerminal((raw) => {
      raw.host.primary.port = port;
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const tcp = expectCheck(r, 'host.primary.tcp', 'fail', 'host.connectTimeout');
    expect(tcp.evidence).toMatchObject({ cause: 'connect-timeout', timeoutMs: 1000, port });
    expect(tcp.hint?.zh).toContain('连接主机超时');
    expect(expectCheck(r, 'host.signon', 'skipped').skippedBecause).toContain('host.primary.tcp failed');
    expect(r.exitCode).toBe(2);
  });

  it('an unresolvable name fails host.primary.dns with the DNS hint; TCP, TLS and the host protocol are skipped naming it', async () => {
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'acquirer.invalid', port: 5800 };
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const dns = expectCheck(r, 'host.primary.dns', 'fail', 'host.dns');
    expect(dns.evidence.host).toBe('acquirer.invalid');
    expect(dns.hint?.zh).toContain('域名解析');
    expect(expectCheck(r, 'host.primary.tcp', 'skipped').skippedBecause).toBe('host.primary.dns failed');
    expect(expectCheck(r, 'host.signon', 'skipped').skippedBecause).toContain('host.primary.tcp');
    expect(r.exitCode).toBe(2);
  });

  it('a refused port fails host.primary.tcp with the refused hint (cause refused)', async () => {
    const port = await closedPort();
    const t = diagTerminal((raw) => {
      raw.host.primary.port = port;
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    expectCheck(r, 'host.primary.dns', 'pass');
    const tcp = expectCheck(r, 'host.primary.tcp', 'fail', 'host.refused');
    expect(tcp.evidence).toMatchObject({ errno: 'ECONNREFUSED', cause: 'refused' });
    expect(r.exitCode).toBe(2);
  });

  it('a silent host (accepts, never answers) passes TCP and fails sign-on and echo as silence', async () => {
    const sockets: net.Socket[] = [];
    const srv = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
    );
    const t = diagTerminal((raw) => {
      raw.host.primary.port = (srv.address() as net.AddressInfo).port;
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    expectCheck(r, 'host.primary.tcp', 'pass');
    const signOn = expectCheck(r, 'host.signon', 'fail', 'host.silence');
    expect(signOn.evidence).toMatchObject({
      code: 'HOST_TIMEOUT',
      cause: 'silence',
      keyCheck: 'not checked',
    });
    expectCheck(r, 'host.echo', 'fail', 'host.silence');
    expect(r.exitCode).toBe(2);
  });

  it('TLS with a wrong pin fails host.primary.tls with the pin hint; the rest of the TLS facts are reported', async () => {
    const s = await sim({ tls: { key: serverKey, cert: serverCert } });
    const wrongPin = certificatePin(otherCaPem);
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'localhost', port: s.port, tls: true };
      raw.host.tls = { ca: tlsFile('ca.pem'), pins: [wrongPin] };
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'host.primary.tls', 'fail', 'tls.pin');
    expect(x.evidence).toMatchObject({
      pin: 'mismatch',
      serverPin,
      chainTrusted: true,
      nameMatches: true,
    });
    expect(String(x.evidence.version)).toMatch(/^TLSv1\.[23]$/);
    expect(x.evidence.daysToExpiry as number).toBeGreaterThan(30);
    expect(expectCheck(r, 'host.signon', 'skipped').skippedBecause).toBe('host.primary.tls failed');
    expect(r.exitCode).toBe(2);
  });

  it('TLS with the right pin passes, and sign-on and echo go over it', async () => {
    const s = await sim({ tls: { key: serverKey, cert: serverCert } });
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'localhost', port: s.port, tls: true };
      raw.host.tls = { ca: tlsFile('ca.pem'), pins: [serverPin] };
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    expectCheck(r, 'host.primary.tls', 'pass');
    expect(expectCheck(r, 'host.signon', 'pass').evidence).toMatchObject({
      keyCheck: 'ok',
      stanFrom: 'clock',
    });
    expectCheck(r, 'host.echo', 'pass');
  });

  it('a host with another TMK fails host.signon on the key check values (evidence: mismatch, no key); echo still passes', async () => {
    const s = await sim({ tmk: randomBytes(16) });
    const t = diagTerminal((raw) => {
      raw.host.primary.port = s.port;
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'host.signon', 'fail', 'host.keyCheck');
    expect(x.evidence).toMatchObject({
      code: 'HOST_KEY_CHECK_FAILED',
      cause: 'key-check',
      keyCheck: 'mismatch',
    });
    expect(x.hint?.zh).toContain('主密钥');
    const tmkHex = t.profile.keys.tmk as string;
    expect(JSON.stringify(r).toUpperCase()).not.toContain(tmkHex.toUpperCase());
    expect(expectCheck(r, 'host.echo', 'pass').evidence.responseCode).toBe('00');
    expect(r.exitCode).toBe(2);
  });

  it('CLI: all good but no journal yet is a warning (exit 1); --lang zh prints the Chinese hint; --json is the report', async () => {
    const s = await sim();
    const t = diagTerminal((raw) => {
      raw.host.primary.port = s.port;
    });
    const io = fakeIo();
    expect(await main(['diag', '--profile', t.file, '--lang', 'zh'], io)).toBe(1);
    expect(io.out()).toMatch(/journal\.integrity\s+WARN/);
    expect(io.out()).toContain('流水库尚不存在');
    const jio = fakeIo();
    expect(await main(['diag', '--profile', t.file, '--json'], jio)).toBe(1);
    const report = JSON.parse(jio.out());
    expect(report.summary.fail).toBe(0);
    expect(report.exitCode).toBe(1);
  });

  it('CLI: a refused host exits 2; bad usage exits 3 (diag could not run)', async () => {
    const port = await closedPort();
    const t = diagTerminal((raw) => {
      raw.host.primary.port = port;
    });
    const io = fakeIo();
    expect(await main(['diag', '--profile', t.file], io)).toBe(2);
    expect(io.out()).toMatch(/host\.primary\.tcp\s+FAIL/);
    expect(io.out()).toContain('-> The host refuses the connection');
    expect(await main(['diag', '--bogus'], fakeIo())).toBe(3);
    expect(await main(['diag', '--lang', 'fr'], fakeIo())).toBe(3);
  });
});
