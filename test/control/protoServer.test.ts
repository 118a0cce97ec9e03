/** The protobuf control socket under unhappy paths: garbage, limits, vanishing and half-closing clients, versions. */
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PostermClient } from '../../src/client.js';
import { startControlServer } from '../../src/control/ProtoControlServer.js';
import { encodeEnvelope, MAX_FRAME_BYTES } from '../../src/control/protoCodec.js';
import { silentLogger } from '../../src/log.js';
import { recordingLogger, tempSocketPath } from './controlTestKit.js';
import { APPROVED, FakeRuntimeApi } from './FakeRuntimeApi.js';
import {
  connected,
  exchangeFrames,
  hello,
  nextServerSideEnd,
  reader,
  request,
  startFake,
  stopAll,
  varint,
} from './protoKit.js';

afterEach(stopAll);

const frame = (bytes: Buffer | number[]) => Buffer.concat([varint(bytes.length), Buffer.from(bytes)]);
const err = (id: number, code: string) => ({ id, body: 'error', value: expect.objectContaining({ code }) });

describe('bad input gets coded errors and the server keeps serving', () => {
  it('garbage frames, envelopes that are not requests, an unknown request kind', async () => {
    const { api, path } = await startFake();
    const unknownKind = [0x08, 0x03, 0x1a, 0x03, 0x98, 0x06, 0x01]; // id 3, request { field 99: 1 }
    const idThenGarbage = [0x08, 0x05, 0x12, 0xff, 0xff, 0xff]; // id 5, then a length past the end
    const frames = await exchangeFrames(
      path,
      Buffer.concat([
        frame([0xff, 0xff, 0xff, 0xff, 0xff]),
        frame(idThenGarbage),
        frame([]), // an envelope without a body
        Buffer.from(encodeEnvelope(4, 'response', { status: {} })),
        Buffer.from(encodeEnvelope(6, 'event', { seq: 1, at: 'x' })),
        frame(unknownKind),
        hello(1, 9), // a hello that is not the first message
        request(7, 'sale', { amountMinor: 1, tillId: '__proto__' }),
      ]),
    );
    expect(frames[0]).toMatchObject({ id: 0, body: 'hello' });
    expect(frames.slice(1)).toEqual([
      err(0, 'CONTROL_BAD_REQUEST'),
      err(5, 'CONTROL_BAD_REQUEST'),
      err(0, 'CONTROL_BAD_REQUEST'),
      err(4, 'CONTROL_BAD_REQUEST'),
      err(6, 'CONTROL_BAD_REQUEST'),
      err(3, 'CONTROL_UNKNOWN_REQUEST'),
      err(9, 'CONTROL_BAD_REQUEST'),
      { id: 7, body: 'response', value: { result: 'sale', sale: { ...APPROVED, amountMinor: 1 } } },
    ]);
    expect(api.calls).toEqual([{ method: 'sale', req: { amountMinor: 1, tillId: '__proto__' } }]);
  });

  it('a frame over the limit: answered CONTROL_FRAME_TOO_LARGE once, earlier requests answered, then closed', async () => {
    const log = recordingLogger();
    const { api, path } = await startFake(log);
    let release!: () => void;
    api.saleImpl = (req) =>
      new Promise((resolve) => {
        release = () => resolve({ ...APPROVED, amountMinor: req.amountMinor });
      });
    const s = await connected(path);
    const r = reader(s);
    s.write(request(1, 'sale', { amountMinor: 5 }));
    await r.next(1);
    // A length over the limit, with a valid request hidden behind it: it must not run.
    s.write(Buffer.concat([varint(MAX_FRAME_BYTES + 1), request(2, 'status'), Buffer.alloc(100)]));
    await r.next(2);
    expect(r.seen[1]).toMatchObject(err(0, 'CONTROL_FRAME_TOO_LARGE'));
    const closed = new Promise((resolve) => s.once('end', resolve));
    release();
    await closed;
    expect(r.seen.slice(2)).toEqual([
      {
        id: 1,
        body: 'response',
        value: { result: 'sale', sale: expect.objectContaining({ amountMinor: 5 }) },
      },
    ]);
    expect(api.calls.map((c) => c.method)).toEqual(['sale']);
    expect(log.entries.some((e) => e.msg === 'control frame too large')).toBe(true);
    expect((await (await PostermClient.connect(path)).status()).profile).toBe('emulator');
  });

  it('a frame of exactly the limit is read (and is a bad request, being padding)', async () => {
    const { path } = await startFake();
    const frames = await exchangeFrames(path, frame(Buffer.alloc(MAX_FRAME_BYTES, 0xff)));
    expect(frames.slice(1)).toEqual([err(0, 'CONTROL_BAD_REQUEST')]);
  });

  it('a frame cut short by the end of the stream is logged and dropped; the rest is answered', async () => {
    const log = recordingLogger();
    const { path } = await startFake(log);
    const whole = request(8, 'status');
    const frames = await exchangeFrames(path, Buffer.concat([whole, varint(100), Buffer.alloc(10)]));
    expect(frames.map((f) => [f.id, f.body])).toEqual([
      [0, 'hello'],
      [8, 'response'],
    ]);
    const cut = await log.waitFor((e) => e.msg === 'control frame cut short at end; dropped');
    expect(cut.obj).toEqual({ have: 11, want: 100 });
  });
});

describe('versions', () => {
  it('a client hello of another major version: CONTROL_VERSION_MISMATCH, nothing after it runs, closed', async () => {
    const { api, path } = await startFake();
    const frames = await exchangeFrames(
      path,
      Buffer.concat([hello(2, 11), request(12, 'sale', { amountMinor: 1 })]),
    );
    expect(frames.map((f) => [f.id, f.body])).toEqual([
      [0, 'hello'],
      [11, 'error'],
    ]);
    expect(frames[1].value).toMatchObject({ code: 'CONTROL_VERSION_MISMATCH', key: 'api_major' });
    expect(api.calls).toEqual([]);
  });

  it('a client hello of this major version, then requests', async () => {
    const { path } = await startFake();
    const frames = await exchangeFrames(path, Buffer.concat([hello(1), request(1, 'status')]));
    expect(frames.map((f) => [f.id, f.body])).toEqual([
      [0, 'hello'],
      [1, 'response'],
    ]);
  });

  it('the client refuses a server of another major version', async () => {
    const { createServer } = await import('node:net');
    const path = tempSocketPath();
    const srv = createServer((s) =>
      s.end(encodeEnvelope(0, 'hello', { apiMajor: 2, apiMinor: 0, software: 'future', maxFrameBytes: 1 })),
    );
    await new Promise<void>((r) => srv.listen(path, r));
    await expect(PostermClient.connect(path)).rejects.toMatchObject({ code: 'CONTROL_VERSION_MISMATCH' });
    const junk = tempSocketPath();
    const srv2 = createServer((s) => s.end('{"id":1}\n'));
    await new Promise<void>((r) => srv2.listen(junk, r));
    await expect(PostermClient.connect(junk)).rejects.toMatchObject({ code: 'CONTROL_BAD_RESPONSE' });
    srv.close();
    srv2.close();
  });
});

describe('half-close and clients that go away', () => {
  it('answers every request read after the client half-closes, then ends', async () => {
    const { api, path } = await startFake();
    let release!: () => void;
    let started!: () => void;
    const inSale = new Promise<void>((r) => {
      started = r;
    });
    api.saleImpl = (req) =>
      new Promise((resolve) => {
        release = () => resolve({ ...APPROVED, amountMinor: req.amountMinor });
        started();
      });
    const s = await connected(path);
    const r = reader(s);
    const ended = new Promise((resolve) => s.once('end', resolve));
    s.write(request(1, 'sale', { amountMinor: 77 }));
    await inSale;
    s.end(request(2, 'status'));
    await r.next(2);
    expect(r.seen[1]).toMatchObject({ id: 2, body: 'response' });
    release();
    await ended;
    expect(r.seen.map((f) => [f.id, f.body])).toEqual([
      [0, 'hello'],
      [2, 'response'],
      [1, 'response'],
    ]);
  });

  it('a client killed mid-sale: the sale completes, the reply is dropped and logged at info, the server serves on', async () => {
    const log = recordingLogger();
    const { api, path, server } = await startFake(log);
    let release!: () => void;
    let started!: () => void;
    const inSale = new Promise<void>((r) => {
      started = r;
    });
    api.saleImpl = (req) =>
      new Promise((resolve) => {
        release = () => resolve({ ...APPROVED, amountMinor: req.amountMinor });
        started();
      });
    const gone = nextServerSideEnd(server);
    const s = await connected(path);
    s.write(request(42, 'sale', { amountMinor: 888, tillId: 'till-42' }));
    await inSale;
    s.destroy();
    await gone;
    release();
    const dropped = await log.waitFor((e) => e.msg === 'control reply dropped: client gone');
    expect(dropped.level).toBe('info');
    expect(dropped.obj).toMatchObject({ what: 'sale', id: '42' });
    expect(['EPIPE', 'ECONNRESET', undefined]).toContain(dropped.obj.errno);
    expect(api.salesDone).toEqual([{ amountMinor: 888, tillId: 'till-42' }]);
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
    const c = await PostermClient.connect(path);
    expect((await c.status()).terminalId).toBe('12345678');
    await c.close();
  });
});

describe('backpressure', () => {
  it('a subscriber that does not read is cut with CONTROL_SUBSCRIBER_TOO_SLOW; unsent bytes stay bounded', async () => {
    const highWater = 64 * 1024;
    const { api, path, server } = await startFake(silentLogger, { writeHighWater: highWater });
    const s = await connected(path);
    s.pause(); // never reads until the end
    s.write(request(5, 'subscribe', { fromSeq: 0 }));
    while (api.subscribers === 0) await new Promise((res) => setImmediate(res));
    const conn = [...(server as unknown as { conns: Set<{ socket: import('node:net').Socket }> }).conns][0];
    let maxUnsent = 0;
    let seq = 0;
    const reason = 'r'.repeat(1000);
    while (api.subscribers > 0 && seq < 100_000) {
      api.emit({ seq: ++seq, at: 'now', type: 'reader', state: 'unavailable', reason });
      maxUnsent = Math.max(maxUnsent, conn.socket.writableLength);
      if (seq % 50 === 0) await new Promise((res) => setImmediate(res));
    }
    expect(api.subscribers).toBe(0);
    expect(maxUnsent).toBeLessThan(highWater + 2 * 1024);
    const r = reader(s);
    s.resume();
    s.end();
    await new Promise((resolve) => s.once('end', resolve));
    const last = r.seen.at(-1)!;
    expect(last).toMatchObject(err(5, 'CONTROL_SUBSCRIBER_TOO_SLOW'));
    const events = r.seen.filter((f) => f.body === 'event').map((f) => f.value.seq);
    expect(events).toEqual(events.map((_, i) => i + 1)); // in order, none skipped before the cut
  });
});

describe('socket file', () => {
  it('startControlServer: mode 0660, our group, and a second server on the same path is refused', async () => {
    const path = tempSocketPath();
    const api = new FakeRuntimeApi();
    const gid = process.getgid!();
    const a = await startControlServer(api, path, { group: gid }, silentLogger);
    try {
      expect(statSync(path).mode & 0o777).toBe(0o660);
      expect(statSync(path).gid).toBe(gid);
      await expect(startControlServer(api, path, {}, silentLogger)).rejects.toMatchObject({
        code: 'CONTROL_SOCKET_IN_USE',
      });
      const c = await PostermClient.connect(path);
      expect((await c.status()).signedOn).toBe(true);
      await c.close();
    } finally {
      await a.close();
    }
  });
});
