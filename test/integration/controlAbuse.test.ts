/**
 * The protobuf control socket of a real runtime (against the host simulator and the virtual
 * reader) under abuse: garbage frames between sales, clients that vanish right after writing a
 * sale and while it is at the host, clients that half-close. Afterwards the runtime still
 * answers, every sale it read is journalled with its final outcome, nothing hidden behind bad
 * input ran, and the host's ledger agrees with the journal.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/control/protoCodec.js';
import { connected, decodeAll, exchangeFrames, hello, reader, request, varint } from '../control/protoKit.js';
import { callApi } from '../helpers/callApi.js';
import { describeWithTool } from '../helpers/systemTool.js';
import { expectLedgerAgrees, startWorld, until, type World } from './world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const PAN = '6212345600000012';

const frame = (body: Buffer | number[]) => Buffer.concat([varint(body.length), Buffer.from(body)]);

/** Connects, writes `bytes` (an encoded sale), and destroys the socket once they are in the kernel. */
async function vanishAfterWrite(path: string, bytes: Buffer): Promise<void> {
  const s: Socket = connect(path);
  await new Promise<void>((r) => s.once('connect', () => r()));
  await new Promise<void>((r) => s.write(bytes, () => r()));
  s.destroy();
}

/** Resolves once the host simulator has seen `n` requests of this MTI in all. */
function hostRequests(world: World, mti: string, n: number): Promise<void> {
  const count = () => world.seen.filter((s) => s.startsWith(`${mti}/`)).length;
  return new Promise((resolve) => {
    const on = () => {
      if (count() < n) return;
      world.sim.off('request', on);
      resolve();
    };
    world.sim.on('request', on);
    on();
  });
}

/** Envelope { id, request { sale { amount_minor, till_id: raw bytes } } }, built by hand. */
function saleWithRawTillId(id: number, amountMinor: number, tillId: number[]): Buffer {
  const sale = Buffer.concat([
    Buffer.from([0x08]),
    varint(amountMinor),
    Buffer.from([0x1a, tillId.length, ...tillId]),
  ]);
  const req = Buffer.concat([Buffer.from([0x0a]), varint(sale.length), sale]);
  return frame(
    Buffer.concat([Buffer.from([0x08]), varint(id), Buffer.from([0x1a]), varint(req.length), req]),
  );
}

const FINAL = new Set(['approved', 'declined', 'reversed']);

describe('control socket abuse against a real runtime', () => {
  it('garbage, vanishing and half-closing clients: the runtime keeps answering and the books agree', async () => {
    w = await startWorld();
    const world = w;
    const path = world.profile.control.socket!;
    const sent: { id: number; amount: number }[] = [];
    const sale = (id: number, amountMinor: number, tillId?: string) => {
      sent.push({ id, amount: amountMinor });
      return request(id, 'sale', tillId ? { amountMinor, tillId } : { amountMinor });
    };
    // Sales that must never run: behind a bad length, or refused for their values.
    const NEVER = [9910, 1150, 0];

    // 1. One till connection: garbage interleaved with sales, ended by a frame over the limit
    //    with a sale hidden behind it (a varint stream cannot resynchronise: the server closes).
    const s = await connected(path);
    const till = reader(s);
    const ended = new Promise<void>((r) => s.once('end', () => r()));
    s.write(Buffer.concat([frame([0xff, 0xff, 0xff, 0xff, 0xff]), sale(1, 1110), frame([])]));
    s.write(frame([0x08, 0x05, 0x12, 0xff, 0xff, 0xff])); // id 5, then a length past the end
    s.write(Buffer.from(encodeEnvelope(6, 'response', { status: {} })));
    s.write(frame([0x08, 0x07, 0x1a, 0x03, 0x98, 0x06, 0x01])); // id 7, request { field 99: 1 }
    s.write(sale(2, 2051)); // declined (51)
    s.write(Buffer.concat([Buffer.from(encodeEnvelope(8, 'event', { seq: 1, at: 'x' })), hello(1, 9)]));
    s.write(request(10, 'sale', { amountMinor: 0 }));
    s.write(saleWithRawTillId(11, 1150, [0xc3, 0x28, 0xff])); // till_id is not UTF-8
    // Names that are JavaScript's own are plain till ids: they run, and only once each.
    s.write(Buffer.concat([sale(3, 1130, '__proto__'), sale(4, 1140, 'constructor')]));
    s.write(request(12, 'transactionStatus', { tillId: 'toString' }));
    s.write(
      Buffer.concat([varint(100 * 1024), request(13, 'sale', { amountMinor: 9910 }), Buffer.alloc(200)]),
    );
    await ended; // the server ended the connection once the sales read were answered
    s.destroy();
    const frames = till.seen;
    expect(frames[0]).toMatchObject({ id: 0, body: 'hello' });
    const errors = frames.filter((f) => f.body === 'error');
    expect(errors.map((f) => [f.id, f.value.code]).sort()).toEqual(
      [
        [0, 'CONTROL_BAD_REQUEST'],
        [0, 'CONTROL_BAD_REQUEST'],
        [5, 'CONTROL_BAD_REQUEST'],
        [6, 'CONTROL_BAD_REQUEST'],
        [7, 'CONTROL_UNKNOWN_REQUEST'],
        [8, 'CONTROL_BAD_REQUEST'],
        [9, 'CONTROL_BAD_REQUEST'],
        [10, 'CONTROL_BAD_REQUEST'],
        [11, 'CONTROL_BAD_REQUEST'],
        [0, 'CONTROL_FRAME_TOO_LARGE'],
      ].sort(),
    );
    expect(errors.find((f) => f.id === 10)?.value).toMatchObject({ key: 'amount_minor' });
    const answered = new Map(frames.filter((f) => f.body === 'response').map((f) => [f.id, f.value]));
    expect([...answered.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 12]);
    expect(answered.get(1)).toMatchObject({ sale: { outcome: 'approved', amountMinor: 1110 } });
    expect(answered.get(2)).toMatchObject({ sale: { outcome: 'declined', responseCode: '51' } });
    expect(answered.get(3)).toMatchObject({ sale: { outcome: 'approved', amountMinor: 1130 } });
    expect(answered.get(4)).toMatchObject({ sale: { outcome: 'approved', amountMinor: 1140 } });
    expect(answered.get(12)).toEqual({
      result: 'transactionStatus',
      transactionStatus: { tillId: 'toString', state: 'unknown' },
    });
    expect(frames).toHaveLength(1 + errors.length + answered.size);

    // 2. Clients that vanish right after writing a sale (one with its hello first), and one
    //    while its sale is at the host.
    for (const [i, amount] of [1210, 1220, 1230].entries())
      await vanishAfterWrite(
        path,
        i === 0 ? Buffer.concat([hello(1), sale(200 + i, amount)]) : sale(200 + i, amount),
      );
    // Sales run one at a time: every sale so far reaches the host before gone-mid does.
    const midBytes = sale(203, 1240);
    const atHost = hostRequests(world, '0200', sent.length);
    const midSale = connect(path);
    await new Promise<void>((r) => midSale.once('connect', () => r()));
    midSale.write(midBytes);
    await atHost; // its purchase is on the wire: the client goes before the answer
    midSale.destroy();

    // 3. Clients that half-close after their request (with and without their hello).
    const [h1, h2] = await Promise.all([
      exchangeFrames(path, Buffer.concat([hello(1), sale(301, 1310)])),
      exchangeFrames(path, sale(302, 1320)),
    ]);
    for (const [h, id] of [
      [h1, 301],
      [h2, 302],
    ] as const)
      expect(h).toEqual([
        expect.objectContaining({ id: 0, body: 'hello' }),
        {
          id,
          body: 'response',
          value: expect.objectContaining({ sale: expect.objectContaining({ outcome: 'approved' }) }),
        },
      ]);

    // 4. Every sale read is journalled with its final outcome; nothing refused or hidden ran.
    const purchases = () =>
      world.rt.journal.listTransactions({ limit: 1000 }).filter((t) => t.kind === 'purchase');
    await until(
      () => sent.every((x) => purchases().some((t) => t.amountMinor === x.amount && FINAL.has(t.state))),
      15_000,
      'every sale to reach its final state',
    );
    for (const x of sent) {
      const rows = purchases().filter((t) => t.amountMinor === x.amount);
      expect(rows, `journal rows for sale ${x.id}`).toHaveLength(1);
      expect(rows[0].state, `sale ${x.id}`).toBe(x.amount === 2051 ? 'declined' : 'approved');
    }
    expect(purchases()).toHaveLength(sent.length);
    for (const amount of NEVER)
      expect(
        purchases().some((t) => t.amountMinor === amount),
        `${amount}`,
      ).toBe(false);

    // 5. The runtime still answers; nothing is owed; the till ids named after JavaScript's own
    //    properties are kept like any other; the host's books match the journal.
    const status = await callApi(path, (c) => c.status());
    expect(status).toMatchObject({ pendingReversals: 0, signedOn: true });
    const proto = await callApi(path, (c) => c.transactionStatus({ tillId: '__proto__' }));
    expect(proto).toMatchObject({ state: 'done', result: { outcome: 'approved', amountMinor: 1130 } });
    expect(world.rt.journal.pendingReversals()).toEqual([]);
    expectLedgerAgrees(world.rt.journal, world.sim, world.profile.terminalId);
    const charged = world.sim
      .ledger(world.profile.terminalId)
      .filter((e) => e.responseCode === '00' && !e.reversed)
      .map((e) => e.amount)
      .sort();
    expect(charged).toEqual(
      sent
        .map((x) => x.amount)
        .filter((a) => a !== 2051)
        .sort(),
    );

    // 6. The replies to vanished clients were dropped at info; no error logged; no card data.
    const log = readFileSync(world.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; what?: string; id?: string });
    const dropped = log.filter((l) => l.msg === 'control reply dropped: client gone');
    for (const id of ['200', '201', '202', '203'])
      expect(dropped, `sale ${id}`).toContainEqual(expect.objectContaining({ level: 30, what: 'sale', id }));
    expect(log.filter((l) => l.level >= 50)).toEqual([]);
    expect(readFileSync(world.logFile, 'utf8')).not.toContain(PAN);
  });
});

const describeWithSocat = describeWithTool('socat', 'apt-get install socat');

describeWithSocat('issue 14.1 as reported, on the protobuf socket', () => {
  it('an encoded sale envelope | socat -t 20 - UNIX-CONNECT:<socket> prints the answer frame', async () => {
    w = await startWorld();
    const path = w.profile.control.socket!;
    const out = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('socat', ['-t', '20', '-', `UNIX-CONNECT:${path}`], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('error', reject);
      child.on('exit', () => resolve(Buffer.concat(chunks)));
      child.stdin.end(request(5, 'sale', { amountMinor: 888 }));
    });
    const { frames, rest } = decodeAll(out);
    expect(rest, 'socat printed whole frames').toBe(0);
    expect(frames).toEqual([
      expect.objectContaining({ id: 0, body: 'hello' }),
      {
        id: 5,
        body: 'response',
        value: expect.objectContaining({
          sale: expect.objectContaining({ outcome: 'approved', amountMinor: 888 }),
        }),
      },
    ]);
    const result = frames[1].value.sale as { id: number };
    expect(w.rt.journal.get(result.id)!.state).toBe('approved');
    expectLedgerAgrees(w.rt.journal, w.sim, w.profile.terminalId);
  });
});
