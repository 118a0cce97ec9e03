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
  decodeAll,
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

  it('the client gives a server error without a code as CONTROL_ERROR', async () => {
    const { createServer } = await import('node:net');
    const path = tempSocketPath();
    const srv = createServer((s) => {
      s.write(encodeEnvelope(0, 'hello', { apiMajor: 1, apiMinor: 0, software: 'odd', maxFrameBytes: 1024 }));
      s.on('data', (chunk: Buffer) => {
        for (const f of decodeAll(chunk).frames)
          if (f.body === 'request') s.write(encodeEnvelope(f.id, 'error', { code: '', message: '' }));
      });
    });
    await new Promise<void>((r) => srv.listen(path, r));
    const c = await PostermClient.connect(path);
    await expect(c.status()).rejects.toMatchObject({ code: 'CONTROL_ERROR', message: 'error' });
    await c.close();
    srv.close();
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

/**
 * What the JSON-lines server's tests proved, on the protobuf socket: names that are JavaScript's
 * own, invalid bytes, huge input arriving in pieces, handlers that fail with something other
 * than a PosError or answer what the wire cannot carry, ids that must come back exactly.
 */
describe('protections carried over from the JSON-lines server', () => {
  it("request kinds are field numbers: any number this server does not know is CONTROL_UNKNOWN_REQUEST; JavaScript's own names are plain till ids", async () => {
    const log = recordingLogger();
    const { api, path } = await startFake(log);
    // Request { field N: {} } for numbers past the known cases, up to the largest field number.
    const kinds = [17, 18, 99, 1000, 2 ** 29 - 1];
    const unknown = kinds.map((n, i) => {
      const tag = varint(n * 8 + 2);
      const req = Buffer.concat([tag, Buffer.from([0x00])]);
      return frame([0x08, 20 + i, 0x1a, req.length, ...req]);
    });
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
    const frames = await exchangeFrames(
      path,
      Buffer.concat([
        ...unknown,
        ...names.map((tillId, i) => request(40 + i, 'transactionStatus', { tillId })),
        ...names.map((tillId, i) => request(50 + i, 'sale', { amountMinor: 100 + i, tillId })),
      ]),
    );
    const byId = new Map(frames.slice(1).map((f) => [f.id, f]));
    for (const [i] of kinds.entries())
      expect(byId.get(20 + i)).toEqual(err(20 + i, 'CONTROL_UNKNOWN_REQUEST'));
    for (const [i, tillId] of names.entries()) {
      expect(byId.get(40 + i)?.value, tillId).toEqual({
        result: 'transactionStatus',
        transactionStatus: { tillId, state: 'unknown' },
      });
      expect(byId.get(50 + i)?.value, tillId).toMatchObject({
        result: 'sale',
        sale: { amountMinor: 100 + i },
      });
    }
    expect(api.salesDone).toEqual(names.map((tillId, i) => ({ amountMinor: 100 + i, tillId })));
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('strings that are not UTF-8 or not of the till-id alphabet are refused, not guessed', async () => {
    const { api, path } = await startFake();
    /** Envelope { id, request { sale { amount_minor: 5, till_id: raw bytes } } }. */
    const rawSale = (id: number, tillId: number[]) => {
      const sale = [0x08, 0x05, 0x1a, tillId.length, ...tillId];
      const req = [0x0a, sale.length, ...sale];
      return frame([0x08, id, 0x1a, req.length, ...req]);
    };
    const frames = await exchangeFrames(
      path,
      Buffer.concat([
        rawSale(1, [0xc3, 0x28]), // a broken two-byte sequence
        rawSale(2, [0xff, 0xfe, 0x41]),
        rawSale(3, [0xed, 0xa0, 0x80]), // a UTF-16 surrogate in UTF-8
        request(4, 'sale', { amountMinor: 5, tillId: '收银-1' }),
        request(5, 'sale', { amountMinor: 5, tillId: 'a\u0000b' }),
        request(6, 'transactionStatus', { tillId: 'a b' }),
        rawSale(7, [0x41, 0x42]), // the same framing with a good id runs
      ]),
    );
    // not UTF-8: the frame does not decode (its id is still read); not the alphabet: named
    expect(frames.slice(1, -1)).toEqual([
      ...[1, 2, 3].map((id) => ({
        id,
        body: 'error',
        value: { code: 'CONTROL_BAD_REQUEST', message: 'frame is not a posterm.v1.Envelope', key: '' },
      })),
      ...[4, 5, 6].map((id) => ({
        id,
        body: 'error',
        value: expect.objectContaining({ code: 'CONTROL_BAD_REQUEST', key: 'till_id' }),
      })),
    ]);
    expect(frames.at(-1)).toMatchObject({ id: 7, body: 'response' });
    expect(api.calls).toEqual([{ method: 'sale', req: { amountMinor: 5, tillId: 'AB' } }]);
  });

  it('a length over the limit arriving byte by byte, its body in pieces: answered once, nothing after it runs', async () => {
    const { api, path } = await startFake();
    const s = await connected(path);
    const r = reader(s);
    const ended = new Promise((resolve) => s.once('end', resolve));
    await r.next(1);
    s.write(request(1, 'status'));
    await r.next(2);
    for (const b of varint(200 * 1024)) s.write(Buffer.from([b]));
    for (let i = 0; i < 40; i++) s.write(Buffer.alloc(4096, 0x41));
    s.write(request(2, 'sale', { amountMinor: 9 }));
    await ended;
    s.destroy();
    expect(r.seen.slice(1)).toEqual([
      expect.objectContaining({ id: 1, body: 'response' }),
      err(0, 'CONTROL_FRAME_TOO_LARGE'),
    ]);
    expect(api.calls.map((c) => c.method)).toEqual(['status']);
  });

  it('an API that throws something other than a PosError (sync, async, null) or answers what the wire cannot carry: CONTROL_INTERNAL, logged masked, the server serves on', async () => {
    const log = recordingLogger();
    const { api, path } = await startFake(log);
    api.saleImpl = async (req) => {
      if (req.tillId === 'async') throw new Error('boom 6212345600000012');
      if (req.tillId === 'null') throw null;
      return { ...APPROVED, amountMinor: req.amountMinor };
    };
    api.abort = () => {
      throw new TypeError('sync boom 6212345600000012');
    };
    // rows that are not a list: the answer cannot be encoded
    api.queueList = async () => 5 as unknown as [];
    // an answer over the largest reply frame
    api.status = async () => ({
      ...(await new FakeRuntimeApi().status()),
      profile: 'p'.repeat(5 * 1024 * 1024),
    });
    api.subscribe = () => {
      throw new RangeError('subscribe boom');
    };
    const frames = await exchangeFrames(
      path,
      Buffer.concat([
        request(1, 'sale', { amountMinor: 1, tillId: 'async' }),
        request(2, 'sale', { amountMinor: 1, tillId: 'null' }),
        request(3, 'abort', {}),
        request(4, 'queueList', {}),
        request(5, 'status'),
        request(6, 'subscribe', { fromSeq: 0 }),
        request(7, 'sale', { amountMinor: 2 }),
      ]),
    );
    const byId = new Map(frames.slice(1).map((f) => [f.id, f]));
    for (const id of [1, 2, 3, 4, 5, 6])
      expect(byId.get(id), `request ${id}`).toEqual({
        id,
        body: 'error',
        value: { code: 'CONTROL_INTERNAL', message: 'internal error', key: '' },
      });
    expect(byId.get(7)).toMatchObject({ body: 'response', value: { sale: { amountMinor: 2 } } });
    const errors = log.entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => e.msg).sort()).toEqual([
      'control answer not encodable',
      'control answer not encodable',
      'control call failed',
      'control call failed',
      'control call failed',
      'control subscribe failed',
    ]);
    expect(JSON.stringify(log.entries)).not.toContain('6212345600000012');
    const c = await PostermClient.connect(path);
    expect((await c.sale({ amountMinor: 3 })).amountMinor).toBe(3);
    await c.close();
  });

  it('a request id is echoed exactly, up to 2^64 - 1, also on an error', async () => {
    const { path } = await startFake();
    const s = await connected(path);
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => s.once('end', resolve));
    const big = '18446744073709551615';
    const near = '9007199254740993'; // 2^53 + 1: not a safe JavaScript number
    s.end(
      Buffer.concat([
        Buffer.from(encodeEnvelope(big as never, 'request', { status: {} })),
        Buffer.from(encodeEnvelope(near as never, 'request', { sale: { amountMinor: 0 } })),
      ]),
    );
    await ended;
    const { DelimitedFramer } = await import('../../src/control/DelimitedFramer.js');
    const { decodeEnvelope } = await import('../../src/control/protoCodec.js');
    const ids = new DelimitedFramer(MAX_FRAME_BYTES * 64).push(Buffer.concat(chunks)).map((item) => {
      if (item.kind !== 'frame') throw new Error('too large');
      const d = decodeEnvelope(item.bytes);
      if (!d.ok) throw new Error('does not decode');
      return [String(d.env.id), d.env.body];
    });
    expect(ids[0]).toEqual(['0', 'hello']);
    // answers come in completion order
    expect(ids.slice(1)).toEqual(
      expect.arrayContaining([
        [big, 'response'],
        [near, 'error'],
      ]),
    );
    expect(ids).toHaveLength(3);
  });
});
