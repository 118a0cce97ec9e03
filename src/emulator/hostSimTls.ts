/**
 * TLS material for the host simulator: the test certificates in a directory (by default
 * test/fixtures/tls/) when they are there, else a fresh self-signed pair made with the
 * `openssl` CLI in a temp directory (CN and SAN: localhost, 127.0.0.1).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PosError } from '../errors.js';
import type { HostSimTlsOptions } from './hostSim.js';

export interface HostSimTlsMaterial extends HostSimTlsOptions {
  /** Where it came from: the fixtures directory, or 'self-signed'. */
  source: string;
  /** The certificate a client should trust (CA, or the self-signed cert). */
  trust: Buffer;
}

const KEY_NAMES = ['server.key', 'server-key.pem', 'host.key', 'host-key.pem'];
const CERT_NAMES = ['server.crt', 'server.pem', 'server-cert.pem', 'host.crt', 'host-cert.pem'];
const CA_NAMES = ['ca.crt', 'ca.pem', 'ca-cert.pem'];

function first(dir: string, names: string[]): string | undefined {
  return names.map((n) => path.join(dir, n)).find((p) => existsSync(p));
}

/** Load the server pair from `dir` when it holds one; undefined otherwise. */
export function loadTlsFromDir(dir: string): HostSimTlsMaterial | undefined {
  const key = first(dir, KEY_NAMES);
  const cert = first(dir, CERT_NAMES);
  if (!key || !cert) return undefined;
  const ca = first(dir, CA_NAMES);
  const certBytes = readFileSync(cert);
  const caBytes = ca ? readFileSync(ca) : undefined;
  return {
    key: readFileSync(key),
    cert: certBytes,
    ...(caBytes ? { ca: caBytes } : {}),
    trust: caBytes ?? certBytes,
    source: dir,
  };
}

/** Make a self-signed key and certificate with the openssl CLI. */
export function selfSignedTls(): HostSimTlsMaterial {
  const dir = mkdtempSync(path.join(tmpdir(), 'posterm-hostsim-tls-'));
  const key = path.join(dir, 'server.key');
  const cert = path.join(dir, 'server.crt');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '30',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  } catch (e) {
    throw new PosError(
      'EMU_TLS_UNAVAILABLE',
      `could not make a self-signed certificate with openssl: ${(e as Error).message}`,
    );
  }
  const certBytes = readFileSync(cert);
  return { key: readFileSync(key), cert: certBytes, trust: certBytes, source: 'self-signed' };
}

/** The fixtures pair when present, else a self-signed one. */
export function hostSimTls(dir = path.join('test', 'fixtures', 'tls')): HostSimTlsMaterial {
  return loadTlsFromDir(dir) ?? selfSignedTls();
}
