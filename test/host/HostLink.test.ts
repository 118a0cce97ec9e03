import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTpdu, swapTpdu } from '../../src/host/framing.js';
import type { HostLink } from '../../src/host/HostLink.js';
import { FakeAcquirer } from './FakeAcquirer.js';
import { echoTest, flush, makeLink, purchase, rejection, rejectionCode, TPDU, until } from './linkHelpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Parameters<typeof makeLink>[1] = {}) {
  const fa = await FakeAcquirer.start();
  const { link, clock } = makeLink(fa.port, extra);
  cleanups.push(
    () => fa.close(),
    () => link.close(),
  );
  return { fa, link, clock };
}

function record(link: HostLink) {
  const events: { name: string; payload: Record<string, unknown> }[] = [];
  for (const name of [
    'connected',
    'disconnected',
    'failover',
    'failback',
    'late-response',
    'stray',
  ] as const) {
    link.on(name, (payload: object) => events.push({ name, payload: payload as Record<string, unknown> }));
  }
  return events;
}

describe('HostLink request/response', () => {
  it('connects lazily, frames the request and returns the matching response', async () => {
    const { fa, link } = await setup();
    await flush();
    expect(fa.sockets).toHaveLength(0); // nothing opened by the constructor
    const events = record(link);
    fa.onRequest = (r) => fa.answer(r, { fields: { 38: 'AB1234' } });
    const res = await link.request(purchase('000321'));
    expect(res.message.mti).toBe('0210');
    expect(res.message.fields[11]).toBe('000321');
    expect(res.message.fields[38]).toBe('AB1234');
    expect(res.header.processingRequirement).toBe(0);
    expect(res.tpdu).toEqual(swapTpdu(parseTpdu(TPDU)));
    expect(res.rawBody.subarray(0, 2).toString('hex')).toBe('0210');
    expect(res.timings.waitMs).toBeGreaterThanOrEqual(0);
    const req = await fa.request(1);
    expect(req.frame.tpdu).toEqual(parseTpdu(TPDU));
    expect(req.frame.header.softwareVersion).toBe('310000');
    expect(req.message.fields[2]).toBe('6258091234567890123');
    expect(events.map((e) => e.name)).toEqual(['connected']);
    expect(link.stats).toMatchObject({ requests: 1, responses: 1, stray: 0, late: 0, badTpdu: 0 });
  });

  it('passes the processing requirement of the response header through', async () => {
    const { fa, link } = await setup();
    fa.onRequest = (r) => fa.answer(r, { processingRequirement: 3 });
    const res = await link.request(echoTest('000007'));
    expect(res.message.mti).toBe('0830');
    expect(res.header.processingRequirement).toBe(3);
  });

  it('sends pre-packed bytes when given', async () => {
    const { fa, link } = await setup();
    fa.onRequest = (r) => fa.answer(r);
    const msg = purchase('000400');
    const packed = (await import('../../src/host/cupPosCodec.js')).cupPosCodec().pack(msg);
    await link.request(msg, { packed });
    expect((await fa.request(1)).frame.body.equals(packed)).toBe(true);
  });

  it('ignores and counts responses with a wrong STAN, TID, 3, 4 or TPDU; takes the right one', async () => {
    const { fa, link } = await setup();
    const events = record(link);
    fa.onRequest = (r) => {
      fa.answer(r, { fields: { 11: '999999' } });
      fa.answer(r, { fields: { 41: '87654321' } });
      fa.answer(r, { fields: { 3: '200000' } });
      fa.answer(r, { fields: { 4: '000000000001' } });
      fa.answer(r, { fields: { 4: undefined } });
      fa.answer(r, { mti: '0230' });
      fa.answer(r, { tpdu: parseTpdu(TPDU) }); // not swapped
      fa.answer(r, { fields: { 38: 'GOOD01' } });
    };
    const res = await link.request(purchase('000321'));
    expect(res.message.fields[38]).toBe('GOOD01');
    expect(link.stats.stray).toBe(6);
    expect(link.stats.badTpdu).toBe(1);
    const stray = events.filter((e) => e.name === 'stray').map((e) => e.payload.reason);
    expect(stray).toEqual(['stan', 'terminal id', 'processing code', 'amount', 'amount', 'mti', 'tpdu']);
    // masked content only
    for (const e of events) expect(JSON.stringify(e.payload)).not.toContain('6258091234567890123');
  });

  it('a response that arrives with no request waiting is a stray, never taken later', async () => {
    const { fa, link } = await setup();
    fa.onRequest = (r) => {
      if (r.message.fields[11] === '000001') {
        fa.answer(r);
        fa.answer(r, { fields: { 11: '000002' } }); // answers a request not sent yet
      }
    };
    await link.request(purchase('000001'));
    await until(() => link.stats.stray === 1, 'stray');
    const p = link.request(purchase('000002'));
    const r2 = await fa.request(2);
    fa.answer(r2, { fields: { 38: 'SECOND' } });
    expect((await p).message.fields[38]).toBe('SECOND');
  });

  it('times out on the clock; the late response is ignored and the next request gets its own', async () => {
    const { fa, link, clock } = await setup();
    const events = record(link);
    const first = link.request(purchase('000010'));
    const r1 = await fa.request(1);
    await flush();
    clock.advance(4999);
    await flush();
    let settled = false;
    first
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    await flush();
    expect(settled).toBe(false);
    clock.advance(1);
    const err = await rejection(first);
    expect(err.code).toBe('HOST_TIMEOUT');
    expect(err.context.phase).toBe('read');

    const second = link.request(purchase('000011'));
    const r2 = await fa.request(2);
    fa.answer(r1, { fields: { 38: 'LATE01' } }); // the late answer first
    fa.answer(r2, { fields: { 38: 'OWN002' } });
    const res = await second;
    expect(res.message.fields[11]).toBe('000011');
    expect(res.message.fields[38]).toBe('OWN002');
    expect(link.stats.late).toBe(1);
    const late = events.find((e) => e.name === 'late-response');
    expect(late).toBeDefined();
    expect(String(late!.payload.summary)).not.toContain('6258091234567890123');
    expect(String(late!.payload.summary)).toContain('000010');
  });

  it('a per-request read timeout overrides the link default', async () => {
    const { fa, link, clock } = await setup();
    const p = link.request(echoTest('000001'), { readTimeoutMs: 100 });
    await fa.request(1);
    await flush();
    clock.advance(100);
    expect(await rejectionCode(p)).toBe('HOST_TIMEOUT');
  });

  it('peer writing half a frame then closing gives HOST_DISCONNECTED', async () => {
    const { fa, link } = await setup();
    const events = record(link);
    fa.onRequest = (r) => {
      const bytes = FakeAcquirer.frameFor(r);
      r.socket.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
    };
    const err = await rejection(link.request(purchase('000321')));
    expect(err.code).toBe('HOST_DISCONNECTED');
    expect(err.context.partialBytes).toBeGreaterThan(0);
    expect(events.map((e) => e.name)).toEqual(['connected', 'disconnected']);
    expect(link.connected).toBe(false);
    // the next request reconnects
    fa.onRequest = (r) => fa.answer(r);
    expect((await link.request(purchase('000322'))).message.fields[11]).toBe('000322');
    expect(fa.sockets).toHaveLength(2);
  });

  it('a refused port is HOST_UNREACHABLE', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const { link } = makeLink(port);
    cleanups.push(() => link.close());
    const err = await rejection(link.request(purchase('000001')));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.context.reason).toBe('HOST_CONNECT_FAILED');
  });

  it('runs requests one at a time in order; HOST_BUSY past maxQueued', async () => {
    const { fa, link } = await setup({ maxQueued: 2 });
    const a = link.request(purchase('000001'));
    const b = link.request(purchase('000002'));
    const c = link.request(purchase('000003'));
    expect(await rejectionCode(link.request(purchase('000004')))).toBe('HOST_BUSY');
    const r1 = await fa.request(1);
    await flush(5);
    expect(fa.requests).toHaveLength(1); // b waits until a is answered
    fa.answer(r1);
    await a;
    fa.answer(await fa.request(2));
    await b;
    fa.answer(await fa.request(3));
    await c;
    expect(fa.requests.map((r) => r.message.fields[11])).toEqual(['000001', '000002', '000003']);
    expect(fa.sockets).toHaveLength(1); // one connection reused
  });

  it('close() fails the request in flight with HOST_CLOSED and later ones too', async () => {
    const { fa, link } = await setup();
    const p = link.request(purchase('000001'));
    await fa.request(1);
    link.close();
    expect(await rejectionCode(p)).toBe('HOST_CLOSED');
    expect(await rejectionCode(link.request(purchase('000002')))).toBe('HOST_CLOSED');
  });

  it('a frame too short for TPDU and header is counted and ignored', async () => {
    const { fa, link } = await setup();
    fa.onRequest = (r) => {
      r.socket.write(Buffer.from('0003600000', 'hex'));
      fa.answer(r);
    };
    await link.request(purchase('000001'));
    expect(link.stats.badFrames).toBe(1);
  });

  it('undecodable body is counted and ignored', async () => {
    const { fa, link } = await setup();
    fa.onRequest = (r) => {
      const good = FakeAcquirer.frameFor(r);
      const bad = Buffer.from(good.subarray(0, 2 + 11 + 3)); // TPDU + header + 3 bytes of message
      bad.writeUInt16BE(bad.length - 2, 0);
      r.socket.write(bad);
      r.socket.write(good);
    };
    const res = await link.request(purchase('000001'));
    expect(res.message.mti).toBe('0210');
    expect(link.stats.badFrames).toBe(1);
  });
});

describe('HostLink protocol failures', () => {
  it('only a wrong-TPDU answer arrives: the read timeout is HOST_PROTOCOL, not a silent host', async () => {
    const { fa, link, clock } = await setup();
    fa.onRequest = (r) => fa.answer(r, { tpdu: parseTpdu(TPDU) }); // not swapped
    const p = rejection(link.request(purchase('000501')));
    await until(() => link.stats.badTpdu === 1, 'bad TPDU');
    clock.advance(5000); // readMs
    const err = await p;
    expect(err.code).toBe('HOST_PROTOCOL');
    expect(err.context).toMatchObject({ phase: 'read', reason: 'HOST_BAD_TPDU', stan: '000501' });
  });

  it('garbage framing instead of the answer: HOST_PROTOCOL with the framing code', async () => {
    const { fa, link, clock } = await setup();
    fa.onRequest = (r) => r.socket.write(Buffer.from('0003ffffff', 'hex')); // a 3-byte frame: no TPDU
    const p = rejection(link.request(purchase('000502')));
    await until(() => link.stats.badFrames === 1, 'bad frame');
    clock.advance(5000);
    const err = await p;
    expect(err.code).toBe('HOST_PROTOCOL');
    expect(String(err.context.reason)).toMatch(/^HOST_/);
  });

  it('nothing at all arrives: still HOST_TIMEOUT', async () => {
    const { fa, link, clock } = await setup();
    const p = rejection(link.request(purchase('000503')));
    await fa.request(1);
    await flush(3);
    clock.advance(5000);
    expect((await p).code).toBe('HOST_TIMEOUT');
  });
});
