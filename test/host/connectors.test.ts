import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError, PosError } from '../../src/errors.js';
import { certificatePin, tcpConnect, tlsConnect } from '../../src/host/connectors.js';
import type { HostEndpoint, HostTlsOptions } from '../../src/host/HostEndpoint.js';
import {
  caPem,
  clientCert,
  clientKey,
  otherCaPem,
  serverCert,
  serverKey,
  serverPin,
  tlsFile,
} from './tlsFixtures.js';

const servers: net.Server[] = [];
const sockets: Duplex[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

/** TLS echo server; records whether the client certificate was authorised. */
async function tlsEcho(extra: tls.TlsOptions = {}) {
  const seen: { authorized: boolean[] } = { authorized: [] };
  const server = tls.createServer({ key: serverKey, cert: serverCert, ...extra }, (s) => {
    seen.authorized.push(s.authorized);
    s.on('error', () => {});
    s.pipe(s);
  });
  server.on('tlsClientError', () => {});
  return { port: await listen(server), seen };
}

function ep(port: number, t?: HostTlsOptions): HostEndpoint {
  return { host: '127.0.0.1', port, tls: t };
}

async function connectWith(e: HostEndpoint, signal = new AbortController().signal): Promise<Duplex> {
  const s = await (e.tls ? tlsConnect : tcpConnect)(e, signal);
  sockets.push(s);
  return s;
}

async function echo(s: Duplex, text: string): Promise<string> {
  s.write(text);
  return new Promise((resolve, reject) => {
    s.once('data', (d: Buffer) => resolve(d.toString()));
    s.once('error', reject);
  });
}

async function codeOfRejection(p: Promise<unknown>): Promise<string> {
  try {
    const s = await p;
    (s as Duplex).destroy();
  } catch (e) {
    expect(isPosError(e)).toBe(true);
    return (e as PosError).code;
  }
  return 'CONNECTED';
}

describe('tcpConnect', () => {
  it('connects to a plain server', async () => {
    const port = await listen(net.createServer((s) => s.pipe(s)));
    const s = await connectWith(ep(port));
    expect(await echo(s, 'ping')).toBe('ping');
  });

  it('refused port gives HOST_CONNECT_FAILED', async () => {
    const port = await listen(net.createServer());
    await new Promise((r) => servers.pop()!.close(r));
    expect(await codeOfRejection(tcpConnect(ep(port), new AbortController().signal))).toBe(
      'HOST_CONNECT_FAILED',
    );
  });

  it('abort rejects with the abort reason', async () => {
    const ac = new AbortController();
    ac.abort(new PosError('HOST_CONNECT_TIMEOUT', 'test'));
    expect(await codeOfRejection(tcpConnect(ep(1), ac.signal))).toBe('HOST_CONNECT_TIMEOUT');
  });
});

describe('tlsConnect', () => {
  it('the pin fixture is the SPKI SHA-256 of the server certificate', () => {
    expect(certificatePin(serverCert)).toBe(serverPin);
  });

  it('connects with the profile CA file (TLS 1.2+)', async () => {
    const { port } = await tlsEcho();
    const s = (await connectWith(ep(port, { ca: tlsFile('ca.pem') }))) as tls.TLSSocket;
    expect(['TLSv1.2', 'TLSv1.3']).toContain(s.getProtocol());
    expect(await echo(s, 'hello')).toBe('hello');
  });

  it('checks the server name given as servername', async () => {
    const { port } = await tlsEcho();
    const ok = await connectWith(ep(port, { caPem, servername: 'localhost' }));
    expect(await echo(ok, 'x')).toBe('x');
    expect(
      await codeOfRejection(
        tlsConnect(ep(port, { caPem, servername: 'acquirer.example' }), new AbortController().signal),
      ),
    ).toBe('HOST_TLS_CERT');
  });

  it('refuses a server signed by another CA', async () => {
    const { port } = await tlsEcho();
    expect(
      await codeOfRejection(tlsConnect(ep(port, { caPem: otherCaPem }), new AbortController().signal)),
    ).toBe('HOST_TLS_CERT');
  });

  it('refuses a server that is not in the system store when no CA is given', async () => {
    const { port } = await tlsEcho();
    expect(await codeOfRejection(tlsConnect(ep(port, {}), new AbortController().signal))).toBe(
      'HOST_TLS_CERT',
    );
  });

  it('mutual TLS: the client certificate is presented and accepted', async () => {
    const { port, seen } = await tlsEcho({ requestCert: true, rejectUnauthorized: true, ca: caPem });
    const s = await connectWith(ep(port, { caPem, cert: tlsFile('client.pem'), key: tlsFile('client.key') }));
    expect(await echo(s, 'mtls')).toBe('mtls');
    expect(seen.authorized).toEqual([true]);
  });

  it('mutual TLS: without a client certificate the server refuses', async () => {
    const { port, seen } = await tlsEcho({ requestCert: true, rejectUnauthorized: true, ca: caPem });
    const outcome = await connectWith(ep(port, { caPem })).then(
      // TLS 1.3: the refusal arrives after the client's side of the handshake completed.
      (s) =>
        new Promise<string>((resolve) => {
          let got = '';
          s.on('data', (d: Buffer) => {
            got += d.toString();
          });
          s.on('error', () => {});
          s.on('close', () => resolve(got ? 'echoed' : 'closed'));
          s.write('x');
        }),
      (e) => (isPosError(e) ? 'refused' : 'other'),
    );
    expect(['refused', 'closed']).toContain(outcome);
    expect(seen.authorized).toEqual([]);
  });

  it('client certificate without its key is a configuration error', async () => {
    const { port } = await tlsEcho();
    expect(
      await codeOfRejection(
        tlsConnect(ep(port, { caPem, certPem: clientCert }), new AbortController().signal),
      ),
    ).toBe('HOST_TLS_CONFIG');
    expect(
      await codeOfRejection(
        tlsConnect(ep(port, { ca: tlsFile('missing.pem') }), new AbortController().signal),
      ),
    ).toBe('HOST_TLS_CONFIG');
    expect(clientKey.length).toBeGreaterThan(0);
  });

  it('right pin accepted', async () => {
    const { port } = await tlsEcho();
    const s = await connectWith(
      ep(port, { caPem, pins: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', serverPin] }),
    );
    expect(await echo(s, 'pinned')).toBe('pinned');
  });

  it('wrong pin refused with HOST_TLS_PIN_MISMATCH', async () => {
    const { port } = await tlsEcho();
    const wrong = certificatePin(caPem);
    expect(
      await codeOfRejection(tlsConnect(ep(port, { caPem, pins: [wrong] }), new AbortController().signal)),
    ).toBe('HOST_TLS_PIN_MISMATCH');
  });

  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    it(`refuses a ${version} server`, async () => {
      const { port, seen } = await tlsEcho({
        minVersion: version,
        maxVersion: version,
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      expect(await codeOfRejection(tlsConnect(ep(port, { caPem }), new AbortController().signal))).toBe(
        'HOST_TLS_FAILED',
      );
      expect(seen.authorized).toEqual([]);
    });
  }

  it('refuses a plain server that answers in clear, never falls back', async () => {
    const received: Buffer[] = [];
    const port = await listen(
      net.createServer((s) => {
        s.on('error', () => {});
        s.once('data', (d) => {
          received.push(d);
          s.write(Buffer.from('0013600000030060310031000008100000', 'hex'));
        });
      }),
    );
    expect(await codeOfRejection(tlsConnect(ep(port, { caPem }), new AbortController().signal))).toBe(
      'HOST_TLS_FAILED',
    );
    // The only bytes the terminal sent were a TLS handshake record.
    expect(received).toHaveLength(1);
    expect(received[0][0]).toBe(0x16);
  });

  it('a silent plain server: the handshake is abandoned when the signal aborts', async () => {
    const port = await listen(net.createServer((s) => s.on('error', () => {})));
    const ac = new AbortController();
    const p = tlsConnect(ep(port, { caPem }), ac.signal);
    setTimeout(() => ac.abort(new PosError('HOST_CONNECT_TIMEOUT', 'test')), 50);
    expect(await codeOfRejection(p)).toBe('HOST_CONNECT_TIMEOUT');
  });
});
