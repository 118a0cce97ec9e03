/** FlakyProxy, the network cut of the chaos run. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlakyProxy } from '../../src/emulator/FlakyProxy.js';

let echo: net.Server | undefined;
let proxy: FlakyProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  proxy = undefined;
  echo = undefined;
});

async function start(): Promise<FlakyProxy> {
  echo = net.createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo!.listen(0, '127.0.0.1', () => r()));
  proxy = await FlakyProxy.start({ targetPort: (echo.address() as net.AddressInfo).port });
  return proxy;
}

type Outcome =
  | { kind: 'echo'; text: string }
  | { kind: 'error'; code: string }
  | { kind: 'closed' }
  | { kind: 'silent' };

/** Connects, sends text, reports what came back within waitMs. */
function probe(port: number, text = 'ping', waitMs = 300): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const done = (o: Outcome) => {
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done(got ? { kind: 'echo', text: got } : { kind: 'silent' }), waitMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(text));
    s.on('data', (d: string) => {
      got += d;
      if (got === text) done({ kind: 'echo', text: got });
    });
    s.on('error', (e: NodeJS.ErrnoException) => done({ kind: 'error', code: e.code ?? 'unknown' }));
    s.on('close', () => done(got ? { kind: 'echo', text: got } : { kind: 'closed' }));
  });
}

describe('FlakyProxy', () => {
  it('forwards both ways while up', async () => {
    const p = await start();
    expect(await probe(p.port, 'hello')).toEqual({ kind: 'echo', text: 'hello' });
    expect(p.stats.forwarded).toBe(1);
  });

  it('refuse: new connections are refused; restore forwards again on the same port', async () => {
    const p = await start();
    const port = p.port;
    await p.cut('refuse');
    expect(p.isCut).toBe(true);
    expect(await probe(port)).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
    await p.restore();
    expect(p.port).toBe(port);
    expect(await probe(port)).toEqual({ kind: 'echo', text: 'ping' });
  });

  it('reset: connections are accepted and closed at once', async () => {
    const p = await start();
    await p.cut('reset');
    const o = await probe(p.port);
    expect(['closed', 'error']).toContain(o.kind);
    if (o.kind === 'error') expect(o.code).toBe('ECONNRESET');
    expect(p.stats.refusedOrReset).toBe(1);
  });

  it('blackhole: connections are accepted and never answered', async () => {
    const p = await start();
    await p.cut('blackhole');
    expect(await probe(p.port)).toEqual({ kind: 'silent' });
    expect(p.stats.swallowed).toBe(1);
  });

  it('a cut destroys the connections that are open', async () => {
    const p = await start();
    const s = net.connect(p.port, '127.0.0.1');
    s.on('error', () => {});
    await new Promise<void>((r) => s.on('connect', () => r()));
    await new Promise((r) => setTimeout(r, 50));
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    await p.cut('reset');
    await closed;
    expect(s.destroyed).toBe(true);
    expect(p.stats.cuts).toBe(1);
  });
});
