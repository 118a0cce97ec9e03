/**
 * Issue 8 item 8, issue 14 item 3, against the host simulator over real sockets: a prefer-online
 * sale goes offline only when the host cannot be reached, never after a key or TLS failure; an
 * advice behind a failing sign-on is not charged attempts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { loadTlsFromDir } from '../../src/emulator/hostSimTls.js';
import { parseProfile, profileTmk } from '../../src/profile/loadProfile.js';
import { emulatorProfileRaw, startWorld, type World } from './world.js';

const TLS_DIR = join(import.meta.dirname, '..', 'fixtures', 'tls');
const WRONG_PIN = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** A host simulator whose TMK is not the terminal's: the working keys fail their check values. */
async function wrongTmkWorld(): Promise<World> {
  const tmk = Buffer.from(profileTmk(parseProfile(emulatorProfileRaw(), TLS_DIR)));
  tmk[0] ^= 0x10;
  return startWorld({ sim: await startHostSim({ tmk, port: 0 }) });
}

const logLines = (world: World) =>
  readFileSync(world.logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string; code?: string });

describe('failure classes against the host simulator', () => {
  it('wrong TMK: a prefer-online sale is declined with HOST_KEY_CHECK_FAILED, nothing is queued offline', async () => {
    w = await wrongTmkWorld();
    w.rt.forwarder.stop();
    const r = await w.rt.engine.sale({ amountMinor: 1500, mode: 'prefer-online' });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'HOST_KEY_CHECK_FAILED' } });
    expect(r.textEn).toMatch(/reload the TMK/);
    expect(r.textZh).toBe('工作密钥校验失败:终端主密钥与主机不符,请重新灌装主密钥');
    expect(w.rt.journal.listQueue()).toEqual([]);
    expect(w.seen.filter((s) => !s.startsWith('08'))).toEqual([]); // no financial message left
    const lines = logLines(w);
    expect(lines.some((l) => /unreachable/.test(l.msg))).toBe(false);
    expect(lines.some((l) => l.level >= 50 && l.code === 'HOST_KEY_CHECK_FAILED')).toBe(true);
  });

  it('wrong TMK: an advice waiting behind failed sign-ons is not charged attempts', async () => {
    w = await wrongTmkWorld();
    w.rt.forwarder.stop();
    const sale = await w.rt.engine.sale({ amountMinor: 800, mode: 'force-offline' });
    expect(sale.approval).toBe('offline');
    for (let i = 0; i < 4; i++) {
      expect(await w.rt.forwarder.forwardAll()).toMatchObject({
        unreachable: false,
        failed: 1,
        remaining: 1,
      });
    }
    expect(w.rt.journal.listQueue()).toMatchObject([
      { state: 'pending', attempts: 0, lastResult: 'not-sent: HOST_KEY_CHECK_FAILED' },
    ]);
    expect(w.seen.filter((s) => s.startsWith('0220'))).toEqual([]);
  });

  it('TLS pin mismatch: a prefer-online sale is declined with HOST_TLS_PIN_MISMATCH, nothing is queued offline', async () => {
    const material = loadTlsFromDir(TLS_DIR)!;
    const tmk = profileTmk(parseProfile(emulatorProfileRaw(), TLS_DIR));
    const sim = await startHostSim({ tmk, port: 0, tls: { key: material.key, cert: material.cert } });
    w = await startWorld({
      sim,
      edit: (raw) => {
        raw.host.primary.tls = true;
        raw.host.tls = { ca: join(TLS_DIR, 'ca.pem'), pins: [WRONG_PIN], servername: 'localhost' };
      },
    });
    w.rt.forwarder.stop();
    const r = await w.rt.engine.sale({ amountMinor: 1500, mode: 'prefer-online' });
    expect(r).toMatchObject({ outcome: 'declined', reason: { code: 'HOST_TLS_PIN_MISMATCH' } });
    expect(w.rt.journal.listQueue()).toEqual([]);
    expect(w.sim.stats.requests).toBe(0);
  });
});
