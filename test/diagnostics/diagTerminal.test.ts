/**
 * Diag on the terminal itself: a missing reader device, a journal with a reversal past its
 * attempt limit, a corrupted journal file; and a run beside a running runtime, whose reader and
 * journal facts come from the runtime (the journal is not opened a second time).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, ManualClock } from '../../src/clock.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { FROM_RUNTIME } from '../../src/diagnostics/runtimeFactChecks.js';
import { writeSupportBundle } from '../../src/diagnostics/supportBundle.js';
import { watchLinks } from '../../src/diagnostics/watchLinks.js';
import { isPosError } from '../../src/errors.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { startWorld, type World } from '../integration/world.js';
import { PAN_A, purchaseFields } from '../journal/journalFixture.js';
import { type DiagTerminal, diagTerminal, expectCheck } from './diagKit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The terminal's journal, made as the runtime makes it (key file created with it). */
function makeJournal(t: DiagTerminal, clock?: Clock): Journal {
  const key = loadKeyFile(t.profile.journal.keyFile);
  return Journal.open({
    path: t.profile.journal.path,
    key,
    reversalAttemptLimit: t.profile.reversal.maxAttempts,
    clock,
  });
}

/** An approved purchase (counted in its batch). */
function approvedSale(j: Journal, amountMinor: number, rrn: string) {
  const t = j.begin({ kind: 'purchase', amountMinor, fields: purchaseFields });
  j.markSent(t.id);
  return j.recordAnswer(t.id, { responseCode: '00', rrn, authCode: 'A1B2C3' });
}

describe('posterm diag: reader and journal', () => {
  it('a missing reader device fails serial.device with the reader hint; open and ping are skipped naming it', async () => {
    const t = diagTerminal((raw) => {
      raw.reader.device = 'ttyUSB-not-here';
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'serial.device', 'fail', 'serial.missing');
    expect(x.evidence).toMatchObject({ device: 'ttyUSB-not-here', errno: 'ENOENT' });
    expect(x.hint?.zh).toContain('读卡器');
    expect(expectCheck(r, 'serial.open', 'skipped').skippedBecause).toBe('serial.device failed');
    expect(expectCheck(r, 'reader.ping', 'skipped').skippedBecause).toMatch(/^serial\.open was skipped/);
    expect(r.exitCode).toBe(2);
  });

  it('a pending reversal past its attempt limit fails journal.reversals (STAN and attempts in the evidence, no card data)', async () => {
    const t = diagTerminal((raw) => {
      raw.reversal = { maxAttempts: 2, whilePending: 'wait' };
    });
    const j = makeJournal(t);
    const txn = j.begin({ kind: 'purchase', amountMinor: 1234, fields: purchaseFields });
    j.markSent(txn.id);
    j.recordNoAnswer(txn.id, '98');
    for (let i = 0; i < 2; i++) {
      j.reversalAttempt(txn.id);
      j.reversalResult(txn.id, null);
    }
    j.close();
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    expectCheck(r, 'journal.integrity', 'pass');
    const x = expectCheck(r, 'journal.reversals', 'fail', 'journal.reversalOverLimit');
    expect(x.evidence).toMatchObject({ pending: 1, overLimit: 1 });
    expect(x.evidence.items).toEqual([
      expect.objectContaining({ stan: txn.stan, amountMinor: 1234, attempts: 2, overLimit: true }),
    ]);
    expect(x.hint?.zh).toContain('冲正');
    expect(r.exitCode).toBe(2);
    // diag closed the journal: it opens again
    makeJournal(t).close();
  });

  it('an open batch whose oldest sale is two days old warns journal.batch (settle); a fresh one passes', async () => {
    const t = diagTerminal();
    const twoDaysAgo = new ManualClock(Date.now() - 2 * 86_400_000);
    const j = makeJournal(t, twoDaysAgo);
    approvedSale(j, 1000, '000000000031');
    j.close();
    const j2 = makeJournal(t);
    approvedSale(j2, 2000, '000000000032');
    j2.close();
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'journal.batch', 'warn', 'journal.batchOld');
    expect(x.evidence).toMatchObject({ batch: '000001', counted: 2, olderUnsettled: [] });
    expect(x.evidence.oldestAgeS as number).toBeGreaterThanOrEqual(2 * 86_400 - 5);
    expect(x.hint?.zh).toContain('结算');

    const fresh = diagTerminal();
    const jf = makeJournal(fresh);
    approvedSale(jf, 1000, '000000000033');
    jf.close();
    const rf = await diagnose({ profile: fresh.file, ntp: async () => 'unknown' });
    expect(expectCheck(rf, 'journal.batch', 'pass').evidence).toMatchObject({ counted: 1 });
  });

  it('an offline sale waiting longer than offline.maxAgeS warns journal.queue (depth, oldest age)', async () => {
    const t = diagTerminal((raw) => {
      raw.offline.maxAgeS = 3600;
    });
    const j = makeJournal(t, new ManualClock(Date.now() - 2 * 3600_000));
    j.enqueueAdvice({
      amountMinor: 500,
      authCode: 'Y00001',
      card: { pan: PAN_A, expiry: '3012' },
      fields: {},
    });
    j.close();
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'journal.queue', 'warn', 'journal.queueOld');
    expect(x.evidence).toMatchObject({ depth: 1, maxAgeS: 3600 });
    expect(x.evidence.oldestAgeS as number).toBeGreaterThan(3600);
    expect(JSON.stringify(r)).not.toContain(PAN_A);
  });

  it('a corrupted journal file fails journal.integrity with the corrupt hint; the journal checks after it are skipped', async () => {
    const t = diagTerminal();
    const j = makeJournal(t);
    for (let i = 0; i < 50; i++) j.begin({ kind: 'inquiry', amountMinor: 0, fields: purchaseFields });
    j.close();
    const size = readFileSync(t.profile.journal.path).length;
    const fd = openSync(t.profile.journal.path, 'r+');
    writeSync(fd, Buffer.alloc(size - 1024, 0x5a), 0, size - 1024, 1024); // every page after the first
    closeSync(fd);
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const x = expectCheck(r, 'journal.integrity', 'fail', 'journal.corrupt');
    expect(x.evidence.file).toBe(t.profile.journal.path);
    expect(expectCheck(r, 'journal.reversals', 'skipped').skippedBecause).toBe('journal.integrity failed');
    expect(r.exitCode).toBe(2);
  });
});

describe('posterm diag beside a running runtime', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('takes the reader, host and journal facts from the runtime and opens neither the port nor the journal', async () => {
    world = await startWorld();
    for (let i = 0; i < 100 && !(await world.rt.status()).signedOn; i++)
      await new Promise((r) => setTimeout(r, 20));
    // a date the bundled holiday calendar covers for more than 60 days
    const now = () => Date.parse('2026-06-01T00:00:00Z');
    const r = await diagnose({ profile: world.profileFile, ntp: async () => 'unknown', now });
    expect(r.mode).toBe('running-runtime');
    expect(expectCheck(r, 'runtime.control', 'pass').evidence).toMatchObject({ running: true });
    expect(expectCheck(r, 'serial.open', 'pass').evidence).toMatchObject({
      source: FROM_RUNTIME,
      portOpenedByDiag: false,
      state: 'connected',
    });
    expect(expectCheck(r, 'reader.ping', 'pass').evidence.source).toBe(FROM_RUNTIME);
    expect(expectCheck(r, 'host.signon', 'pass').evidence).toMatchObject({
      source: FROM_RUNTIME,
      signedOn: true,
    });
    for (const id of [
      'journal.integrity',
      'journal.key',
      'journal.reversals',
      'journal.queue',
      'journal.disk',
    ]) {
      expect(expectCheck(r, id, 'pass').evidence, id).toMatchObject({
        source: FROM_RUNTIME,
        journalOpened: false,
      });
    }
    for (const id of ['settlement.held', 'settlement.failed', 'settlement.unknown', 'settlement.overdue']) {
      expect(expectCheck(r, id, 'pass').evidence, id).toMatchObject({ source: FROM_RUNTIME, tracked: 0 });
    }
    // the network checks ran from diag itself
    expect(expectCheck(r, 'host.primary.tcp', 'pass').evidence.source).toBeUndefined();
    expect(r.exitCode).toBe(0);
    // the runtime still holds the journal: a second open is refused by its lock
    let code: string | undefined;
    try {
      Journal.open({
        path: world.profile.journal.path,
        key: loadKeyFile(world.profile.journal.keyFile),
      }).close();
    } catch (e) {
      code = isPosError(e) ? e.code : String(e);
    }
    expect(code).toBe('JOURNAL_LOCKED');
    // and it still sells
    expect((await world.rt.inquiry()).outcome).toBeDefined();

    // clock.host is not applicable (diag sends nothing); clock.sync runs
    expect(expectCheck(r, 'clock.host', 'skipped').skippedBecause).toMatch(/sends no message/);
    // --watch beside it: TCP connect only, no sign-on or echo of its own
    let t = 0;
    const w = await watchLinks({
      profile: world.profile,
      durationMs: 2000,
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    });
    expect(w).toMatchObject({ mode: 'running-runtime', rounds: 2, exitCode: 0 });
    expect(w.rows.map((x) => x.probe)).toEqual(['tcp']);
    // --bundle beside it: the journal counts come from the runtime, the journal is not opened
    const b = await writeSupportBundle({
      file: join(world.dir, 'bundle.tar.gz'),
      profile: world.profileFile,
      report: r,
    });
    const tarText = gunzipSync(readFileSync(b.file)).toString('utf8');
    expect(tarText).toContain('from the running runtime (its journal is not opened a second time)');
    expect(b.id).toMatch(/^[0-9a-f]{8}$/);
  });
});
