/** Mutated and random requests: the sim answers or drops with a coded error, and keeps serving. */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { FakeTerminal, frameOf, MID, packMsg, purchase, TID, TMK } from './hostSimHelpers.js';

let sim: HostSim;
let term: FakeTerminal;
const codes: string[] = [];

beforeAll(async () => {
  sim = await startHostSim({ tmk: TMK });
  sim.on('malformed', (e) => codes.push(String(e.code)));
  term = await FakeTerminal.connect(sim.port);
  await term.signOn();
});

afterAll(async () => {
  term.close();
  await sim.close();
});

let echoStan = 500000;

async function echoStillAnswered(): Promise<void> {
  const stan = String(++echoStan);
  term.send({ mti: '0820', fields: { 11: stan, 41: TID, 42: MID, 60: '00000001301' } });
  for (let n = term.received.length + 1; ; n++) {
    const got = await term.waitFor(n);
    const last = got[got.length - 1];
    if (last.msg.mti === '0830' && last.msg.fields[11] === stan) return;
  }
}

it('mutated valid requests never crash the sim or raise uncoded errors', async () => {
  const valid = packMsg(purchase('000777', 100), term.mak);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.nat(valid.length),
      async (edits, cut) => {
        const body = Buffer.from(valid);
        for (const [at, v] of edits) body[at] = v;
        term.writeRaw(frameOf(body.subarray(0, Math.max(2, cut))));
        await echoStillAnswered();
      },
    ),
    { numRuns: 300 },
  );
  expect(codes.filter((c) => !/^(ISO|HOST|EMU)_/.test(c) || c === 'EMU_INTERNAL')).toEqual([]);
  expect(term.closed).toBe(false);
});

it('random bodies never crash the sim', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 2, maxLength: 120 }), async (bytes) => {
      term.writeRaw(frameOf(Buffer.from(bytes)));
      await echoStillAnswered();
    }),
    { numRuns: 300 },
  );
  expect(codes).not.toContain('EMU_INTERNAL');
});
