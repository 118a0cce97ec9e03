import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NEO_HEADER, type NeoFrame, neoCommandFrame, neoResponseFrame } from '../../src/reader/NeoFrame.js';
import { NeoFrameParser, type NeoParserEvent } from '../../src/reader/NeoFrameParser.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
// Ping OK response: header | cmd 18 | status 00 | len 0000 | CRC fa83 (MSB first)
const PING_OK = hex('5669564f7465636832 00 18 00 0000 fa83');

function parser(direction: 'command' | 'response' = 'response') {
  const events: NeoParserEvent[] = [];
  const p = new NeoFrameParser({ direction, onEvent: (e) => events.push(e) });
  return { p, events };
}

describe('NeoFrameParser', () => {
  it('parses the known ping response', () => {
    const { p, events } = parser();
    expect(p.push(PING_OK)).toEqual([{ command: 0x18, sub: 0x00, data: Buffer.alloc(0) }]);
    expect(events).toEqual([]);
    expect(p.counters.frames).toBe(1);
  });

  it('parses the known ping command with the CRC LSB first', () => {
    const { p } = parser('command');
    expect(p.push(hex('5669564f74656368320018010000b3cd'))).toHaveLength(1);
    // The same bytes read as a response have the CRC in the wrong order.
    const r = parser('response');
    expect(r.p.push(hex('5669564f74656368320018010000b3cd'))).toHaveLength(0);
    expect(r.p.counters.badCrc).toBe(1);
  });

  it('rule 1: drops and counts noise before a header', () => {
    const { p, events } = parser();
    const frames = p.push(Buffer.concat([hex('0102ff5669'), PING_OK]));
    expect(frames).toHaveLength(1);
    expect(events).toEqual([{ type: 'noise', bytes: 5 }]);
    expect(p.counters.noiseBytes).toBe(5);
  });

  it('holds a header prefix split across reads', () => {
    const { p } = parser();
    expect(p.push(Buffer.concat([hex('aa'), PING_OK.subarray(0, 4)]))).toHaveLength(0);
    expect(p.pending).toBe(4);
    expect(p.push(PING_OK.subarray(4))).toHaveLength(1);
    expect(p.counters.noiseBytes).toBe(1);
  });

  it('rule 2: rejects a length above 1484 and resyncs after that header', () => {
    const { p, events } = parser();
    const bad = Buffer.concat([NEO_HEADER, hex('18 00 05cd')]);
    const frames = p.push(Buffer.concat([bad, PING_OK]));
    expect(frames).toHaveLength(1);
    expect(events[0]).toEqual({ type: 'bad-length', length: 0x5cd });
    expect(p.counters.badLength).toBe(1);
  });

  it('accepts exactly 1484 bytes of data', () => {
    const { p } = parser();
    const f = neoResponseFrame(0x29, 0, Buffer.alloc(1484, 0x41));
    expect(p.push(f)[0].data.length).toBe(1484);
  });

  it('rule 3: drops a partial frame after the inter-byte timeout and rescans what followed its header', () => {
    const { p, events } = parser();
    // A frame that announces 32 data bytes but is cut after 3 (reader rebooted), then a full frame.
    const cut = Buffer.concat([NEO_HEADER, hex('02 23 0020 9f0201')]);
    expect(p.push(Buffer.concat([cut, PING_OK]), 0)).toHaveLength(0);
    expect(p.expire(100)).toHaveLength(0); // not yet stale
    const frames = p.expire(250);
    expect(frames).toHaveLength(1);
    expect(events[0]).toEqual({ type: 'timeout', bytes: cut.length + PING_OK.length });
    expect(p.pending).toBe(0);
  });

  it('rule 3: a stale partial frame is dropped when the next byte comes late', () => {
    const { p } = parser();
    p.push(PING_OK.subarray(0, 12), 0);
    expect(p.push(PING_OK, 500)).toHaveLength(1);
    expect(p.counters.timeouts).toBe(1);
  });

  it('rule 4: drops a frame with a bad CRC and finds a frame inside it', () => {
    const { p, events } = parser();
    const good = neoResponseFrame(0x29, 0x00, Buffer.from('FW', 'latin1'));
    // A frame whose announced length swallows the next frame: its CRC cannot match.
    const liar = Buffer.concat([NEO_HEADER, hex('02 23'), Buffer.from([0, good.length + 2])]);
    const frames = p.push(Buffer.concat([liar, good, hex('0000'), PING_OK]));
    expect(frames.map((f) => f.command)).toEqual([0x29, 0x18]);
    expect(events.find((e) => e.type === 'bad-crc')).toEqual({
      type: 'bad-crc',
      command: 0x02,
      length: good.length + 2,
    });
  });

  it('counts a corrupted CRC without throwing', () => {
    const { p } = parser();
    const bad = Buffer.from(PING_OK);
    bad[bad.length - 1] ^= 1;
    expect(p.push(Buffer.concat([bad, PING_OK]))).toHaveLength(1);
    expect(p.counters.badCrc).toBe(1);
  });

  // Properties.
  const frameArb = fc
    .record({
      command: fc.integer({ min: 0, max: 255 }),
      sub: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ maxLength: 300 }),
    })
    .map((f) => ({ ...f, data: Buffer.from(f.data) }));
  // Noise: random bytes, optionally ending in a truncated header (a frame the reader never finished).
  const noiseArb = fc
    .tuple(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 9 }))
    .map(([bytes, prefix]) => Buffer.concat([Buffer.from(bytes), NEO_HEADER.subarray(0, prefix)]))
    .filter((b) => b.indexOf(NEO_HEADER) < 0);

  function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const out: Buffer[] = [];
    let last = 0;
    for (const c of points) {
      out.push(bytes.subarray(last, c));
      last = c;
    }
    out.push(bytes.subarray(last));
    return out;
  }

  it('property: valid frames with random noise between and random split points are recovered exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noiseArb, frameArb), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.constantFrom('command' as const, 'response' as const),
        (items, cuts, direction) => {
          const stream = Buffer.concat(
            items.flatMap(([noise, f]) => [
              noise,
              direction === 'command'
                ? neoCommandFrame([f.command, f.sub], f.data)
                : neoResponseFrame(f.command, f.sub, f.data),
            ]),
          );
          const p = new NeoFrameParser({ direction });
          const got: NeoFrame[] = [];
          for (const chunk of splitAt(stream, cuts)) got.push(...p.push(chunk));
          expect(got).toEqual(items.map(([, f]) => f));
          expect(p.pending).toBe(0);
          expect(p.counters.noiseBytes).toBe(items.reduce((n, [noise]) => n + noise.length, 0));
          expect(p.counters.badCrc + p.counters.badLength + p.counters.timeouts).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a truncated frame, then valid frames after a pause, loses only the truncated one', () => {
    fc.assert(
      fc.property(
        frameArb,
        fc.integer({ min: 10, max: 400 }),
        fc.array(frameArb, { minLength: 1, maxLength: 4 }),
        (cutFrame, cutAt, rest) => {
          const full = neoResponseFrame(cutFrame.command, cutFrame.sub, cutFrame.data);
          const truncated = full.subarray(0, Math.min(cutAt, full.length - 1));
          const tail = Buffer.concat(rest.map((f) => neoResponseFrame(f.command, f.sub, f.data)));
          const p = new NeoFrameParser({ direction: 'response' });
          // The reader went quiet (reboot) for longer than the inter-byte timeout.
          const got = [...p.push(truncated, 0), ...p.push(tail, 250)];
          expect(p.counters.timeouts).toBe(1);
          expect(got).toEqual(rest);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: random bytes never throw, never yield frames with bad CRC, and the counters add up', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
        const p = new NeoFrameParser({ direction: 'response' });
        let total = 0;
        for (const c of chunks) {
          total += c.length;
          for (const f of p.push(c)) expect(f.data.length).toBeLessThanOrEqual(1484);
        }
        p.expire();
        expect(p.pending).toBe(0);
        expect(p.counters.noiseBytes).toBeLessThanOrEqual(total);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random bytes with headers sprinkled in never throw', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
      fc.constant(NEO_HEADER),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (pieces, cuts) => {
          const p = new NeoFrameParser({ direction: 'command' });
          for (const c of splitAt(Buffer.concat(pieces), cuts)) p.push(c);
          p.expire();
          expect(p.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
