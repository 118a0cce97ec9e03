/**
 * The control socket of a real runtime (against the host simulator and the virtual reader)
 * under abuse: garbage lines between sales, clients that vanish mid-sale, clients that
 * half-close. Afterwards the runtime still answers, every sale it read is journalled with its
 * final outcome, and the host's ledger agrees with the journal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callRuntime } from '../../src/control/ControlClient.js';
import { exchange } from '../control/controlTestKit.js';
import { expectLedgerAgrees, startWorld, until, type World } from './world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const PAN = '6212345600000012';

interface Answer {
  id: unknown;
  ok: boolean;
  result?: { id: number; outcome: string; amountMinor?: number; responseCode?: string };
  error?: { code: string; message: string };
}

const sale = (id: string, amountMinor: number) =>
  JSON.stringify({ id, method: 'sale', params: { amountMinor } });

/** A connection that keeps reading answers; `next(n)` resolves once n answers have arrived. */
function lineClient(path: string) {
  const s = connect(path);
  const answers: Answer[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let buf = '';
  s.setEncoding('utf8');
  s.on('data', (c: string) => {
    buf += c;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      answers.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
    for (const wt of [...waiters]) if (answers.length >= wt.n) wt.resolve();
  });
  return {
    socket: s,
    answers,
    connected: new Promise<void>((r) => s.once('connect', () => r())),
    until(n: number): Promise<Answer[]> {
      if (answers.length >= n) return Promise.resolve(answers);
      return new Promise((resolve) => waiters.push({ n, resolve: () => resolve(answers) }));
    },
  };
}

/** Connects, writes a sale request, and destroys the socket once the bytes are in the kernel. */
async function vanishAfterWrite(path: string, line: string): Promise<void> {
  const s: Socket = connect(path);
  await new Promise<void>((r) => s.once('connect', () => r()));
  await new Promise<void>((r) => s.write(`${line}\n`, () => r()));
  s.destroy();
}

/** Resolves once the host simulator has seen `n` requests of this MTI in all. */
function hostRequests(world: World, mti: string, n: number): Promise<void> {
  const count = () => world.seen.filter((s) => s.startsWith(`${mti}/`)).length;
  return new Promise((resolve) => {
    const on = () => {
      if (count() < n) return;
      world.sim.off('request', on);
      resolve();
    };
    world.sim.on('request', on);
    on();
  });
}

const FINAL = new Set(['approved', 'declined', 'reversed']);

describe('control socket abuse against a real runtime', () => {
  it('garbage, vanishing and half-closing clients: the runtime keeps answering and the books agree', async () => {
    w = await startWorld();
    const world = w;
    const path = world.profile.control.socket!;
    const sent: { id: string; amount: number }[] = [];
    const addSale = (id: string, amount: number) => {
      sent.push({ id, amount });
      return sale(id, amount);
    };

    // 1. One till connection: garbage interleaved with sales.
    const till = lineClient(path);
    await till.connected;
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7b, 0xc3, 0x28, 0x0a]);
    // The tail of the long line is a sale of its own: it must never run.
    const longLine = `${'a'.repeat(100 * 1024)}${sale('smuggled', 9910)}\n`;
    till.socket.write(`null\n${addSale('s1', 1110)}\n[]\n42\n`);
    till.socket.write(`"x"\n{\n`);
    till.socket.write(binary);
    till.socket.write(`${addSale('s2', 2051)}\n`); // declined (51)
    till.socket.write(longLine);
    till.socket.write(
      `{"method":"__proto__"}\n${addSale('s3', 1130)}\n{"method":"constructor","params":{}}\n`,
    );
    const answers = await till.until(12);
    const errors = answers.filter((a) => !a.ok).map((a) => a.error!.code);
    expect(errors.sort()).toEqual([
      ...Array(6).fill('CONTROL_BAD_REQUEST'),
      'CONTROL_LINE_TOO_LONG',
      'CONTROL_UNKNOWN_METHOD',
      'CONTROL_UNKNOWN_METHOD',
    ]);
    const byId = new Map(answers.filter((a) => a.ok).map((a) => [a.id, a.result!]));
    expect(byId.get('s1')).toMatchObject({ outcome: 'approved', amountMinor: 1110 });
    expect(byId.get('s2')).toMatchObject({ outcome: 'declined', responseCode: '51' });
    expect(byId.get('s3')).toMatchObject({ outcome: 'approved', amountMinor: 1130 });
    till.socket.destroy();

    // 2. Clients that vanish right after writing a sale, and one while its sale is at the host.
    for (const [i, amount] of [1210, 1220, 1230].entries())
      await vanishAfterWrite(path, addSale(`gone-${i}`, amount));
    // s1..s3 and gone-0..2 are purchases 1 to 6 (sales run one at a time): the 7th is gone-mid.
    const atHost = hostRequests(world, '0200', 7);
    const midSale = connect(path);
    await new Promise<void>((r) => midSale.once('connect', () => r()));
    midSale.write(`${addSale('gone-mid', 1240)}\n`);
    await atHost; // its purchase is on the wire: the client goes before the answer
    midSale.destroy();

    // 3. Clients that half-close after their request (one without a trailing newline).
    const [h1, h2] = await Promise.all([
      exchange(path, `${addSale('half-1', 1310)}\n`),
      exchange(path, addSale('half-2', 1320)),
    ]);
    expect(h1).toMatchObject([{ id: 'half-1', ok: true, result: { outcome: 'approved' } }]);
    expect(h2).toMatchObject([{ id: 'half-2', ok: true, result: { outcome: 'approved' } }]);

    // 4. Every sale read is journalled with its final outcome; the smuggled one never ran.
    const purchases = () =>
      world.rt.journal.listTransactions({ limit: 1000 }).filter((t) => t.kind === 'purchase');
    await until(
      () => sent.every((s) => purchases().some((t) => t.amountMinor === s.amount && FINAL.has(t.state))),
      15_000,
      'every sale to reach its final state',
    );
    for (const s of sent) {
      const rows = purchases().filter((t) => t.amountMinor === s.amount);
      expect(rows, `journal rows for ${s.id}`).toHaveLength(1);
      expect(rows[0].state, s.id).toBe(s.amount === 2051 ? 'declined' : 'approved');
    }
    expect(purchases()).toHaveLength(sent.length);
    expect(purchases().some((t) => t.amountMinor === 9910)).toBe(false);

    // 5. The runtime still answers; nothing is owed; the host's books match the journal.
    const status = await callRuntime<{ pendingReversals: number; signedOn: boolean }>(path, 'status');
    expect(status).toMatchObject({ pendingReversals: 0, signedOn: true });
    expect(world.rt.journal.pendingReversals()).toEqual([]);
    expectLedgerAgrees(world.rt.journal, world.sim, world.profile.terminalId);
    const charged = world.sim
      .ledger(world.profile.terminalId)
      .filter((e) => e.responseCode === '00' && !e.reversed)
      .map((e) => e.amount)
      .sort();
    expect(charged).toEqual(
      sent
        .map((s) => s.amount)
        .filter((a) => a !== 2051)
        .sort(),
    );

    // 6. The replies to vanished clients were dropped at info; no control error; no card data.
    const log = readFileSync(world.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; method?: string; id?: string });
    const dropped = log.filter((l) => l.msg === 'control reply dropped: client gone');
    for (const id of ['gone-0', 'gone-1', 'gone-2', 'gone-mid'])
      expect(dropped, id).toContainEqual(
        expect.objectContaining({ level: 30, method: 'sale', id: `"${id}"` }),
      );
    expect(log.filter((l) => l.level >= 50)).toEqual([]);
    expect(readFileSync(world.logFile, 'utf8')).not.toContain(PAN);
  });
});

const hasSocat = spawnSync('socat', ['-V']).status === 0;
const runSocat = hasSocat || process.env.CI === 'true';
if (!runSocat) console.log('skipping the socat half-close test: socat not found (apt-get install socat)');

describe('issue 14.1 as reported', () => {
  it.runIf(runSocat)('printf sale | socat -t 20 - UNIX-CONNECT:<socket> prints the answer', async () => {
    w = await startWorld();
    const path = w.profile.control.socket!;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('socat', ['-t', '20', '-', `UNIX-CONNECT:${path}`], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (c) => {
        text += String(c);
      });
      child.on('error', reject);
      child.on('exit', () => resolve(text));
      child.stdin.end('{"id":5,"method":"sale","params":{"amountMinor":888}}\n');
    });
    expect(out, 'socat printed the answer').toMatch(/^\{.*\}\n$/);
    const answer = JSON.parse(out);
    expect(answer).toMatchObject({ id: 5, ok: true, result: { outcome: 'approved', amountMinor: 888 } });
    expect(w.rt.journal.get(answer.result.id)!.state).toBe('approved');
    expectLedgerAgrees(w.rt.journal, w.sim, w.profile.terminalId);
  });
});
