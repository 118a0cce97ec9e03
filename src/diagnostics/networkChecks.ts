/**
 * The network path to one host endpoint, step by step like `curl -w` / `openssl s_client`:
 * DNS resolution, TCP connect, TLS (version, cipher, chain, days to expiry, name, pin). Each
 * step names its failure the way the runtime's hostFailureCause does. These run in both modes:
 * they open their own short-lived sockets and touch nothing the runtime holds.
 */
import { X509Certificate } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { PosError } from '../errors.js';
import { spkiPin, TLS_CIPHERS, TLS_MIN_VERSION } from '../host/connectors.js';
import { hostFailureCause } from '../host/hostFailureCause.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import type { HintId } from './hints.js';

export interface EndpointTarget {
  /** 'primary' | 'backup' */
  role: string;
  host: string;
  port: number;
  /** Profile host.tls when the endpoint uses TLS. */
  tls?: { ca?: string; cert?: string; key?: string; pins?: string[]; servername?: string };
  connectTimeoutMs: number;
}

export type LookupFn = (host: string) => Promise<{ address: string; family: number }[]>;

const defaultLookup: LookupFn = (host) => dnsLookup(host, { all: true });

/** Filled by the DNS check, read by the TCP and TLS checks of the same endpoint. */
export interface EndpointState {
  address?: string;
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

/** `host.<role>.dns`: resolution and its time; an address literal passes as it is. */
export async function checkDns(
  e: EndpointTarget,
  state: EndpointState,
  lookup: LookupFn = defaultLookup,
): Promise<CheckOutcome> {
  if (net.isIP(e.host)) {
    state.address = e.host;
    return pass({ host: e.host, addresses: [e.host], literal: true });
  }
  const t0 = performance.now();
  try {
    const all = await lookup(e.host);
    state.address = all[0]?.address;
    return pass({ host: e.host, addresses: all.map((a) => a.address), resolveMs: ms(t0) });
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'unknown';
    return { result: 'fail', evidence: { host: e.host, errno, resolveMs: ms(t0) }, hint: 'host.dns' };
  }
}

function connectHint(errno: string): { cause: string; hint: HintId } {
  const { cause } = hostFailureCause(new PosError('HOST_CONNECT_FAILED', errno, { errno }));
  const hint: HintId =
    cause === 'refused'
      ? 'host.refused'
      : cause === 'network-unreachable'
        ? 'host.unreachable'
        : cause === 'connect-timeout'
          ? 'host.connectTimeout'
          : cause === 'dns'
            ? 'host.dns'
            : 'host.connectFailed';
  return { cause, hint };
}

/** `host.<role>.tcp`: TCP connect time to the resolved address (closed at once). */
export function checkTcp(e: EndpointTarget, state: EndpointState): Promise<CheckOutcome> {
  const address = state.address ?? e.host;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port: e.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({
        result: 'fail',
        evidence: { address, port: e.port, cause: 'connect-timeout', timeoutMs: e.connectTimeoutMs },
        hint: 'host.connectTimeout',
      });
    }, e.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      const connectMs = ms(t0);
      socket.destroy();
      resolve(pass({ address, port: e.port, connectMs }));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const errno = err.code ?? 'unknown';
      const { cause, hint } = connectHint(errno);
      resolve({ result: 'fail', evidence: { address, port: e.port, errno, cause }, hint });
    });
  });
}

async function readPem(file: string | undefined): Promise<Buffer | undefined> {
  return file === undefined ? undefined : readFile(file);
}

/** Common names of the chain the server sent, leaf first. */
function chainOf(peer: tls.DetailedPeerCertificate): string[] {
  const out: string[] = [];
  let c: tls.DetailedPeerCertificate | undefined = peer;
  const seen = new Set<string>();
  while (c?.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(String(c.subject?.CN ?? c.subject?.O ?? '?'));
    c = c.issuerCertificate;
  }
  return out;
}

const DAY_MS = 86_400_000;

/** Below this many days to expiry the TLS check warns. */
export const CERT_WARN_DAYS = 30;

/**
 * `host.<role>.tls`: handshake (version, cipher), the server's chain against the profile's CA,
 * days to expiry (warn under 30), the name, the pin. The handshake is completed without
 * verification so that every finding can be reported; the verdict applies the same rules as the
 * runtime's tlsConnect (which refuses all of these).
 */
export async function checkTls(
  e: EndpointTarget,
  state: EndpointState,
  now: () => number = Date.now,
): Promise<CheckOutcome> {
  const t = e.tls ?? {};
  let ca: Buffer | undefined;
  let cert: Buffer | undefined;
  let key: Buffer | undefined;
  try {
    [ca, cert, key] = await Promise.all([readPem(t.ca), readPem(t.cert), readPem(t.key)]);
  } catch (err) {
    return {
      result: 'fail',
      evidence: { errno: (err as NodeJS.ErrnoException).code, path: (err as NodeJS.ErrnoException).path },
      hint: 'tls.config',
    };
  }
  const address = state.address ?? e.host;
  const name = t.servername ?? e.host;
  const servername = t.servername ?? (net.isIP(e.host) ? undefined : e.host);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: address,
      port: e.port,
      servername,
      ca,
      cert,
      key,
      minVersion: TLS_MIN_VERSION,
      ciphers: TLS_CIPHERS,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const done = (o: CheckOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(
      () =>
        done({
          result: 'fail',
          evidence: {
            address,
            port: e.port,
            cause: 'tls-handshake',
            reason: 'timeout',
            timeoutMs: e.connectTimeoutMs,
          },
          hint: 'tls.handshake',
        }),
      e.connectTimeoutMs,
    );
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({
        result: 'fail',
        evidence: { address, port: e.port, cause: 'tls-handshake', reason: err.code ?? err.message },
        hint: 'tls.handshake',
      }),
    );
    socket.once('secureConnect', () => {
      const handshakeMs = ms(t0);
      const peer = socket.getPeerCertificate(true);
      if (!peer?.raw) {
        done({
          result: 'fail',
          evidence: { address, port: e.port, reason: 'no certificate' },
          hint: 'tls.certificate',
        });
        return;
      }
      const x = new X509Certificate(peer.raw);
      const serverPin = spkiPin(x.publicKey.export({ type: 'spki', format: 'der' }));
      const validTo = new Date(x.validTo);
      const daysToExpiry = Math.floor((validTo.getTime() - now()) / DAY_MS);
      const nameError = tls.checkServerIdentity(name, peer);
      const pins = t.pins ?? [];
      const chainError = socket.authorized ? undefined : String(socket.authorizationError);
      const evidence = {
        address,
        port: e.port,
        handshakeMs,
        version: socket.getProtocol(),
        cipher: socket.getCipher().name,
        subject: peer.subject?.CN ?? null,
        issuer: peer.issuer?.CN ?? null,
        chain: chainOf(peer),
        chainTrusted: socket.authorized,
        ...(chainError ? { chainError } : {}),
        validTo: validTo.toISOString(),
        daysToExpiry,
        name,
        nameMatches: nameError === undefined,
        pin: pins.length === 0 ? 'not pinned' : pins.includes(serverPin) ? 'match' : 'mismatch',
        serverPin,
      };
      if (chainError) return done({ result: 'fail', evidence, hint: 'tls.certificate' });
      if (nameError) return done({ result: 'fail', evidence, hint: 'tls.name' });
      if (evidence.pin === 'mismatch') return done({ result: 'fail', evidence, hint: 'tls.pin' });
      if (daysToExpiry < CERT_WARN_DAYS) return done({ result: 'warn', evidence, hint: 'tls.expiring' });
      done(pass(evidence));
    });
  });
}
