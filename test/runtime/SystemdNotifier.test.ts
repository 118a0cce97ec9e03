/** SystemdNotifier with an injected spawn and fake timers: what goes out, in which order, and when not. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { type NotifySpawn, SystemdNotifier } from '../../src/runtime/SystemdNotifier.js';

afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const calls: string[][] = [];
  const spawn: NotifySpawn = async (args) => {
    calls.push(args);
    return 0;
  };
  return { calls, spawn };
}

describe('SystemdNotifier', () => {
  it('sends nothing without NOTIFY_SOCKET, and sets no watchdog', async () => {
    const { calls, spawn } = recorder();
    const n = new SystemdNotifier({ log: silentLogger, env: { WATCHDOG_USEC: '1000000' }, spawn, pid: 42 });
    await n.ready('up');
    await n.stopping('bye');
    expect(calls).toEqual([]);
    expect(n.watchdogIntervalMs).toBeUndefined();
  });

  it('pings at half WATCHDOG_USEC while healthy, skips while wedged', async () => {
    vi.useFakeTimers();
    const { calls, spawn } = recorder();
    const env = { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '2000000' };
    const n = new SystemdNotifier({ log: silentLogger, env, spawn, pid: 42 });
    expect(n.watchdogIntervalMs).toBe(1000);
    let healthy = true;
    n.startWatchdog(() => healthy);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([['WATCHDOG=1']]);
    healthy = false;
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(1);
    healthy = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    n.stopWatchdog();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(2);
  });

  it('a health check that throws counts as unhealthy', async () => {
    vi.useFakeTimers();
    const { calls, spawn } = recorder();
    const n = new SystemdNotifier({
      log: silentLogger,
      env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '200000' },
      spawn,
    });
    n.startWatchdog(() => {
      throw new Error('journal closed');
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([]);
    n.stopWatchdog();
  });

  it('no watchdog when WATCHDOG_PID names another process', () => {
    const n = new SystemdNotifier({
      log: silentLogger,
      env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '2000000', WATCHDOG_PID: '7' },
      pid: 42,
    });
    expect(n.watchdogIntervalMs).toBeUndefined();
  });

  it('keeps the order of messages and stops after ENOENT with one warning', async () => {
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
    const calls: string[][] = [];
    const spawn: NotifySpawn = async (args) => {
      calls.push(args);
      throw Object.assign(new Error('spawn systemd-notify ENOENT'), { code: 'ENOENT' });
    };
    const n = new SystemdNotifier({ log, env: { NOTIFY_SOCKET: '/run/x' }, spawn, pid: 42 });
    void n.ready('up');
    void n.reloading('reload');
    await n.flush();
    expect(calls).toEqual([['--ready', '--pid=42', '--status=up']]);
    expect(warnings).toHaveLength(1);
    expect(n.active).toBe(false);
  });

  it('RELOADING=1 carries MONOTONIC_USEC', async () => {
    const { calls, spawn } = recorder();
    const n = new SystemdNotifier({ log: silentLogger, env: { NOTIFY_SOCKET: '/run/x' }, spawn });
    await n.reloading('r');
    expect(calls[0][0]).toBe('RELOADING=1');
    expect(calls[0][1]).toMatch(/^MONOTONIC_USEC=\d+$/);
  });
});
