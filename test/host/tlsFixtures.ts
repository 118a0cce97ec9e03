/** Test-only TLS material in test/fixtures/tls (see its README). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const tlsFile = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const read = (name: string) => readFileSync(tlsFile(name));

export const caPem = read('ca.pem');
export const otherCaPem = read('other-ca.pem');
export const serverCert = read('server.pem');
export const serverKey = read('server.key');
export const clientCert = read('client.pem');
export const clientKey = read('client.key');
export const serverPin = read('server.pin').toString('ascii').trim();
