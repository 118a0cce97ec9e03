/**
 * The real driver against the virtual reader over a real pseudo-terminal (socat) and over TCP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../src/emulator/VirtualReaderCards.js';
import { startVirtualReader, type VirtualReaderServer } from '../../src/emulator/VirtualReaderServer.js';
import { isPosError } from '../../src/errors.js';
import { parseTlv } from '../../src/iso8583/tlv.js';
import { ReaderDriver } from '../../src/reader/ReaderDriver.js';
import { describeWithTool } from '../helpers/systemTool.js';

const describeWithSocat = describeWithTool('socat', 'apt-get install socat');

let dir: string;
let n = 0;
let sim: VirtualReaderServer | undefined;
let driver: ReaderDriver | undefined;
let events: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posterm-reader-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await driver?.stop();
  await sim?.close();
  driver = undefined;
  sim = undefined;
});

async function setup(opts: { card?: string; tcp?: boolean } = {}) {
  sim = await startVirtualReader({
    ...(opts.tcp ? { tcpPort: 0 } : { pty: join(dir, `tty${n++}`) }),
    card: opts.card,
    slowDelayMs: 800,
    noCardDelayMs: 300,
    replugAfterMs: 300,
  });
  driver = new ReaderDriver({ path: sim.path, idlePingMs: 300, backoff: { initialMs: 50, maxMs: 400 } });
  events = [];
  driver.on('connected', (i) => events.push(i.reconnect ? 'reconnected' : 'connected'));
  driver.on('disconnected', () => events.push('disconnected'));
  driver.on('restarted', () => events.push('restarted'));
  await driver.start();
  return { sim, driver };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describeWithSocat('reader over a pseudo-terminal', () => {
  it('info: ping, firmware version, serial number', async () => {
    const { driver } = await setup();
    expect(driver.firmware).toBe('NEO v2.00.14 VIRTUAL');
    expect(await driver.serialNumber()).toBe('VR0000000001');
    expect(await driver.ping()).toBeGreaterThan(0);
    expect(driver.counters.frames).toBe(4);
    expect(driver.counters.noiseBytes).toBe(0);
  });

  it('every card behaviour', async () => {
    const { sim, driver } = await setup();
    const tap = async (card: string, timeoutSec = 5) => {
      sim.setCard(card);
      return driver.activate({ amountMinor: 1234, timeoutSec });
    };
    const cl = await tap('unionpay-contactless');
    expect([cl.outcome, cl.entryInterface, cl.pan]).toEqual([
      'online',
      'contactless',
      TEST_CARDS['unionpay-contactless'].pan,
    ]);
    expect(parseTlv(cl.iccData!)[0].tag).toBe('9F26');
    const chip = await tap('unionpay-chip');
    expect([chip.outcome, chip.entryInterface]).toEqual(['online', 'contact']);
    const mag = await tap('unionpay-magstripe');
    expect([mag.outcome, mag.entryInterface, mag.iccData]).toEqual(['online', 'magstripe', undefined]);
    expect((await tap('unionpay-offline')).outcome).toBe('approved-offline');
    expect((await tap('declined-offline')).outcome).toBe('failed');
    expect((await tap('removed')).outcome).toBe('failed');
    const t0 = performance.now();
    expect((await tap('slow')).outcome).toBe('online');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(700);
    expect((await tap('no-card', 1)).outcome).toBe('no-card');
    expect(driver.state).toBe('connected');
  });

  it('cancel during an activate', async () => {
    const { driver } = await setup({ card: 'no-card' });
    const act = driver.activate({ amountMinor: 1, timeoutSec: 30 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await driver.cancel()).toBe(true);
    expect((await act).outcome).toBe('cancelled');
    expect(await driver.serialNumber()).toBe('VR0000000001');
  });

  it('faults: noise between frames and frames split into many writes', async () => {
    const { sim, driver } = await setup();
    sim.setFaults(['noise', 'split']);
    const r = await driver.activate({ amountMinor: 500 });
    expect(r.outcome).toBe('online');
    expect(r.pan).toBe(TEST_CARDS['unionpay-contactless'].pan);
    expect(driver.counters.noiseBytes).toBeGreaterThan(0);
    expect(driver.counters.badCrc).toBe(0);
  });

  it('fault: bad CRC is counted, the command is resent', async () => {
    const { sim, driver } = await setup();
    sim.setFaults(['bad-crc']);
    expect(await driver.firmwareVersion()).toBe('NEO v2.00.14 VIRTUAL');
    expect(driver.counters.badCrc).toBe(1);
    expect(driver.state).toBe('connected');
  });

  it('fault: a reboot in the middle of an activate', async () => {
    const { sim, driver } = await setup();
    sim.setFaults(['reboot']);
    const err = await rejection(driver.activate({ amountMinor: 100 }));
    expect(isPosError(err, 'READER_RESTARTED')).toBe(true);
    await driver.waitConnected(10_000);
    expect(events).toEqual(['connected', 'restarted', 'reconnected']);
    expect((await driver.activate({ amountMinor: 100 })).outcome).toBe('online');
  });

  it('fault: unplug during an activate, replug, the next tap works', async () => {
    const { sim, driver } = await setup();
    sim.setFaults(['unplug']);
    const err = await rejection(driver.activate({ amountMinor: 100, timeoutSec: 10 }));
    expect(isPosError(err, 'READER_DISCONNECTED')).toBe(true);
    await driver.waitConnected(10_000);
    expect(events).toContain('disconnected');
    expect(events.at(-1)).toBe('reconnected');
    const r = await driver.activate({ amountMinor: 100 });
    expect(r.outcome).toBe('online');
  });

  it('unplug while idle is noticed; replug later reconnects', async () => {
    const { sim, driver } = await setup();
    const gone = new Promise((r) => driver.once('disconnected', r));
    await sim.unplug();
    await gone;
    expect(isPosError(await rejection(driver.ping()), 'READER_DISCONNECTED')).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    await sim.replug();
    await driver.waitConnected(10_000);
    expect(await driver.serialNumber()).toBe('VR0000000001');
  });
});

describe('reader over TCP (tcp://host:port)', () => {
  it('taps and survives an unplug', async () => {
    const { sim, driver } = await setup({ tcp: true });
    expect(sim.path).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect((await driver.activate({ amountMinor: 1 })).outcome).toBe('online');
    sim.setFaults(['unplug']);
    const err = await rejection(driver.activate({ amountMinor: 1 }));
    expect(isPosError(err, 'READER_DISCONNECTED')).toBe(true);
    await driver.waitConnected(10_000);
    expect((await driver.activate({ amountMinor: 1 })).outcome).toBe('online');
  });
});
