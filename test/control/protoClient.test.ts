/** Every call and event of the control API through the socket, from the exported client, over a fake API. */
import { afterEach, describe, expect, it } from 'vitest';
import { PostermClient } from '../../src/client.js';
import { API_MAJOR, MAX_FRAME_BYTES } from '../../src/control/protoCodec.js';
import { PosError } from '../../src/errors.js';
import type { RuntimeEvent } from '../../src/runtime/RuntimeApi.js';
import { tempSocketPath } from './controlTestKit.js';
import {
  APPROVED,
  EVENTS,
  FAILED,
  FORWARD,
  REPORT_CONTENT,
  ROWS,
  SETTLED,
  SETTLEMENT_STATUS,
  SETTLEMENT_TIMELINE,
  STATUS,
  TRACK_REPORT,
} from './FakeRuntimeApi.js';
import { nextServerSideClose, startFake, stopAll } from './protoKit.js';

const clients: PostermClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await stopAll();
});

async function client(path: string, timeoutMs?: number): Promise<PostermClient> {
  const c = await PostermClient.connect(path, { timeoutMs });
  clients.push(c);
  return c;
}

describe('PostermClient over the protobuf control socket', () => {
  it('connect: the server says hello with its version and frame limit', async () => {
    const { path } = await startFake();
    const c = await client(path);
    expect(c.server).toEqual({
      apiMajor: API_MAJOR,
      apiMinor: 3,
      software: 'posterm',
      maxFrameBytes: MAX_FRAME_BYTES,
    });
  });

  it('every call reaches the API with its arguments and its answer comes back whole', async () => {
    const { api, path } = await startFake();
    const c = await client(path);
    expect(await c.sale({ amountMinor: 1234, tillId: 'till-1' })).toEqual(APPROVED);
    expect(await c.sale({ amountMinor: 999_999_999_999, mode: 'force-offline' })).toMatchObject({
      amountMinor: 999_999_999_999,
    });
    expect(await c.void({ rrn: '123456789012', tillId: 'v:1' })).toEqual({ ...APPROVED, kind: 'void' });
    expect(await c.refund({ rrn: '123456789012', amountMinor: 200, tillId: 'r.1' })).toEqual({
      ...APPROVED,
      kind: 'refund',
      amountMinor: 200,
    });
    const { amountMinor: _, ...inquiry } = APPROVED;
    expect(await c.inquiry({ tillId: 'i_1' })).toEqual({
      ...inquiry,
      kind: 'inquiry',
      balance: 'C000001234567',
    });
    expect(await c.transactionStatus({ tillId: 'done-1' })).toEqual({
      tillId: 'done-1',
      state: 'done',
      result: FAILED,
    });
    expect(await c.transactionStatus({ tillId: 'nope' })).toEqual({ tillId: 'nope', state: 'unknown' });
    expect(await c.abort({ tillId: 'till-1' })).toEqual({ outcome: 'too-late' });
    expect(await c.abort()).toEqual({ outcome: 'nothing' });
    expect(await c.queueList({ all: true })).toEqual(ROWS);
    expect(await c.queueForward()).toEqual(FORWARD);
    expect(await c.settle()).toEqual(SETTLED);
    expect(await c.status()).toEqual(STATUS);
    expect(await c.settlementStatus()).toEqual(SETTLEMENT_STATUS);
    expect(await c.settlementTimeline({ rrn: '123456789012' })).toEqual(SETTLEMENT_TIMELINE);
    expect(await c.settlementTrack()).toEqual(TRACK_REPORT);
    await expect(c.settlementTimeline({ rrn: 'short' })).rejects.toMatchObject({
      code: 'CONTROL_BAD_REQUEST',
      context: { key: 'rrn' },
    });
    const report = await c.settlementReport({
      format: 'html',
      lang: 'zh',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(report).toEqual({ format: 'html', transactions: 2, content: expect.any(Uint8Array) });
    expect(Buffer.from(report.content)).toEqual(Buffer.from(REPORT_CONTENT));
    expect((await c.settlementReport({ format: 'protobuf', batch: '000123' })).format).toBe('protobuf');
    await expect(c.settlementReport({ format: 'pdf' as 'html' })).rejects.toMatchObject({
      code: 'CONTROL_BAD_REQUEST',
      context: { key: 'format' },
    });
    await expect(
      c.settlementReport({ format: 'json', batch: '000123', from: '2026-03-01' }),
    ).rejects.toMatchObject({
      code: 'CONTROL_BAD_REQUEST',
      context: { key: 'batch' },
    });
    expect(api.calls).toEqual([
      { method: 'sale', req: { amountMinor: 1234, tillId: 'till-1' } },
      { method: 'sale', req: { amountMinor: 999_999_999_999, mode: 'force-offline' } },
      { method: 'void', req: { rrn: '123456789012', tillId: 'v:1' } },
      { method: 'refund', req: { rrn: '123456789012', amountMinor: 200, tillId: 'r.1' } },
      { method: 'inquiry', req: { tillId: 'i_1' } },
      { method: 'transactionStatus', req: { tillId: 'done-1' } },
      { method: 'transactionStatus', req: { tillId: 'nope' } },
      { method: 'abort', req: { tillId: 'till-1' } },
      { method: 'abort', req: {} },
      { method: 'queueList', req: { all: true } },
      { method: 'queueForward', req: undefined },
      { method: 'settle', req: undefined },
      { method: 'status', req: undefined },
      { method: 'settlementStatus', req: undefined },
      { method: 'settlementTimeline', req: { rrn: '123456789012' } },
      { method: 'settlementTrack', req: undefined },
      {
        method: 'settlementReport',
        req: { format: 'html', lang: 'zh', from: '2026-03-01', to: '2026-03-31' },
      },
      { method: 'settlementReport', req: { format: 'protobuf', lang: 'en', batch: '000123' } },
    ]);
  });

  it('calls in flight together are matched to their answers', async () => {
    const { api, path } = await startFake();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    api.saleImpl = async (req) => {
      if (req.tillId === 'slow') await held;
      return { ...APPROVED, amountMinor: req.amountMinor };
    };
    const c = await client(path);
    const slow = c.sale({ amountMinor: 1, tillId: 'slow' });
    const fast = await Promise.all([c.sale({ amountMinor: 2 }), c.status(), c.sale({ amountMinor: 3 })]);
    expect(fast.map((r) => ('terminalId' in r ? r.terminalId : r.amountMinor))).toEqual([2, '12345678', 3]);
    release();
    expect((await slow).amountMinor).toBe(1);
  });

  it("the API's coded errors pass through; anything else is CONTROL_INTERNAL; bad arguments are CONTROL_BAD_REQUEST", async () => {
    const { api, path } = await startFake();
    const c = await client(path);
    api.saleImpl = async () => {
      throw new PosError('TXN_STOPPING', 'the runtime is stopping', { key: 'sale' });
    };
    await expect(c.sale({ amountMinor: 1 })).rejects.toMatchObject({
      code: 'TXN_STOPPING',
      message: 'the runtime is stopping',
      context: { key: 'sale' },
    });
    api.saleImpl = async () => {
      throw new Error('boom');
    };
    await expect(c.sale({ amountMinor: 1 })).rejects.toMatchObject({ code: 'CONTROL_INTERNAL' });
    const bad: [() => Promise<unknown>, string][] = [
      [() => c.sale({ amountMinor: 0 }), 'amount_minor'],
      [() => c.sale({ amountMinor: 1_000_000_000_000 }), 'amount_minor'],
      [() => c.sale({ amountMinor: 1, tillId: 'has space' }), 'till_id'],
      [() => c.sale({ amountMinor: 1, tillId: 'x'.repeat(65) }), 'till_id'],
      [() => c.refund({ rrn: '1', amountMinor: 1 }), 'rrn'],
      [() => c.void({ rrn: '' }), 'rrn'],
      [() => c.transactionStatus({ tillId: '' }), 'till_id'],
    ];
    for (const [call, key] of bad)
      await expect(call()).rejects.toMatchObject({ code: 'CONTROL_BAD_REQUEST', context: { key } });
    expect(api.calls.map((x) => x.method)).toEqual(['sale', 'sale']);
    expect((await c.status()).profile).toBe('emulator');
  });

  it('subscribe: the kept history after from_seq, then live events, each event type whole; unsubscribe stops them', async () => {
    const { api, path } = await startFake();
    for (const e of EVENTS.slice(0, 3)) api.emit(e);
    const c = await client(path);
    const got: RuntimeEvent[] = [];
    let wake: (() => void) | undefined;
    const until = (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => got.length >= n && resolve();
        wake();
      });
    const sub = await c.subscribe(1, (e) => {
      got.push(e);
      wake?.();
    });
    await until(2);
    expect(got).toEqual(EVENTS.slice(1, 3)); // replay after seq 1
    for (const e of EVENTS.slice(3)) api.emit(e);
    await until(5);
    expect(got).toEqual(EVENTS.slice(1));
    await sub.close();
    expect(api.subscribers).toBe(0);
    api.emit({ ...EVENTS[4], seq: 7 });
    await c.status(); // anything sent after the event arrives after it
    expect(got).toHaveLength(5);
  });

  it('a subscription ends when its client disconnects', async () => {
    const { api, path, server } = await startFake();
    const closedOnServer = nextServerSideClose(server);
    const c = await PostermClient.connect(path);
    let ended: PosError | undefined;
    await c.subscribe(
      0,
      () => {},
      (e) => {
        ended = e;
      },
    );
    expect(api.subscribers).toBe(1);
    await c.close();
    expect(ended?.code).toBe('CONTROL_CLOSED');
    await closedOnServer;
    expect(api.subscribers).toBe(0);
  });

  it('coded client errors: CONTROL_UNREACHABLE, CONTROL_TIMEOUT, CONTROL_CLOSED', async () => {
    await expect(PostermClient.connect(tempSocketPath('none.sock'))).rejects.toMatchObject({
      code: 'CONTROL_UNREACHABLE',
    });
    const { api, path, server } = await startFake();
    api.saleImpl = () => new Promise(() => {}); // never answers
    const c = await client(path, 5);
    await expect(c.sale({ amountMinor: 1 })).rejects.toMatchObject({ code: 'CONTROL_TIMEOUT' });
    const c2 = await PostermClient.connect(path);
    const pending = c2.sale({ amountMinor: 1 }).catch((e) => e);
    await server.close();
    expect(await pending).toMatchObject({ code: 'CONTROL_CLOSED' });
    await expect(c2.status()).rejects.toMatchObject({ code: 'CONTROL_CLOSED' });
  });
});
