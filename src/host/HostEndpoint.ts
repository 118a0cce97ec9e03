/**
 * Where the acquirer is and how to reach it (profile `host.primary` / `host.backup`).
 */
import type { Duplex } from 'node:stream';

/** TLS settings of an endpoint. File paths are read at connect time, never in a constructor. */
export interface HostTlsOptions {
  /** CA bundle PEM file; system CAs when neither `ca` nor `caPem` is given. */
  ca?: string;
  caPem?: string | Buffer;
  /** Client certificate and key PEM files (mutual TLS). */
  cert?: string;
  key?: string;
  certPem?: string | Buffer;
  keyPem?: string | Buffer;
  /** Accepted base64 SHA-256 digests of the server certificate's SubjectPublicKeyInfo. */
  pins?: string[];
  /** SNI / name checked against the certificate; defaults to the host when it is a name. */
  servername?: string;
}

export interface HostEndpoint {
  host: string;
  port: number;
  /** Present: TLS 1.2+ only, never a fallback to plain TCP. */
  tls?: HostTlsOptions;
}

/** Opens a byte stream to an endpoint; must give up (and reject) when `signal` aborts. */
export type ConnectFn = (endpoint: HostEndpoint, signal: AbortSignal) => Promise<Duplex>;

/** `host:port` (with `tls://` when TLS), for events and logs. */
export function endpointLabel(e: HostEndpoint): string {
  return `${e.tls ? 'tls://' : 'tcp://'}${e.host}:${e.port}`;
}
