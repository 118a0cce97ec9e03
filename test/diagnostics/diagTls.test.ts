/**
 * Diag's TLS check against real TLS servers (the host simulator) whose certificates are made at
 * test time: expired, issued for another name, expiring in 10 days; each the right verdict, hint
 * and exit code, with the handshake facts as evidence.
 */
import { afterEach, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { CERT_WARN_DAYS } from '../../src/diagnostics/networkChecks.js';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { fakeIo } from '../cli/fakeIo.js';
import { describeWithTool } from '../helpers/systemTool.js';
import { diagTerminal, expectCheck } from './diagKit.js';
import { makeTestCa, type TestCa } from './testCerts.js';

const describeWithOpenssl = describeWithTool('openssl', 'apt-get install openssl');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DAY = 86_400_000;
let ca: TestCa;

/** A TLS host simulator with a certificate for `name` valid from..to, and a terminal pointing at it. */
async function tlsTerminal(name: string, notBefore: Date, notAfter: Date) {
  const { cert, key } = ca.issue({ name, notBefore, notAfter });
  const sim = await startHostSim({ tmk: profileTmk(diagTerminal().profile), port: 0, tls: { cert, key } });
  cleanups.push(() => sim.close());
  return diagTerminal((raw) => {
    raw.host.primary = { host: 'localhost', port: sim.port, tls: true };
    raw.host.tls = { ca: ca.caFile };
  });
}

describeWithOpenssl('posterm diag: TLS certificates made at test time', () => {
  beforeAll(() => {
    ca = makeTestCa();
  });

  it('an expired certificate fails host.primary.tls with the certificate hint; sign-on is skipped; exit 2', async () => {
    const t = await tlsTerminal('localhost', new Date('2020-01-01'), new Date('2020-02-01'));
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'host.primary.tls', 'fail', 'tls.certificate');
    expect(x.evidence).toMatchObject({
      chainTrusted: false,
      chainError: 'CERT_HAS_EXPIRED',
      validTo: '2020-02-01T00:00:00.000Z',
      nameMatches: true,
    });
    expect(x.evidence.daysToExpiry as number).toBeLessThan(0);
    expect(x.hint?.zh).toContain('已过期');
    expect(expectCheck(r, 'host.signon', 'skipped').skippedBecause).toBe('host.primary.tls failed');
    const io = fakeIo();
    expect(await main(['diag', '--profile', t.file], io)).toBe(2);
    expect(io.out()).toMatch(/host\.primary\.tls\s+FAIL/);
  });

  it('a certificate for another name fails host.primary.tls with the name hint (chain trusted, name not)', async () => {
    const now = Date.now();
    const t = await tlsTerminal('acquirer.example', new Date(now - DAY), new Date(now + 365 * DAY));
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'host.primary.tls', 'fail', 'tls.name');
    expect(x.evidence).toMatchObject({
      chainTrusted: true,
      name: 'localhost',
      nameMatches: false,
      subject: 'acquirer.example',
    });
    expect(r.exitCode).toBe(2);
  });

  it('a certificate expiring in 10 days warns (tls.expiring); sign-on and echo go over it; exit 1', async () => {
    const now = Date.now();
    const t = await tlsTerminal('localhost', new Date(now - DAY), new Date(now + 10 * DAY + 3_600_000));
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'host.primary.tls', 'warn', 'tls.expiring');
    expect(x.evidence).toMatchObject({ chainTrusted: true, nameMatches: true, daysToExpiry: 10 });
    expect(x.evidence.daysToExpiry as number).toBeLessThan(CERT_WARN_DAYS);
    expectCheck(r, 'host.signon', 'pass');
    expectCheck(r, 'host.echo', 'pass');
    expect(r.summary.fail).toBe(0);
    expect(r.exitCode).toBe(1);
  });
});
