import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { SerialPortMock } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { TEST_CARDS } from '../../src/emulator/VirtualReaderCards.js';
import { isPosError } from '../../src/errors.js';
import { parseTlv } from '../../src/iso8583/tlv.js';
import { CHIP_TAGS_FIELD55 } from '../../src/reader/ReaderCommands.js';
import { ReaderDriver } from '../../src/reader/ReaderDriver.js';
import { type ReaderPort, type ReaderPortOpener, readerPortOpener } from '../../src/reader/ReaderPort.js';
import { FakeReaderBinding } from './FakeReaderBinding.js';

const flush = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

let clock: ManualClock;
let fake: FakeReaderBinding;
let driver: ReaderDriver;
let events: string[];

/** Advance the manual clock in small steps, letting the mock port's I/O run in between. */
async function run(ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

/** Advance until the promise settles (or maxMs passes). */
async function until<T>(p: Promise<T>, maxMs = 60_000): Promise<T> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let t = 0; t < maxMs && !done; t += 10) {
    clock.advance(10);
    await flush();
  }
  return p;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await until(p);
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

function setup(
  card = 'unionpay-contactless',
  extra: Partial<ConstructorParameters<typeof ReaderDriver>[0]> = {},
) {
  clock = new ManualClock(Date.UTC(2026, 4, 17, 9, 30, 15));
  fake = new FakeReaderBinding('/dev/ttyFAKE0', { card, clock, noCardDelayMs: 500 });
  driver = new ReaderDriver({ path: '/dev/ttyFAKE0', binding: fake, clock, idlePingMs: 1000, ...extra });
  events = [];
  driver.on('connected', (i) => events.push(`connected:${i.reconnect}`));
  driver.on('disconnected', () => events.push('disconnected'));
  driver.on('reconnecting', (i) => events.push(`reconnecting:${i.attempt}`));
  driver.on('restarted', (i) => events.push(`restarted:${i.platform}`));
}

beforeEach(() => {
  SerialPortMock.binding.reset();
});
afterEach(async () => {
  await driver?.stop();
});

describe('ReaderDriver on the mock binding', () => {
  it('connects: ping then firmware version, and answers the info commands', async () => {
    setup();
    await until(driver.start());
    expect(driver.state).toBe('connected');
    expect(driver.firmware).toBe('NEO v2.00.14 VIRTUAL');
    expect(events).toEqual(['connected:false']);
    // The first two frames on the wire are ping and firmware version.
    expect(fake.written[0].toString('hex')).toBe('5669564f74656368320018010000b3cd');
    expect(fake.written[1][10]).toBe(0x29);
    expect(await until(driver.serialNumber())).toBe('VR0000000001');
    expect(await until(driver.firmwareVersion())).toBe('NEO v2.00.14 VIRTUAL');
    expect(typeof (await until(driver.ping()))).toBe('number');
    expect(driver.counters.frames).toBe(5);
  });

  it('activate (contactless): card data, field-55 chip tags in protocol order, masked output', async () => {
    setup('unionpay-contactless');
    await until(driver.start());
    const r = await until(driver.activate({ amountMinor: 1234, timeoutSec: 10 }));
    const card = TEST_CARDS['unionpay-contactless'];
    expect(r.outcome).toBe('online');
    expect(r.entryInterface).toBe('contactless');
    expect(r.pan).toBe(card.pan);
    expect(r.expiry).toBe(card.expiry);
    expect(r.panSequence).toBe('01');
    expect(r.track2?.startsWith(`${card.pan}D${card.expiry}`)).toBe(true);
    const chip = parseTlv(r.iccData!).map((t) => t.tag);
    expect(chip).toEqual(CHIP_TAGS_FIELD55.filter((t) => chip.includes(t)));
    expect(chip).toHaveLength(CHIP_TAGS_FIELD55.length);
    expect(chip).not.toContain('50');
    // The amount the reader saw comes back in 9F02.
    expect(
      parseTlv(r.iccData!)
        .find((t) => t.tag === '9F02')
        ?.value.toString('hex'),
    ).toBe('000000001234');
    const json = JSON.stringify(r);
    const shown = `${json} ${inspect(r)} ${r.describe()}`;
    expect(shown).not.toContain(card.pan);
    expect(shown).not.toContain(card.pan.slice(6, 12));
    expect(json).toContain('621234******0012');
    expect(r.tags).toContain('57');
    r.wipe();
    expect(r.pan).toBeUndefined();
    expect(r.track2).toBeUndefined();
  });

  it('activate (contact chip, magstripe, offline approval, declined, removed, no card)', async () => {
    setup('unionpay-chip');
    await until(driver.start());
    const chip = await until(driver.activate({ amountMinor: 100 }));
    expect([chip.outcome, chip.entryInterface, chip.pan]).toEqual([
      'online',
      'contact',
      TEST_CARDS['unionpay-chip'].pan,
    ]);

    fake.reader.setCard('unionpay-magstripe');
    const mag = await until(driver.activate({ amountMinor: 100 }));
    expect([mag.outcome, mag.entryInterface]).toEqual(['online', 'magstripe']);
    expect(mag.iccData).toBeUndefined();
    expect(mag.expiry).toBe('2806');

    fake.reader.setCard('unionpay-offline');
    expect((await until(driver.activate({ amountMinor: 100 }))).outcome).toBe('approved-offline');
    fake.reader.setCard('declined-offline');
    const declined = await until(driver.activate({ amountMinor: 100 }));
    expect([declined.outcome, declined.pan]).toEqual(['failed', undefined]);
    fake.reader.setCard('removed');
    expect((await until(driver.activate({ amountMinor: 100 }))).outcome).toBe('failed');
    fake.reader.setCard('no-card');
    expect((await until(driver.activate({ amountMinor: 100, timeoutSec: 1 }))).outcome).toBe('no-card');
    expect(driver.state).toBe('connected');
  });

  it('slow card: answers within the activate timeout', async () => {
    setup('slow');
    await until(driver.start());
    const t0 = clock.monotonic();
    const r = await until(driver.activate({ amountMinor: 5, timeoutSec: 5 }));
    expect(r.outcome).toBe('online');
    expect(clock.monotonic() - t0).toBeGreaterThanOrEqual(2000);
  });

  it('while an activate is pending only cancel goes out; cancel ends the activate', async () => {
    setup('no-card'); // the reader waits for a card
    await until(driver.start());
    const act = driver.activate({ amountMinor: 100, timeoutSec: 30 });
    await run(50);
    const busy = await rejection(driver.ping());
    expect(isPosError(busy, 'READER_BUSY')).toBe(true);
    const before = fake.written.length;
    expect(await until(driver.cancel())).toBe(true);
    expect(fake.written.length).toBe(before + 1);
    expect(fake.written.at(-1)![10]).toBe(0x05);
    expect((await until(act)).outcome).toBe('cancelled');
    expect(fake.reader.stats.cancels).toBe(1);
    expect(await until(driver.cancel())).toBe(false);
    await until(driver.ping());
  });

  it('queues commands: one in flight at a time', async () => {
    setup();
    await until(driver.start());
    const n = fake.written.length;
    const all = Promise.all([driver.ping(), driver.serialNumber(), driver.firmwareVersion()]);
    expect(fake.written.length).toBe(n); // nothing written synchronously beyond the first
    await flush(1);
    const [, serial, fw] = await until(all);
    expect([serial, fw]).toEqual(['VR0000000001', 'NEO v2.00.14 VIRTUAL']);
    expect(fake.written.slice(n).map((b) => b[10])).toEqual([0x18, 0x12, 0x29]);
  });

  it('noise between frames and frames split over many writes are counted and survived', async () => {
    setup();
    fake.reader.setFaults(['noise', 'split']);
    await until(driver.start());
    const r = await until(driver.activate({ amountMinor: 42 }));
    expect(r.outcome).toBe('online');
    expect(driver.counters.noiseBytes).toBeGreaterThan(0);
    expect(driver.counters.noiseRuns).toBeGreaterThanOrEqual(3);
    expect(driver.counters.badCrc).toBe(0);
  });

  it('a response with a bad CRC is dropped, counted, and the idempotent command is resent', async () => {
    setup();
    await until(driver.start());
    const dropped: string[] = [];
    driver.on('frame-dropped', (e) => dropped.push(e.type));
    fake.reader.setFaults(['bad-crc']);
    expect(await until(driver.serialNumber())).toBe('VR0000000001');
    // The header is rejected; the rest of that frame is then dropped as noise.
    expect(dropped[0]).toBe('bad-crc');
    expect(dropped.filter((d) => d === 'bad-crc' || d === 'timeout')).toEqual(['bad-crc']);
    expect(driver.counters.badCrc).toBe(1);
    expect(driver.counters.commandTimeouts).toBe(1);
    expect(driver.state).toBe('connected');
  });

  it('a reboot in the middle of an activate fails it, re-initialises, and the next tap works', async () => {
    setup();
    await until(driver.start());
    fake.reader.setFaults(['reboot']);
    const err = await rejection(driver.activate({ amountMinor: 100 }));
    expect(isPosError(err, 'READER_RESTARTED')).toBe(true);
    await until(driver.waitConnected());
    expect(events).toEqual(['connected:false', 'restarted:NEO2-VIRTUAL', 'connected:true']);
    expect(driver.counters.timeouts).toBe(1); // the half frame
    expect(driver.counters.restarts).toBe(1);
    expect((await until(driver.activate({ amountMinor: 100 }))).outcome).toBe('online');
  });

  it('unplug during an activate: reports it, retries with backoff, recovers on replug', async () => {
    setup();
    await until(driver.start());
    const act = driver.activate({ amountMinor: 100 });
    await run(10);
    await fake.unplug();
    const err = await rejection(act);
    expect(isPosError(err, 'READER_DISCONNECTED')).toBe(true);
    expect(driver.state).not.toBe('connected');
    await run(1000);
    const delays: number[] = [];
    driver.on('reconnecting', (i) => delays.push(i.delayMs));
    await run(3000);
    expect(delays.length).toBeGreaterThan(0);
    expect(delays[delays.length - 1]).toBeGreaterThan(delays[0] ?? 0);
    const nope = await rejection(driver.ping());
    expect(isPosError(nope, 'READER_DISCONNECTED')).toBe(true);
    fake.plug();
    await until(driver.waitConnected(20_000));
    expect(events[0]).toBe('connected:false');
    expect(events).toContain('disconnected');
    expect(events.at(-1)).toBe('connected:true');
    expect((await until(driver.activate({ amountMinor: 100 }))).outcome).toBe('online');
  });

  it('a reader that stops answering is noticed by the idle ping and re-initialised when it is back', async () => {
    setup();
    await until(driver.start());
    const reasons: string[] = [];
    driver.on('disconnected', (i) => reasons.push(i.reason));
    fake.mute = true;
    await run(1000 + 2 * 1000 + 200);
    expect(reasons[0]).toMatch(/no response to ping/);
    fake.mute = false;
    await until(driver.waitConnected(20_000));
    expect(driver.state).toBe('connected');
    expect(driver.counters.disconnects).toBe(1);
  });

  it('start() rejects with READER_UNAVAILABLE when no reader comes up, and stop() ends the retries', async () => {
    setup();
    fake.unplugged = true;
    const err = await rejection(driver.start());
    expect(isPosError(err, 'READER_UNAVAILABLE')).toBe(true);
    await driver.stop();
    const n = events.length;
    await run(10_000, 100);
    expect(events.length).toBe(n);
    expect(driver.state).toBe('stopped');
  });

  it('bad activate parameters give coded errors before anything is sent', async () => {
    setup();
    await until(driver.start());
    const n = fake.written.length;
    expect(isPosError(await rejection(driver.activate({ amountMinor: -1 })), 'READER_BAD_AMOUNT')).toBe(true);
    expect(
      isPosError(await rejection(driver.activate({ amountMinor: 1, timeoutSec: 0 })), 'READER_BAD_TIMEOUT'),
    ).toBe(true);
    expect(fake.written.length).toBe(n);
  });

  it('stop() during start() rejects it with READER_STOPPED', async () => {
    setup();
    fake.unplugged = true;
    const started = driver.start();
    await run(300);
    await driver.stop();
    expect(isPosError(await rejection(started), 'READER_STOPPED')).toBe(true);
  });

  it('events never carry card data', async () => {
    setup();
    const seen: string[] = [];
    for (const name of [
      'state',
      'connected',
      'disconnected',
      'reconnecting',
      'restarted',
      'frame-dropped',
      'unexpected-frame',
    ] as const) {
      driver.on(name, (...args: unknown[]) => seen.push(JSON.stringify(args)));
    }
    fake.reader.setFaults(['noise', 'split']);
    await until(driver.start());
    await until(driver.activate({ amountMinor: 1 }));
    fake.reader.setFaults(['reboot']);
    await rejection(driver.activate({ amountMinor: 1 }));
    await until(driver.waitConnected());
    const all = seen.join('\n');
    expect(seen.length).toBeGreaterThan(5);
    expect(all).not.toContain(TEST_CARDS['unionpay-contactless'].pan.slice(6, 12));
    expect(all).not.toMatch(/6212345600000012/);
  });

  it('during an activate (no ping allowed) a vanished device path is noticed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posterm-reader-unit-'));
    try {
      writeFileSync(join(dir, 'ttyUSB0'), '');
      const link = join(dir, 'usb-IDTECH_NEO2-if00');
      symlinkSync(join(dir, 'ttyUSB0'), link);
      clock = new ManualClock();
      fake = new FakeReaderBinding(link, { card: 'no-card', clock });
      const base = readerPortOpener({ path: link, binding: fake });
      let opened: ReaderPort | undefined;
      const opener: ReaderPortOpener = async (h) => {
        opened = await base(h);
        return opened;
      };
      driver = new ReaderDriver({ path: link, opener, clock, idlePingMs: 500 });
      const reasons: string[] = [];
      driver.on('disconnected', (i) => reasons.push(i.reason));
      await until(driver.start());
      const act = driver.activate({ amountMinor: 1, timeoutSec: 255 });
      act.catch(() => {});
      await run(1200);
      // The port learnt where the path led at open time (real file system, so wait for it).
      expect(await opened!.alive!()).toBe(true);
      expect(reasons).toEqual([]);
      unlinkSync(link);
      // The check reads the real file system: give it real time (up to ~4 s under load).
      for (let i = 0; i < 2000 && reasons.length === 0; i++) {
        clock.advance(100);
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(reasons).toEqual(['device path gone']);
      expect(isPosError(await rejection(act), 'READER_DISCONNECTED')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
