/**
 * Default connect functions for HostLink: plain TCP and TLS 1.2+ (optional mutual TLS and
 * public-key pinning). A TLS endpoint never falls back to plain TCP. On TLS 1.2 only
 * forward-secret AEAD suites (ECDHE with AES-GCM or CHACHA20-POLY1305); TLS 1.3 suites as
 * OpenSSL has them (all AEAD, all forward secret).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { isPosError, PosError } from '../errors.js';
import type { ConnectFn, HostEndpoint, HostTlsOptions } from './HostEndpoint.js';

/** base64 SHA-256 of a DER SubjectPublicKeyInfo (the pin format of the profile). */
export function spkiPin(spkiDer: Buffer): string {
  return createHash('sha256').update(spkiDer).digest('base64');
}

/** The pin of a PEM certificate (for tooling and tests). */
export function certificatePin(pem: string | Buffer): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return spkiPin(spki);
}

/**
 * The cipher suites the terminal (and the host simulator) accept: the TLS 1.3 suites, and on
 * TLS 1.2 only ECDHE key exchange with an AEAD cipher. No CBC, no SHA-1 MAC, no static RSA.
 */
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The lowest TLS version either side accepts. */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/** OpenSSL / Node verification codes that mean "the certificate was refused" (HOST_TLS_CERT). */
function isCertificateReason(reason: string): boolean {
  return (
    /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|PATH_LENGTH|HOSTNAME_MISMATCH)/.test(reason) ||
    reason === 'ERR_TLS_CERT_ALTNAME_INVALID'
  );
}

function abortError(signal: AbortSignal, e: HostEndpoint): PosError {
  if (isPosError(signal.reason)) return signal.reason;
  return new PosError('HOST_CONNECT_ABORTED', `connect to ${e.host}:${e.port} aborted`, {
    host: e.host,
    port: e.port,
  });
}

function socketError(err: NodeJS.ErrnoException, e: HostEndpoint, tlsStage: boolean): PosError {
  if (isPosError(err)) return err;
  const reason = err.code ?? 'unknown';
  if (tlsStage && isCertificateReason(reason)) {
    return new PosError('HOST_TLS_CERT', `TLS certificate of ${e.host}:${e.port} refused (${reason})`, {
      host: e.host,
      port: e.port,
      reason,
    });
  }
  if (tlsStage) {
    return new PosError('HOST_TLS_FAILED', `TLS with ${e.host}:${e.port} failed (${reason})`, {
      host: e.host,
      port: e.port,
      reason,
    });
  }
  return new PosError('HOST_CONNECT_FAILED', `cannot connect to ${e.host}:${e.port} (${reason})`, {
    host: e.host,
    port: e.port,
    reason,
  });
}

/**
 * Wait for `ready` on a socket being opened; reject on error, close or abort (and destroy it).
 * `tlsStage()` tells whether TCP was already up (then a failure is a TLS failure).
 */
function settleSocket<S extends net.Socket>(
  socket: S,
  ready: string,
  e: HostEndpoint,
  signal: AbortSignal,
  tlsStage: () => boolean,
  check: () => PosError | undefined = () => undefined,
): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    const cleanup = () => {
      socket.off(ready, onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (err: PosError) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onReady = () => {
      const bad = check();
      if (bad) return fail(bad);
      cleanup();
      resolve(socket);
    };
    const onError = (err: NodeJS.ErrnoException) => fail(socketError(err, e, tlsStage()));
    const onClose = () =>
      fail(socketError(Object.assign(new Error('closed'), { code: 'ECONNRESET' }), e, tlsStage()));
    const onAbort = () => fail(abortError(signal, e));
    socket.once(ready, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Plain TCP. */
export const tcpConnect: ConnectFn = async (e, signal) => {
  if (signal.aborted) throw abortError(signal, e);
  const socket = net.connect({ host: e.host, port: e.port });
  const s = await settleSocket(socket, 'connect', e, signal, () => false);
  s.setNoDelay(true);
  return s;
};

async function pemOf(inline: string | Buffer | undefined, file: string | undefined, key: string) {
  if (inline !== undefined) return inline;
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (err) {
    throw new PosError('HOST_TLS_CONFIG', `cannot read TLS ${key} file`, {
      key: `host.tls.${key}`,
      reason: (err as NodeJS.ErrnoException).code,
    });
  }
}

/** SPKI of a peer certificate (from its DER; `pubkey` alone is the bare key for EC). */
function peerSpki(peer: tls.PeerCertificate | undefined): Buffer | undefined {
  if (!peer?.raw) return undefined;
  try {
    return new X509Certificate(peer.raw).publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

function pinCheck(
  t: HostTlsOptions,
  e: HostEndpoint,
  peer: tls.PeerCertificate | undefined,
): PosError | undefined {
  if (!t.pins || t.pins.length === 0) return undefined;
  const spkiDer = peerSpki(peer);
  const got = spkiDer ? spkiPin(spkiDer) : '';
  if (t.pins.includes(got)) return undefined;
  return new PosError('HOST_TLS_PIN_MISMATCH', `server key of ${e.host}:${e.port} matches no pinned key`, {
    host: e.host,
    port: e.port,
    key: 'host.tls.pins',
  });
}

/** TLS 1.2 or later; CA from the options or the system store; optional client cert and pins. */
export const tlsConnect: ConnectFn = async (e, signal) => {
  const t = e.tls ?? {};
  if (signal.aborted) throw abortError(signal, e);
  const [ca, cert, key] = await Promise.all([
    pemOf(t.caPem, t.ca, 'ca'),
    pemOf(t.certPem, t.cert, 'cert'),
    pemOf(t.keyPem, t.key, 'key'),
  ]);
  if ((cert === undefined) !== (key === undefined)) {
    throw new PosError('HOST_TLS_CONFIG', 'client certificate and key must be given together', {
      key: 'host.tls.cert',
    });
  }
  if (signal.aborted) throw abortError(signal, e);
  const servername = t.servername ?? (net.isIP(e.host) ? undefined : e.host);
  const socket = tls.connect({
    host: e.host,
    port: e.port,
    servername,
    ca,
    cert,
    key,
    minVersion: TLS_MIN_VERSION,
    ciphers: TLS_CIPHERS,
    rejectUnauthorized: true,
    checkServerIdentity: (host, peer) => tls.checkServerIdentity(host, peer) ?? pinCheck(t, e, peer),
  });
  let tcpUp = false;
  socket.once('connect', () => {
    tcpUp = true;
  });
  // Checked again once the handshake is done, whatever checkServerIdentity did.
  const s = await settleSocket(
    socket,
    'secureConnect',
    e,
    signal,
    () => tcpUp,
    () => {
      if (!socket.authorized) {
        return socketError(
          Object.assign(new Error('unauthorized'), { code: String(socket.authorizationError) }),
          e,
          true,
        );
      }
      const peer = socket.getPeerCertificate();
      return pinCheck(t, e, peer);
    },
  );
  s.setNoDelay(true);
  return s;
};

/** TLS when the endpoint has TLS settings, plain TCP otherwise. */
export const defaultConnect: ConnectFn = (e, signal): Promise<Duplex> =>
  e.tls ? tlsConnect(e, signal) : tcpConnect(e, signal);
