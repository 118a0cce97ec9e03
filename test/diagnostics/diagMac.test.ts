/**
 * host.mac: a MAC checked on a real answer. Sign-on and echo carry no MAC, so diag --card sends a
 * balance inquiry with a card from the reader and checks the 0210's MAC: standalone over a real
 * pty (the virtual reader) and the host simulator, good and with the simulator's bad-mac fault;
 * without --card the check says what it needs; beside a running runtime, through its inquiry.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { FROM_RUNTIME } from '../../src/diagnostics/runtimeFactChecks.js';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { TEST_CARDS, testCardTrack2 } from '../../src/emulator/VirtualReaderCards.js';
import { startVirtualReader } from '../../src/emulator/VirtualReaderServer.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { fakeIo } from '../cli/fakeIo.js';
import { describeWithTool } from '../helpers/systemTool.js';
import { startWorld } from '../integration/world.js';
import { diagTerminal, expectCheck } from './diagKit.js';

const describeWithSocat = describeWithTool('socat', 'apt-get install socat');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const dir = mkdtempSync(join(tmpdir(), 'posterm-diag-mac-'));
let n = 0;

/** A terminal with the virtual reader on a pty and the host simulator (with `faults`). */
async function terminal(faults?: string, card = 'unionpay-contactless') {
  const reader = await startVirtualReader({ pty: join(dir, `r${n++}`), card, noCardDelayMs: 300 });
  cleanups.push(() => reader.close());
  const sim = await startHostSim({ tmk: profileTmk(diagTerminal().profile), port: 0, faults });
  cleanups.push(() => sim.close());
  return diagTerminal((raw) => {
    raw.reader = { device: reader.path, tapTimeoutS: 2 };
    raw.host.primary.port = sim.port;
  });
}

describeWithSocat('posterm diag --card: the MAC of a real answer', () => {
  it('a balance inquiry with the tapped card: the 0210 MAC verifies (masked card, no track data); the prompt is shown', async () => {
    const t = await terminal();
    const io = fakeIo();
    await main(['diag', '--profile', t.file, '--card', '--json'], io);
    expect(io.err()).toContain('host.mac: present a card on the reader');
    const r = JSON.parse(io.out());
    const x = expectCheck(r, 'host.mac', 'pass');
    expect(x.evidence).toMatchObject({ mti: '0200', answer: '0210', responseCode: '00', mac: 'verified' });
    const card = TEST_CARDS['unionpay-contactless'];
    expect(x.evidence.maskedPan).toBe(`${card.pan.slice(0, 6)}******${card.pan.slice(-4)}`);
    expect(io.out()).not.toContain(card.pan);
    expect(io.out()).not.toContain(testCardTrack2(card).slice(0, 20));
  });

  it('a host whose answers carry a wrong MAC fails host.mac (HOST_BAD_MAC, hint host.badMac); sign-on and echo still pass', async () => {
    const t = await terminal('bad-mac@0200');
    const r = await diagnose({ profile: t.file, card: true, ntp: async () => 'unknown' });
    expectCheck(r, 'host.signon', 'pass');
    expectCheck(r, 'host.echo', 'pass');
    const x = expectCheck(r, 'host.mac', 'fail', 'host.badMac');
    expect(x.evidence).toMatchObject({ code: 'HOST_BAD_MAC', cause: 'bad-mac', mac: 'missing or wrong' });
    expect(x.hint?.zh).toContain('MAC');
    expect(r.exitCode).toBe(2);
  });

  it('no card presented in time warns host.noCard; without --card host.mac is skipped saying it needs a card', async () => {
    const t = await terminal(undefined, 'no-card');
    const r = await diagnose({ profile: t.file, card: true, ntp: async () => 'unknown' });
    expect(expectCheck(r, 'host.mac', 'warn', 'host.noCard').evidence).toMatchObject({ cardRead: 'no-card' });
    const plain = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    expect(expectCheck(plain, 'host.mac', 'skipped').skippedBecause).toMatch(
      /needs a card: run posterm diag --card/,
    );
  });
});

it('beside a running runtime: --card runs the inquiry through the runtime, which verifies the MAC; a bad MAC fails', async () => {
  for (const faults of [undefined, 'bad-mac@0200']) {
    const world = await startWorld({ faults });
    cleanups.push(() => world.close());
    for (let i = 0; i < 100 && !(await world.rt.status()).signedOn; i++)
      await new Promise((r) => setTimeout(r, 20));
    const r = await diagnose({ profile: world.profileFile, card: true, ntp: async () => 'unknown' });
    expect(r.mode).toBe('running-runtime');
    if (!faults) {
      expect(expectCheck(r, 'host.mac', 'pass').evidence).toMatchObject({
        source: FROM_RUNTIME,
        responseCode: '00',
        mac: 'verified by the runtime',
      });
    } else {
      const x = expectCheck(r, 'host.mac', 'fail', 'host.badMac');
      expect(x.evidence).toMatchObject({ source: FROM_RUNTIME, code: 'HOST_BAD_MAC' });
    }
  }
});
