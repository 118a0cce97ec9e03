import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempJournal } from './journalFixture.js';

const CHILD = fileURLToPath(new URL('./fixtures/crashChild.ts', import.meta.url));

let fx: ReturnType<typeof tempJournal>;
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fx?.cleanup();
});

/** Starts the child, waits for READY, SIGKILLs it; returns the id and STAN it reported. */
async function beginThenKill(path: string, key: Buffer, phase: 'begun' | 'sent') {
  const c = spawn(process.execPath, ['--import', 'tsx', CHILD, path, '', phase], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child = c;
  c.stdin?.end(`${key.toString('hex')}\n`); // the key goes through a pipe, not argv
  let out = '';
  let err = '';
  c.stderr?.on('data', (d) => {
    err += d;
  });
  const ready = await new Promise<string>((resolve, reject) => {
    c.stdout?.on('data', (d) => {
      out += d;
      const m = /READY (\d+) (\d{6})\n/.exec(out);
      if (m) resolve(m[0]);
    });
    c.on('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    c.on('exit', (_code, signal) => resolve(signal)),
  );
  c.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const [, id, stan] = ready.trim().split(' ');
  return { id: Number(id), stan };
}

describe('crash in the middle of a reversible transaction (child process, SIGKILL)', () => {
  for (const phase of ['begun', 'sent'] as const) {
    it(`finds the ${phase} purchase as a pending reversal with reason 06 after restart`, async () => {
      fx = tempJournal();
      fx.journal.close(); // the child owns the database until it dies
      const { id, stan } = await beginThenKill(fx.path, fx.key, phase);
      const j = fx.reopen();
      const report = j.recoverAfterCrash();
      expect(report.reversals.map((r) => [r.id, r.stan, r.state, r.reversal?.reason])).toEqual([
        [id, stan, 'reversal-pending', '06'],
      ]);
      const next = j.nextToForward();
      expect(next?.type).toBe('reversal');
      if (next?.type !== 'reversal') return;
      expect(next.reason).toBe('06');
      expect(next.request.card?.pan).toBe('6212345678901232'); // decryptable: needed for the 0400
      expect(next.request.fields[11]).toBe(stan);
      expect(j.nextStan()).toBe(String(Number(stan) + 1).padStart(6, '0')); // STAN was durable
    });
  }
});
