import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { parseFaults, VirtualReader } from '../../src/emulator/VirtualReader.js';
import { TEST_CARDS, testCardTrack2 } from '../../src/emulator/VirtualReaderCards.js';
import { isPosError } from '../../src/errors.js';
import { luhnValid } from '../../src/mask.js';
import { NEO_HEADER, NeoCommand, type NeoFrame, neoCommandFrame } from '../../src/reader/NeoFrame.js';
import { NeoFrameParser } from '../../src/reader/NeoFrameParser.js';
import { encodeActivateData } from '../../src/reader/ReaderCommands.js';

const flush = () => new Promise((r) => setImmediate(r));

function harness(opts: ConstructorParameters<typeof VirtualReader>[0] = {}) {
  const clock = new ManualClock();
  const reader = new VirtualReader({ clock, ...opts });
  const writes: Buffer[] = [];
  const parser = new NeoFrameParser({ direction: 'response' });
  const frames: NeoFrame[] = [];
  reader.attach((b) => {
    writes.push(b);
    frames.push(...parser.push(b));
  });
  const send = async (cmd: readonly [number, number], data?: Buffer) => {
    reader.receive(neoCommandFrame(cmd, data));
    await flush();
  };
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 5) {
      clock.advance(5);
      await flush();
    }
  };
  return { clock, reader, writes, frames, parser, send, advance };
}

const activateData = (timeoutSec = 10) =>
  encodeActivateData({ amountMinor: 100, timeoutSec }, new Date(2026, 0, 1));

describe('test cards', () => {
  it('are UnionPay BINs with valid Luhn and unique PANs', () => {
    const cards = Object.values(TEST_CARDS);
    expect(cards.length).toBeGreaterThanOrEqual(7);
    for (const c of cards) {
      expect(c.pan).toMatch(/^62\d{14,17}$/);
      expect(luhnValid(c.pan)).toBe(true);
      expect(testCardTrack2(c)).toMatch(new RegExp(`^${c.pan}D${c.expiry}\\d+$`));
    }
    expect(new Set(cards.map((c) => c.pan)).size).toBe(cards.length);
  });
});

describe('VirtualReader', () => {
  it('answers ping with the frame of the protocol page', async () => {
    const h = harness();
    await h.send(NeoCommand.Ping);
    expect(Buffer.concat(h.writes).toString('hex')).toBe('5669564f74656368320018000000fa83');
  });

  it('answers unknown commands 02 and unknown sub-commands 03', async () => {
    const h = harness();
    await h.send([0x77, 0x00]);
    await h.send([0x18, 0x02]);
    expect(h.frames.map((f) => [f.command, f.sub])).toEqual([
      [0x77, 0x02],
      [0x18, 0x03],
    ]);
  });

  it('answers a malformed activate 07 and one without amount 05', async () => {
    const h = harness();
    await h.send(NeoCommand.ActivateTransaction, Buffer.from('0a9f02', 'hex'));
    await h.send(NeoCommand.ActivateTransaction, Buffer.from('0a9c0100', 'hex'));
    await h.send(NeoCommand.ActivateTransaction, Buffer.alloc(0));
    expect(h.frames.map((f) => f.sub)).toEqual([0x07, 0x05, 0x05]);
  });

  it('takes any command during an activate as a cancel and never answers the activate', async () => {
    const h = harness({ card: 'no-card' });
    await h.send(NeoCommand.ActivateTransaction, activateData(5));
    expect(h.reader.activatePending).toBe(true);
    await h.send(NeoCommand.Ping);
    expect(h.reader.activatePending).toBe(false);
    await h.advance(6000);
    expect(h.frames.map((f) => [f.command, f.sub])).toEqual([[0x18, 0x00]]);
    expect(h.reader.stats.cancels).toBe(1);
  });

  it('no-card answers 08 after the activate timeout', async () => {
    const h = harness({ card: 'no-card' });
    await h.send(NeoCommand.ActivateTransaction, activateData(2));
    await h.advance(1990);
    expect(h.frames).toHaveLength(0);
    await h.advance(20);
    expect(h.frames.map((f) => f.sub)).toEqual([0x08]);
  });

  it('fault split: one frame arrives in many small writes', async () => {
    const h = harness({ faults: ['split'] });
    await h.send(NeoCommand.GetFirmwareVersion);
    await h.advance(200);
    expect(h.writes.length).toBeGreaterThan(5);
    expect(Math.max(...h.writes.map((w) => w.length))).toBeLessThanOrEqual(5);
    expect(h.frames.map((f) => f.data.toString())).toEqual(['NEO v2.00.14 VIRTUAL']);
  });

  it('fault noise: bytes before every frame', async () => {
    const h = harness({ faults: ['noise'] });
    await h.send(NeoCommand.Ping);
    await h.send(NeoCommand.Ping);
    expect(h.frames).toHaveLength(2);
    expect(h.parser.counters.noiseRuns).toBe(2);
    expect(h.writes[0].indexOf(NEO_HEADER)).toBeGreaterThanOrEqual(3);
  });

  it('fault bad-crc corrupts one response only', async () => {
    const h = harness({ faults: ['bad-crc'] });
    await h.send(NeoCommand.Ping);
    await h.send(NeoCommand.Ping);
    expect(h.parser.counters.badCrc).toBe(1);
    expect(h.frames).toHaveLength(1);
    expect(h.reader.faults).toEqual([]);
  });

  it('fault reboot: half a response, then a boot notification', async () => {
    const h = harness({ faults: ['reboot'] });
    await h.send(NeoCommand.ActivateTransaction, activateData());
    await h.advance(100);
    const parser = new NeoFrameParser({ direction: 'response' });
    const got = [...parser.push(Buffer.concat(h.writes), 0), ...parser.expire()];
    expect(got.map((f) => [f.command, f.sub, f.data.toString()])).toEqual([[0x14, 0x01, 'NEO2-VIRTUAL']]);
    expect(parser.counters.timeouts).toBe(1);
  });

  it('fault unplug: asks its server to unplug during the next activate', async () => {
    const h = harness({ faults: ['unplug'] });
    let unplugs = 0;
    h.reader.on('unplug', () => unplugs++);
    await h.send(NeoCommand.ActivateTransaction, activateData());
    await h.advance(100);
    expect(unplugs).toBe(1);
    expect(h.frames).toHaveLength(0);
  });

  it('refuses unknown cards and faults with coded errors', () => {
    const h = harness();
    let err: unknown;
    try {
      h.reader.setCard('visa-gold');
    } catch (e) {
      err = e;
    }
    expect(isPosError(err, 'EMU_BAD_CARD')).toBe(true);
    expect(parseFaults('noise, split')).toEqual(['noise', 'split']);
    expect(() => parseFaults('noise,zap')).toThrow(/unknown reader fault/);
  });
});
