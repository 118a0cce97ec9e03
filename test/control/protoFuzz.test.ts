/** fast-check: random and mutated bytes on the control socket never crash the server. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostermClient } from '../../src/client.js';
import { DelimitedFramer } from '../../src/control/DelimitedFramer.js';
import { recordingLogger } from './controlTestKit.js';
import { exchangeFrames, request, type Started, startFake, stopAll } from './protoKit.js';

let srv: Started;
const log = recordingLogger();
beforeAll(async () => {
  srv = await startFake(log);
});
afterAll(stopAll);

const valid = [
  request(1, 'sale', { amountMinor: 100, tillId: 't-1' }),
  request(2, 'status'),
  request(3, 'queueList', { all: true }),
  request(4, 'subscribe', { fromSeq: 0 }),
  request(5, 'refund', { rrn: '123456789012', amountMinor: 5 }),
];

/** Valid frames with bytes flipped, cut or inserted, or pure noise. */
const input = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc
    .tuple(
      fc.subarray(valid, { minLength: 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    )
    .map(([frames, flips]) => {
      const b = Buffer.concat(frames);
      for (const [at, v] of flips) b[at % b.length] = v;
      return b;
    }),
);

describe('random bytes on the socket', () => {
  it('every answer decodes, is the hello, a response or a coded error; the connection ends; the server serves on', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const frames = await exchangeFrames(srv.path, bytes);
        expect(frames[0]?.body).toBe('hello');
        for (const f of frames.slice(1)) {
          expect(['response', 'error', 'event']).toContain(f.body);
          if (f.body === 'error') expect(f.value.code).toMatch(/^[A-Z]+_[A-Z0-9_]+$/);
        }
      }),
      { numRuns: 150 },
    );
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
    const c = await PostermClient.connect(srv.path);
    expect((await c.status()).profile).toBe('emulator');
    await c.close();
  });

  it('the framer: any split of a stream gives the same frames as the whole', () => {
    fc.assert(
      fc.property(fc.subarray(valid), fc.array(fc.nat(), { maxLength: 5 }), (frames, cuts) => {
        const whole = Buffer.concat(frames);
        const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const framer = new DelimitedFramer(1024);
        const got: Buffer[] = [];
        let from = 0;
        for (const to of [...at, whole.length]) {
          for (const item of framer.push(whole.subarray(from, to)))
            if (item.kind === 'frame') got.push(item.bytes);
          from = to;
        }
        expect(framer.end()).toBeNull();
        expect(got.map((b) => b.toString('hex'))).toEqual(frames.map((f) => f.subarray(1).toString('hex')));
      }),
    );
  });
});
