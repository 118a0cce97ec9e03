/**
 * A clean stop (SIGTERM, Runtime.stop) while a sale or an advice is at the host: the one in flight
 * is finished, not cut off; nothing is left marked `sent`; nothing is logged at error level.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { expectLedgerAgrees, startWorld, until, type World } from './world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

function errorLines(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l && JSON.parse(l).level >= 50);
}

function reopen(world: World): Journal {
  const { path, keyFile } = world.profile.journal;
  return Journal.open({ path, key: loadKeyFile(keyFile) });
}

describe('clean stop', () => {
  it('finishes the sale at the host, refuses a new one, leaves nothing sent and logs no error', async () => {
    w = await startWorld({
      faults: 'delay:800@0200*1',
      edit: (raw) => {
        raw.host.responseTimeoutMs = 3000;
      },
    });
    const world = w;
    const inFlight = world.rt.engine.sale({ amountMinor: 1234 });
    await until(() => world.seen.some((s) => s.startsWith('0200')), 5000, 'the sale at the host');
    const stopping = world.rt.stop();
    const late = await world.rt.engine.sale({ amountMinor: 999 });
    expect(late).toMatchObject({ outcome: 'failed', reason: { code: 'TXN_STOPPING' } });
    const sale = await inFlight;
    await stopping;
    expect(sale).toMatchObject({ outcome: 'approved', approval: 'online' });
    const j = reopen(world);
    try {
      const txns = j.listTransactions();
      expect(txns.map((t) => t.state)).toEqual(['approved']);
      expect(j.pendingReversals()).toEqual([]);
      expectLedgerAgrees(j, world.sim, world.profile.terminalId);
    } finally {
      j.close();
    }
    expect(errorLines(world.logFile)).toEqual([]);
    world.rt = undefined as never;
  });

  it('an advice at the host when the stop comes: answered and done, or back to pending, never sent', async () => {
    w = await startWorld({
      faults: 'delay:800@0220*1',
      edit: (raw) => {
        raw.host.responseTimeoutMs = 3000;
        raw.offline = { ...raw.offline, floorLimitMinor: 100_000 };
      },
    });
    const world = w;
    const offline = await world.rt.engine.sale({ amountMinor: 2222, mode: 'force-offline' });
    expect(offline).toMatchObject({ outcome: 'approved', approval: 'offline' });
    await until(() => world.seen.some((s) => s.startsWith('0220')), 5000, 'the advice at the host');
    await world.rt.stop();
    const j = reopen(world);
    try {
      expect(j.listQueue('sent')).toEqual([]);
      expect(j.listQueue().map((a) => a.state)).toEqual(['done']);
    } finally {
      j.close();
    }
    expect(errorLines(world.logFile)).toEqual([]);
    world.rt = undefined as never;
  });
});
