/**
 * The runtime of bench:online (journal at synchronous = FULL, host session with MAC) against a
 * host simulator already listening on `simPort`, with a card reader that has the card at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { parseProfile } from '../../src/profile/loadProfile.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import type { CardReaderPort } from '../../src/txn/ports.js';
import { emulatorProfileJson } from './profileJson.js';

const reader: CardReaderPort = {
  async readCard() {
    return {
      outcome: 'card',
      cardMs: 0,
      card: {
        pan: '6212345678901232',
        track2: '6212345678901232D30122011234567890',
        expiry: '3012',
        panSequence: '001',
        entryInterface: 'contactless',
        iccData: '9F260811223344556677889F2701809F360200019F3704A1B2C3D495050000000000',
      },
    };
  },
};

export interface OnlineRig {
  rt: Runtime;
  /** the journal file (its WAL is `${journalPath}-wal`) */
  journalPath: string;
  /**
   * One approved purchase (throws otherwise); i varies the amount. With `tillId`, through the
   * runtime's API as a till makes it (the answer is stored with the sale: one more commit).
   */
  purchase(i: number, tillId?: string): Promise<{ overheadMs: number; hostMs: number }>;
  stop(): Promise<void>;
}

export async function startOnlineRig(simPort: number, parentDir = tmpdir()): Promise<OnlineRig> {
  const dir = mkdtempSync(join(parentDir, 'posterm-bench-online-'));
  const raw = emulatorProfileJson();
  raw.host.primary.port = simPort;
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = {};
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(raw));
  const rt = await Runtime.start({ profile: parseProfile(raw, dir), log: silentLogger, reader });
  return {
    rt,
    journalPath: join(dir, 'journal.db'),
    async purchase(i, tillId) {
      const amountMinor = 100 + (i % 50) * 100;
      const r =
        tillId === undefined ? await rt.engine.sale({ amountMinor }) : await rt.sale({ amountMinor, tillId });
      if (r.outcome !== 'approved')
        throw new Error(`purchase ${i} not approved: ${r.responseCode ?? r.reason?.code}`);
      return { overheadMs: r.timings.totalMs! - r.timings.hostMs!, hostMs: r.timings.hostMs! };
    },
    async stop() {
      await rt.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
