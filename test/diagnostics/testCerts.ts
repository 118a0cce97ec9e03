/**
 * TLS certificates made at test time with the openssl CLI: a CA, and server certificates it
 * signs with a chosen name and validity (`openssl ca` takes start and end dates, so a certificate
 * that expired years ago or expires in a few days can be made today).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  caFile: string;
  issue(o: { name: string; notBefore: Date; notAfter: Date }): { cert: Buffer; key: Buffer };
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

/** openssl ca's date form: YYYYMMDDHHMMSSZ */
const asn1 = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-certs-'));
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem'].concat([
      '-days',
      '3650',
      '-subj',
      '/CN=posterm test CA',
    ]),
    dir,
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      'database = index.txt',
      'new_certs_dir = .',
      'serial = serial',
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  let n = 0;
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    issue({ name, notBefore, notAfter }) {
      const base = `server${n++}`;
      openssl(
        ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`].concat([
          '-subj',
          `/CN=${name}`,
          '-addext',
          `subjectAltName=DNS:${name}`,
        ]),
        dir,
      );
      openssl(
        ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-notext'].concat([
          '-in',
          `${base}.csr`,
          '-out',
          `${base}.pem`,
          '-startdate',
          asn1(notBefore),
          '-enddate',
          asn1(notAfter),
        ]),
        dir,
      );
      return { cert: readFileSync(join(dir, `${base}.pem`)), key: readFileSync(join(dir, `${base}.key`)) };
    },
  };
}
