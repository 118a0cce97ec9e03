/** Issue 4: the runtime over TLS to the host simulator; a wrong public-key pin is refused. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { loadTlsFromDir } from '../../src/emulator/hostSimTls.js';
import { parseProfile, profileTmk } from '../../src/profile/loadProfile.js';
import { emulatorProfileRaw, expectLedgerAgrees, startWorld, type World } from './world.js';

const TLS_DIR = join(import.meta.dirname, '..', 'fixtures', 'tls');
const RIGHT_PIN = readFileSync(join(TLS_DIR, 'server.pin'), 'utf8').trim();
const WRONG_PIN = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function tlsWorld(pin: string): Promise<World> {
  const material = loadTlsFromDir(TLS_DIR)!;
  const tmk = profileTmk(parseProfile(emulatorProfileRaw(), TLS_DIR));
  const sim = await startHostSim({ tmk, port: 0, tls: { key: material.key, cert: material.cert } });
  return startWorld({
    sim,
    edit: (raw) => {
      raw.host.primary.tls = true;
      raw.host.tls = { ca: join(TLS_DIR, 'ca.pem'), pins: [pin], servername: 'localhost' };
    },
  });
}

describe('TLS to the acquirer', () => {
  it('approves over TLS with the right pin', async () => {
    w = await tlsWorld(RIGHT_PIN);
    const r = await w.rt.engine.sale({ amountMinor: 1200, mode: 'require-online' });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'online' });
    expectLedgerAgrees(w.rt.journal, w.sim, w.profile.terminalId);
  });

  it('refuses a server whose key does not match the pin: nothing reaches the host, no plain-TCP fallback', async () => {
    w = await tlsWorld(WRONG_PIN);
    const r = await w.rt.engine.sale({ amountMinor: 1200, mode: 'require-online' });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'HOST_TLS_PIN_MISMATCH' } });
    expect(w.sim.ledger(w.profile.terminalId)).toHaveLength(0);
    expect(w.sim.stats.requests).toBe(0);
    expect(w.rt.journal.pendingReversals()).toHaveLength(0);
    expect(readFileSync(w.logFile, 'utf8')).toContain('HOST_TLS_PIN_MISMATCH');
  });
});
