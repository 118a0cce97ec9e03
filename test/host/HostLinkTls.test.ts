import { afterEach, describe, expect, it } from 'vitest';
import { certificatePin } from '../../src/host/connectors.js';
import { FakeAcquirer } from './FakeAcquirer.js';
import { makeLink, purchase, rejection, until } from './linkHelpers.js';
import { caPem, clientCert, clientKey, serverCert, serverKey, serverPin, tlsFile } from './tlsFixtures.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tlsAcquirer(mutual = false) {
  const fa = await FakeAcquirer.start(
    (r, f) => f.answer(r),
    mutual
      ? { key: serverKey, cert: serverCert, requestCert: true, rejectUnauthorized: true, ca: caPem }
      : { key: serverKey, cert: serverCert },
  );
  cleanups.push(() => fa.close());
  return fa;
}

describe('HostLink over TLS', () => {
  it('request over mutual TLS with the profile CA and a pinned key', async () => {
    const fa = await tlsAcquirer(true);
    const { link: tlsLink } = makeLink(fa.port, {
      primary: {
        host: '127.0.0.1',
        port: fa.port,
        tls: {
          ca: tlsFile('ca.pem'),
          cert: tlsFile('client.pem'),
          key: tlsFile('client.key'),
          pins: [serverPin],
        },
      },
    });
    cleanups.push(() => tlsLink.close());
    const res = await tlsLink.request(purchase('000001'));
    expect(res.message.mti).toBe('0210');
    expect(res.endpoint).toBe(`tls://127.0.0.1:${fa.port}`);
    expect(clientCert.length + clientKey.length).toBeGreaterThan(0);
  });

  it('a wrong pin refuses the connection with HOST_TLS_PIN_MISMATCH, nothing is sent', async () => {
    const fa = await tlsAcquirer();
    const { link } = makeLink(fa.port, {
      primary: { host: '127.0.0.1', port: fa.port, tls: { caPem, pins: [certificatePin(caPem)] } },
    });
    cleanups.push(() => link.close());
    const err = await rejection(link.request(purchase('000001')));
    expect(err.code).toBe('HOST_TLS_PIN_MISMATCH');
    expect(fa.requests).toHaveLength(0);
  });

  it('a plain server when TLS is configured: no fallback, the connect times out', async () => {
    const fa = await FakeAcquirer.start((r, f) => f.answer(r)); // plain TCP
    cleanups.push(() => fa.close());
    const { link, clock } = makeLink(fa.port, {
      primary: { host: '127.0.0.1', port: fa.port, tls: { caPem } },
    });
    cleanups.push(() => link.close());
    const p = rejection(link.request(purchase('000001')));
    await until(() => fa.sockets.length === 1, 'TCP connection');
    clock.advance(1000); // connectMs
    const err = await p;
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.context.reason).toBe('HOST_CONNECT_TIMEOUT');
    expect(fa.requests).toHaveLength(0);
  });

  // Server certificate is ECDSA P-256: the suites below are the ECDSA ones.
  async function tls12Acquirer(ciphers: string) {
    const fa = await FakeAcquirer.start((r, f) => f.answer(r), {
      key: serverKey,
      cert: serverCert,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ciphers,
    });
    cleanups.push(() => fa.close());
    const { link } = makeLink(fa.port, {
      primary: { host: '127.0.0.1', port: fa.port, tls: { caPem, pins: [serverPin] } },
    });
    cleanups.push(() => link.close());
    return { fa, link };
  }

  it('TLS 1.2 with only a CBC-SHA1 suite on offer: HOST_TLS_FAILED, nothing is sent', async () => {
    const { fa, link } = await tls12Acquirer('ECDHE-ECDSA-AES128-SHA');
    const err = await rejection(link.request(purchase('000001')));
    expect(err.code).toBe('HOST_TLS_FAILED');
    expect(String(err.context.reason)).toMatch(/HANDSHAKE|CIPHER/);
    expect(fa.requests).toHaveLength(0);
  });

  it('TLS 1.2 with an ECDHE AES-GCM suite works', async () => {
    const { link } = await tls12Acquirer('ECDHE-ECDSA-AES128-GCM-SHA256');
    const res = await link.request(purchase('000001'));
    expect(res.message.mti).toBe('0210');
  });
});
