/**
 * Issue 8 (items 2, 3, 14): a runtime that cannot start exits with one coded line naming the
 * file; one runtime per journal (a SIGKILLed one leaves no stuck lock); a missing reader starts
 * degraded; the control socket answers before sign-on.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveRuntime } from '../../src/control/serveRuntime.js';
import { startVirtualReader } from '../../src/emulator/VirtualReaderServer.js';
import { createLogger } from '../../src/log.js';
import { parseProfile } from '../../src/profile/loadProfile.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import { callApi } from '../helpers/callApi.js';
import { RuntimeChild, RuntimeChildDied } from '../helpers/RuntimeChild.js';
import { startWorld, until, type World, writeWorldProfile } from './world.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-startup-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `posterm run` and expects it to exit before it is ready; returns the exit and stderr. */
async function expectNoStart(profileFile: string, dir: string) {
  try {
    const child = await RuntimeChild.start({ profileFile, logFile: join(dir, 'runtime.log') });
    cleanups.push(() => child.kill());
  } catch (e) {
    if (e instanceof RuntimeChildDied) return { exit: e.exit, stderr: e.stderr };
    throw e;
  }
  throw new Error('the runtime started');
}

describe('posterm run: start-up failures exit with a coded line', () => {
  // Port 9 on localhost: nothing listens; none of these runtimes gets as far as the host.
  it('a key file open to others: JOURNAL_KEY_FILE_MODE naming the file, exit 4', async () => {
    const dir = tempDir();
    const { profile, profileFile } = writeWorldProfile(dir, 9);
    writeFileSync(profile.journal.keyFile, `${randomBytes(32).toString('hex')}\n`);
    chmodSync(profile.journal.keyFile, 0o644);
    const { exit, stderr } = await expectNoStart(profileFile, dir);
    expect(exit.code).toBe(4);
    expect(stderr).toMatch(/^posterm run: JOURNAL_KEY_FILE_MODE: /m);
    expect(stderr).toContain(profile.journal.keyFile);
  });

  it('a journal of random bytes: JOURNAL_CORRUPT naming the file, which is kept', async () => {
    const dir = tempDir();
    const { profile, profileFile } = writeWorldProfile(dir, 9);
    writeFileSync(profile.journal.keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    const bytes = randomBytes(8192);
    writeFileSync(profile.journal.path, bytes);
    const { exit, stderr } = await expectNoStart(profileFile, dir);
    expect(exit.code).toBe(4);
    expect(stderr).toMatch(/^posterm run: JOURNAL_CORRUPT: /m);
    expect(stderr).toContain(profile.journal.path);
    expect(readFileSync(profile.journal.path)).toEqual(bytes);
  });

  it('a journal directory that is a file: JOURNAL_DIR naming it (no uncoded ENOTDIR)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state'), 'not a directory');
    const { profileFile } = writeWorldProfile(dir, 9, (raw) => {
      raw.journal = { path: 'state/journal.db', keyFile: 'journal.key' };
    });
    const { exit, stderr } = await expectNoStart(profileFile, dir);
    expect(exit.code).toBe(4);
    expect(stderr).toMatch(/^posterm run: JOURNAL_DIR: /m);
    expect(stderr).toContain(join(dir, 'state'));
    expect(stderr).not.toContain('internal error');
  });

  it('a control socket directory that is a file: CONTROL_SOCKET_DIR naming the socket, journal and reader closed', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run'), 'not a directory');
    const { profile, profileFile } = writeWorldProfile(dir, 9, (raw) => {
      raw.control = { socket: 'run/control.sock' };
    });
    const { exit, stderr } = await expectNoStart(profileFile, dir);
    expect(exit.code).toBe(4);
    expect(stderr).toMatch(/^posterm run: CONTROL_SOCKET_DIR: /m);
    expect(stderr).toContain(dirname(profile.control.socket!));
  });
});

describe('one runtime per journal', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('refuses a second runtime with JOURNAL_LOCKED and its pid; the live sale stays untouched; kill -9 frees it', async () => {
    w = await startWorld({
      faults: 'no-answer@0200*1',
      startRuntime: false,
      edit: (raw) => {
        raw.host.responseTimeoutMs = 60_000; // the first sale stays in flight
      },
    });
    const first = await RuntimeChild.start({ profileFile: w.profileFile, logFile: w.logFile });
    cleanups.push(() => first.kill());
    const socket = w.profile.control.socket!;
    const pending = callApi(socket, (c) => c.sale({ amountMinor: 4321 })).catch((e) => e);
    await until(() => w!.seen.some((s) => s.startsWith('0200/')), 10_000, 'the sale to reach the host');

    const { exit, stderr } = await expectNoStart(w.profileFile, w.dir);
    expect(exit.code).toBe(4);
    expect(stderr).toMatch(/^posterm run: JOURNAL_LOCKED: another posterm is running, pid \d+/m);
    expect(stderr).toContain(`pid ${first.pid}`);
    // The first runtime still owns its socket and its sale: nothing reversed it.
    const status = await callApi(socket, (c) => c.status());
    expect(status.pendingReversals).toBe(0);
    expect(w.seen.filter((s) => s.startsWith('0400/'))).toEqual([]);
    expect(w.sim.ledger(w.profile.terminalId)).toMatchObject([{ reversed: false }]);

    await first.kill();
    expect(await pending).toMatchObject({ code: expect.stringMatching(/^CONTROL_/) });
    const next = await RuntimeChild.start({ profileFile: w.profileFile, logFile: w.logFile });
    cleanups.push(() => next.kill());
    expect((await next.stop()).code).toBe(0);
  });
});

describe('a missing reader', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('starts degraded: status says unavailable, sales fail READER_UNAVAILABLE at once, settlement works; the reader is used once it appears', async () => {
    w = await startWorld({ startRuntime: false });
    await w.reader!.unplug();
    const rt = await w.restart();
    const status = async () => (await callApi(w!.profile.control.socket!, (c) => c.status())).reader;
    expect(await status()).toMatchObject({
      state: 'unavailable',
      reason: expect.any(String),
      since: expect.any(String),
    });

    // tapTimeoutS is 30 s, the test's limit 20 s: an answer after a tap timeout would fail here.
    const sale = await rt.engine.sale({ amountMinor: 1000 });
    expect(sale).toMatchObject({ outcome: 'failed', reason: { code: 'READER_UNAVAILABLE' } });
    expect(sale.textZh).toContain('读卡器不可用');
    const inquiry = await rt.engine.inquiry();
    expect(inquiry).toMatchObject({ outcome: 'failed', reason: { code: 'READER_UNAVAILABLE' } });
    const settled = await rt.settle();
    expect(settled).toBeDefined();

    await w.reader!.replug();
    await until(() => rt.readerStatus.state === 'connected', 15_000, 'the reader to be used');
    expect(await status()).toMatchObject({ state: 'connected' });
    expect((await rt.engine.sale({ amountMinor: 1000 })).outcome).toBe('approved');
  });
});

describe('control socket', () => {
  let server: Server | undefined;
  const held: Socket[] = [];
  afterEach(async () => {
    for (const s of held.splice(0)) s.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('answers before sign-on: status says signingOn while a silent host keeps the sign-on waiting', async () => {
    server = createServer((s) => held.push(s)); // accepts, never answers
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dir = tempDir();
    const { raw } = writeWorldProfile(dir, port, (r) => {
      r.host.responseTimeoutMs = 60_000;
    });
    const reader = await startVirtualReader({ tcpPort: 0 });
    cleanups.push(() => reader.close());
    const log = createLogger('test', { destination: join(dir, 'runtime.log') });
    const rt = await Runtime.start({ profile: parseProfile(raw, dir), readerPath: reader.path, log });
    cleanups.push(() => rt.stop());
    await serveRuntime(rt, log);
    const status = await callApi(rt.profile.control.socket!, (c) => c.status());
    expect(status).toMatchObject({ signingOn: true, signedOn: false, reader: { state: 'connected' } });
  });
});
