/**
 * Host-link fuzzing behind a valid frame: every frame has the right length, TPDU (swapped) and
 * header, so the body reaches the decoder and the response matching. Near-miss answers (one
 * matching field changed), mutated answers, random bodies and late answers to timed-out requests
 * come before the real answer: none is taken for it, each is counted where it belongs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import { cupPosCodec } from '../../src/host/cupPosCodec.js';
import { encodeFrame } from '../../src/host/framing.js';
import type { HostLink } from '../../src/host/HostLink.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { FakeAcquirer, type FakeRequest } from './FakeAcquirer.js';
import { flush, makeLink, purchase } from './linkHelpers.js';

const codec = cupPosCodec();

type Variant =
  | { kind: 'near-miss'; field: string | number }
  | { kind: 'mutated'; at: number; value: number }
  | { kind: 'random'; body: Uint8Array }
  | { kind: 'late' };

const variant: fc.Arbitrary<Variant> = fc.oneof(
  fc.record({
    kind: fc.constant('near-miss' as const),
    field: fc.constantFrom('mti' as const, 3, 4, 11, 41),
  }),
  fc.record({ kind: fc.constant('mutated' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('random' as const), body: fc.uint8Array({ maxLength: 60 }) }),
  fc.record({ kind: fc.constant('late' as const) }),
);

/** The response matching rule of host-cup-pos.md section 5, written out here (not the link's). */
function answers(req: IsoMessage, msg: IsoMessage): boolean {
  const same = (f: number) => msg.fields[f] === req.fields[f];
  return Number(msg.mti) === Number(req.mti) + 10 && same(11) && same(41) && same(3) && same(4);
}

const NEAR_MISS: Record<string, (req: IsoMessage) => { mti?: string; fields?: Record<number, string> }> = {
  mti: () => ({ mti: '0230' }),
  3: () => ({ fields: { 3: '200000' } }),
  4: (req) => ({ fields: { 4: String(Number(req.fields[4]) + 1).padStart(12, '0') } }),
  11: (req) => ({ fields: { 11: String((Number(req.fields[11]) + 500) % 1_000_000).padStart(6, '0') } }),
  41: () => ({ fields: { 41: '87654321' } }),
};

let fa: FakeAcquirer;
let link: HostLink;
let clock: ManualClock;
/** What the acquirer sends before the answer to the next request. */
let plan: Variant[] = [];
/** A request the link gave up on (timed out), for a late answer. */
let timedOut: FakeRequest | undefined;
const sent = { matchedStray: 0, undecodable: 0, late: 0 };

function frameWithBody(req: FakeRequest, body: Buffer): Buffer {
  const good = FakeAcquirer.frameFor(req);
  return encodeFrame({
    tpdu: { id: good[2], destination: good.readUInt16BE(3), source: good.readUInt16BE(5) },
    header: { ...req.frame.header, processingRequirement: 0 },
    body,
  });
}

function sendVariant(req: FakeRequest, v: Variant): void {
  const s = req.socket;
  if (v.kind === 'late') {
    if (!timedOut) return;
    s.write(FakeAcquirer.frameFor(timedOut));
    timedOut = undefined;
    sent.late++;
    return;
  }
  if (v.kind === 'near-miss') {
    s.write(FakeAcquirer.frameFor(req, NEAR_MISS[String(v.field)](req.message)));
    sent.matchedStray++;
    return;
  }
  let body: Buffer;
  if (v.kind === 'random') body = Buffer.from(v.body);
  else {
    body = codec.pack(FakeAcquirer.responseTo(req.message));
    const i = v.at % body.length;
    body[i] = body[i] === v.value ? v.value ^ 0xff : v.value;
  }
  let msg: IsoMessage | undefined;
  try {
    msg = codec.unpack(body);
  } catch {
    msg = undefined;
  }
  if (msg && answers(req.message, msg)) return; // a valid answer after all: not sent
  s.write(frameWithBody(req, body));
  if (msg) sent.matchedStray++;
  else sent.undecodable++;
}

beforeAll(async () => {
  fa = await FakeAcquirer.start((r) => {
    for (const v of plan) sendVariant(r, v);
    if (r.message.fields[44] !== 'no-answer') fa.answer(r, { fields: { 44: `ok${r.message.fields[11]}` } });
  });
  ({ link, clock } = makeLink(fa.port, { logger: { debug() {}, info() {}, warn() {}, error() {} } }));
});

afterAll(async () => {
  link.close();
  await fa.close();
});

describe('HostLink: stray, near-miss and late answers behind a valid frame header', () => {
  it('are never taken for the answer, and each is counted as stray, undecodable or late', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(variant, { maxLength: 5 }), fc.boolean(), async (variants, timeOut) => {
        const stan = String(++n).padStart(6, '0');
        if (timeOut && !timedOut) {
          // this request gets no answer: it times out, and a later one may see its late answer
          plan = [];
          const req = purchase(stan);
          req.fields[44] = 'no-answer';
          const p = link.request(req).catch((e: { code: string }) => e.code);
          const r = await fa.request(fa.requests.length + 1);
          await flush();
          clock.advance(5000);
          expect(await p).toBe('HOST_TIMEOUT');
          timedOut = r;
          return;
        }
        plan = variants;
        const res = await link.request(purchase(stan));
        expect(res.message.fields[11]).toBe(stan);
        expect(res.message.fields[44]).toBe(`ok${stan}`);
      }),
      { numRuns: 150 },
    );
    await flush(10);
    expect(link.stats.stray).toBe(sent.matchedStray);
    expect(link.stats.badFrames).toBe(sent.undecodable);
    expect(link.stats.late).toBe(sent.late);
    expect(link.stats.badTpdu).toBe(0);
    // the fuzz reached the matching, the decoder and the late-answer memory
    expect(sent.matchedStray).toBeGreaterThan(50);
    expect(sent.undecodable).toBeGreaterThan(20);
    expect(sent.late).toBeGreaterThan(5);
  });
});
