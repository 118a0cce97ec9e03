/** Helpers for the protobuf control API tests: a server over a fake API, raw framed exchanges. */
import { connect, type Server, type Socket } from 'node:net';
import { DelimitedFramer } from '../../src/control/DelimitedFramer.js';
import { type ProtoControlOptions, ProtoControlServer } from '../../src/control/ProtoControlServer.js';
import { decodeEnvelope, EnvelopeType, encodeEnvelope, fromWire } from '../../src/control/protoCodec.js';
import { type Logger, silentLogger } from '../../src/log.js';
import { tempSocketPath } from './controlTestKit.js';
import { FakeRuntimeApi } from './FakeRuntimeApi.js';

export interface Started {
  api: FakeRuntimeApi;
  server: ProtoControlServer;
  path: string;
}

const started: ProtoControlServer[] = [];

export async function startFake(
  log: Logger = silentLogger,
  opts: ProtoControlOptions = {},
): Promise<Started> {
  const api = new FakeRuntimeApi();
  const server = new ProtoControlServer(api, log, opts);
  const path = tempSocketPath();
  await server.listen(path);
  started.push(server);
  return { api, server, path };
}

export async function stopAll(): Promise<void> {
  for (const s of started.splice(0)) await s.close();
}

/** A decoded envelope as the tests look at it: id, body case and the TypeScript-shaped body. */
export interface Seen {
  id: number;
  body?: string;
  value: Record<string, unknown>;
}

export function decodeAll(bytes: Buffer): { frames: Seen[]; rest: number } {
  const framer = new DelimitedFramer(16 * 1024 * 1024);
  const frames = framer.push(bytes).map((item) => {
    if (item.kind !== 'frame') throw new Error('server frame too large');
    const d = decodeEnvelope(item.bytes);
    if (!d.ok) throw new Error('server frame does not decode');
    const all = fromWire(EnvelopeType, d.env.message);
    return { id: Number(d.env.id), body: d.env.body, value: all[d.env.body!] as Record<string, unknown> };
  });
  const cut = framer.end();
  return { frames, rest: cut?.have ?? 0 };
}

/**
 * Writes `data`, half-closes, and collects every envelope until the server ends the connection
 * (the server's hello first).
 */
export function exchangeFrames(path: string, data: Buffer): Promise<Seen[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ path, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    s.on('connect', () => s.end(data));
    s.on('error', reject);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => {
      try {
        resolve(decodeAll(Buffer.concat(chunks)).frames);
      } catch (e) {
        reject(e);
      }
    });
  });
}

export function request(id: number, call: string, params: Record<string, unknown> = {}): Buffer {
  return Buffer.from(encodeEnvelope(id, 'request', { [call]: params }));
}

export function hello(apiMajor: number, id = 0): Buffer {
  return Buffer.from(
    encodeEnvelope(id, 'hello', { apiMajor, apiMinor: 0, software: 'test', maxFrameBytes: 1024 }),
  );
}

/** A varint length prefix. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

export function connected(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ path, allowHalfOpen: true });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects envelopes from a raw socket; `next(n)` resolves once n have come in total. */
export function reader(s: Socket) {
  let buf = Buffer.alloc(0);
  const seen: Seen[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  s.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    const framer = new DelimitedFramer(16 * 1024 * 1024);
    const items = framer.push(buf);
    const consumed = buf.length - (framer.end()?.have ?? 0);
    buf = buf.subarray(consumed);
    seen.push(
      ...decodeAll(Buffer.concat(items.map((i) => (i.kind === 'frame' ? frameOf(i.bytes) : Buffer.alloc(0)))))
        .frames,
    );
    for (const w of [...waiters])
      if (seen.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  return {
    seen,
    async next(n: number): Promise<Seen[]> {
      if (seen.length < n) await new Promise<void>((resolve) => waiters.push({ n, resolve }));
      return seen.slice(0, n);
    },
  };
}

function frameOf(bytes: Buffer): Buffer {
  return Buffer.concat([varint(bytes.length), bytes]);
}

/** The private net.Server, to order "client gone" before "call finishes" without sleeping. */
export function nextServerSideClose(server: ProtoControlServer): Promise<void> {
  const net = (server as unknown as { server: Server }).server;
  return new Promise((resolve) => net.once('connection', (s: Socket) => s.once('close', () => resolve())));
}

/** Resolves when the server side of the next connection has seen the client's end (or reset). */
export function nextServerSideEnd(server: ProtoControlServer): Promise<void> {
  const net = (server as unknown as { server: Server }).server;
  return new Promise((resolve) =>
    net.once('connection', (s: Socket) => {
      s.once('end', () => resolve());
      s.once('close', () => resolve());
    }),
  );
}
