import { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { PosError } from '../../src/errors.js';
import { tcpConnect } from '../../src/host/connectors.js';
import type { ConnectFn } from '../../src/host/HostEndpoint.js';
import { HostLink } from '../../src/host/HostLink.js';
import { FakeAcquirer } from './FakeAcquirer.js';
import { flush, purchase, rejection, rejectionCode, TPDU, until } from './linkHelpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const refused = (port: number) =>
  Promise.reject(new PosError('HOST_CONNECT_FAILED', 'refused (test)', { port, reason: 'ECONNREFUSED' }));

describe('reconnect backoff', () => {
  it('follows the exponential schedule on the clock, with jitter from the random source', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const connect: ConnectFn = (ep) => {
      attempts.push(clock.monotonic());
      return refused(ep.port);
    };
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: 1 },
      tpdu: TPDU,
      clock,
      connect,
      connectRounds: 4,
      backoff: { initialMs: 1000, factor: 2, maxMs: 60_000, jitter: 0.2 },
      random: () => 0.5, // jitter factor 1.0
    });
    cleanups.push(() => link.close());
    const p = link.request(purchase('000001'));
    const outcome = rejectionCode(p);
    await flush();
    expect(attempts).toEqual([0]);
    clock.advance(999);
    await flush();
    expect(attempts).toEqual([0]);
    for (const t of [1000, 3000, 7000]) {
      clock.advance(t - clock.monotonic());
      await flush();
      expect(attempts.at(-1)).toBe(t);
    }
    expect(await outcome).toBe('HOST_UNREACHABLE');
    // The next request waits out the backoff earned so far (8000 ms after the last attempt).
    const next = rejectionCode(link.request(purchase('000002')));
    await flush();
    expect(attempts).toHaveLength(4);
    clock.advance(15_000 - clock.monotonic());
    await flush();
    expect(attempts.at(-1)).toBe(15_000);
    for (const delay of [16_000, 32_000, 60_000]) {
      clock.advance(delay); // the delay doubles each round, capped at maxMs
      await flush();
    }
    expect(await next).toBe('HOST_UNREACHABLE');
    // 15000 + 16000, then + 32000, then + min(60000, 64000)
    expect(attempts.slice(4)).toEqual([15_000, 31_000, 63_000, 123_000]);
  });

  it('a connect that never completes is cut by the connect timeout', async () => {
    const clock = new ManualClock();
    let aborted: unknown;
    const connect: ConnectFn = (_ep, signal) =>
      new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
          reject(signal.reason);
        }),
      );
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: 1 },
      tpdu: TPDU,
      clock,
      connect,
      timeouts: { connectMs: 2000 },
    });
    cleanups.push(() => link.close());
    const p = rejection(link.request(purchase('000001')));
    await flush();
    clock.advance(1999);
    await flush();
    expect(aborted).toBeUndefined();
    clock.advance(1);
    const err = await p;
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.context.reason).toBe('HOST_CONNECT_TIMEOUT');
  });

  it('a write that never completes is a send timeout (HOST_TIMEOUT, phase send)', async () => {
    const clock = new ManualClock();
    const stuck = new Duplex({ read() {}, write() {} });
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: 1 },
      tpdu: TPDU,
      clock,
      connect: async () => stuck,
      timeouts: { sendMs: 3000 },
    });
    cleanups.push(() => link.close());
    const p = rejection(link.request(purchase('000001')));
    await flush();
    clock.advance(3000);
    const err = await p;
    expect(err.code).toBe('HOST_TIMEOUT');
    expect(err.context.phase).toBe('send');
    expect(stuck.destroyed).toBe(true);
  });
});

describe('failover and failback', () => {
  async function twoHosts(opts: { afterTimeouts?: number } = {}) {
    const primary = await FakeAcquirer.start((r, fa) => fa.answer(r, { fields: { 44: 'primary' } }));
    const backup = await FakeAcquirer.start((r, fa) => fa.answer(r, { fields: { 44: 'backup' } }));
    const clock = new ManualClock();
    const state = { primaryDown: false };
    const connects: number[] = [];
    const connect: ConnectFn = (ep, signal) => {
      connects.push(ep.port);
      return ep.port === primary.port && state.primaryDown ? refused(ep.port) : tcpConnect(ep, signal);
    };
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: primary.port },
      backup: { host: '127.0.0.1', port: backup.port },
      tpdu: TPDU,
      clock,
      connect,
      timeouts: { readMs: 5000 },
      failover: { afterTimeouts: opts.afterTimeouts ?? 2, failbackIntervalMs: 60_000 },
    });
    const events: string[] = [];
    link.on('failover', (e) => events.push(`failover ${e.reason}`));
    link.on('failback', () => events.push('failback'));
    cleanups.push(
      () => primary.close(),
      () => backup.close(),
      () => link.close(),
    );
    return { primary, backup, clock, state, link, events, connects };
  }

  it('uses the backup when the primary does not connect, and switches back when it answers', async () => {
    const { primary, backup, clock, state, link, events, connects } = await twoHosts();
    state.primaryDown = true;
    const r1 = await link.request(purchase('000001'));
    expect(r1.message.fields[44]).toBe('backup');
    expect(link.onBackup).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^failover .*unreachable/);

    // The primary is probed every failbackIntervalMs; still down: stay on the backup.
    clock.advance(60_000);
    await until(() => connects.length === 3, 'first probe');
    await flush();
    expect(link.onBackup).toBe(true);
    expect((await link.request(purchase('000002'))).message.fields[44]).toBe('backup');

    state.primaryDown = false;
    clock.advance(60_000);
    await until(() => events.includes('failback'), 'failback');
    expect(link.onBackup).toBe(false);
    const r3 = await link.request(purchase('000003'));
    expect(r3.message.fields[44]).toBe('primary');
    expect(primary.requests.map((r) => r.message.fields[11])).toEqual(['000003']);
    expect(backup.requests.map((r) => r.message.fields[11])).toEqual(['000001', '000002']);
    expect(link.stats).toMatchObject({ failovers: 1, failbacks: 1 });
  });

  it('moves to the backup after N consecutive response timeouts on the primary', async () => {
    const { primary, backup, clock, link, events } = await twoHosts({ afterTimeouts: 2 });
    primary.onRequest = () => {}; // the primary accepts but never answers
    for (const [i, stan] of ['000001', '000002'].entries()) {
      const p = rejectionCode(link.request(purchase(stan)));
      await primary.request(i + 1);
      await flush();
      clock.advance(5000);
      expect(await p).toBe('HOST_TIMEOUT');
      expect(events).toHaveLength(i); // no failover after the first timeout
    }
    expect(events[0]).toBe('failover 2 consecutive timeouts');
    const r = await link.request(purchase('000003'));
    expect(r.message.fields[44]).toBe('backup');
    expect(backup.requests).toHaveLength(1);
  });

  it('a timeout followed by an answer resets the count', async () => {
    const { primary, clock, link, events } = await twoHosts({ afterTimeouts: 2 });
    let answer = false;
    primary.onRequest = (r) => {
      if (answer) primary.answer(r);
    };
    const p = rejectionCode(link.request(purchase('000001')));
    await primary.request(1);
    await flush();
    clock.advance(5000);
    expect(await p).toBe('HOST_TIMEOUT');
    answer = true;
    await link.request(purchase('000002'));
    answer = false;
    const q = rejectionCode(link.request(purchase('000003')));
    await primary.request(3);
    await flush();
    clock.advance(5000);
    expect(await q).toBe('HOST_TIMEOUT');
    expect(events).toEqual([]);
  });
});

describe('single endpoint', () => {
  it('after N consecutive timeouts the connection is replaced by a fresh one', async () => {
    const fa = await FakeAcquirer.start();
    const clock = new ManualClock();
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: fa.port },
      tpdu: TPDU,
      clock,
      timeouts: { readMs: 5000 },
      failover: { afterTimeouts: 2 },
    });
    cleanups.push(
      () => fa.close(),
      () => link.close(),
    );
    for (const [i, stan] of ['000001', '000002'].entries()) {
      const p = rejectionCode(link.request(purchase(stan)));
      await fa.request(i + 1);
      await flush();
      clock.advance(5000);
      expect(await p).toBe('HOST_TIMEOUT');
    }
    expect(link.connected).toBe(false);
    fa.onRequest = (r) => fa.answer(r);
    await link.request(purchase('000003'));
    expect(fa.sockets).toHaveLength(2);
    expect(fa.requests[2].socket).toBe(fa.sockets[1]);
  });
});

describe('failure class of a failed dial', () => {
  it('a TLS failure on the primary and a refused backup: the TLS failure is reported, not HOST_UNREACHABLE', async () => {
    const connect: ConnectFn = (ep) =>
      ep.port === 1
        ? Promise.reject(new PosError('HOST_TLS_PIN_MISMATCH', 'pin (test)', { key: 'host.tls.pins' }))
        : refused(ep.port);
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: 1 },
      backup: { host: '127.0.0.1', port: 2 },
      tpdu: TPDU,
      clock: new ManualClock(),
      connect,
    });
    cleanups.push(() => link.close());
    expect(await rejectionCode(link.request(purchase('000001')))).toBe('HOST_TLS_PIN_MISMATCH');
  });

  it('both endpoints refused: HOST_UNREACHABLE with the last cause', async () => {
    const link = new HostLink({
      primary: { host: '127.0.0.1', port: 1 },
      backup: { host: '127.0.0.1', port: 2 },
      tpdu: TPDU,
      clock: new ManualClock(),
      connect: (ep) => refused(ep.port),
    });
    cleanups.push(() => link.close());
    const err = await rejection(link.request(purchase('000001')));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.context.reason).toBe('HOST_CONNECT_FAILED');
  });
});
