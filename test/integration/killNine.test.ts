/**
 * Issue 4: the runtime killed with SIGKILL between sending a purchase and its answer reverses
 * it (reason 06) on its next start, and the host ends with the purchase reversed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/callApi.js';
import { expectLedgerAgrees, startWorld, until, type World } from './world.js';

let w: World | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await w?.close();
  w = undefined;
});

function runChild(profileFile: string, logFile: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'run', '--profile', profileFile, '--log-file', logFile],
    {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

describe('kill -9 between send and answer', () => {
  it('reverses the purchase with reason 06 on the next start', async () => {
    w = await startWorld({ faults: 'no-answer@0200*1', startRuntime: false });
    const { sim } = w;
    child = runChild(w.profileFile, w.logFile);
    let ready = '';
    child.stdout!.on('data', (c) => {
      ready += String(c);
    });
    await until(() => ready.includes('posterm running'), 20_000, 'the runtime to start');

    const pending = callApi(w.profile.control.socket!, (c) => c.sale({ amountMinor: 4321 })).catch((e) => e);
    await until(() => w!.seen.some((s) => s.startsWith('0200/')), 10_000, 'the purchase to reach the host');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(await pending).toMatchObject({ code: expect.stringMatching(/^CONTROL_/) });
    const stan = w.seen.find((s) => s.startsWith('0200/'))!.slice(5);
    expect(sim.ledger(w.profile.terminalId)).toMatchObject([{ stan, reversed: false }]);

    const rt = await w.restart();
    // The host marks the sale reversed before its 0410 reaches the journal: wait for both.
    const inJournal = () => rt.journal.listTransactions().find((t) => t.stan === stan);
    await until(
      () => sim.ledger(w!.profile.terminalId)[0]?.reversed === true && inJournal()?.state === 'reversed',
      10_000,
      'the reversal',
    );
    expect(w.seen.filter((s) => s.startsWith('0400/'))).toEqual([`0400/${stan}`]);
    const txn = inJournal()!;
    expect(txn).toMatchObject({ state: 'reversed', reversal: { reason: '06' } });
    expect(rt.journal.pendingReversals()).toHaveLength(0);

    const next = await rt.engine.sale({ amountMinor: 100 });
    expect(next.outcome).toBe('approved');
    expectLedgerAgrees(rt.journal, sim, w.profile.terminalId);
  });
});
