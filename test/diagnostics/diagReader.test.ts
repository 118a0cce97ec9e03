/**
 * Diag's reader checks over real pseudo-terminals (socat): the virtual reader (clean, with noise
 * before every answer, with a bad CRC), a device that is not a reader (answers modem-like lines)
 * and one that answers nothing, and a port this user may not open. reader.ping says whether a NEO 2 reader is there, reader.frames
 * counts what a burst of pings met on the line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { BURST_PINGS, ReaderProbe } from '../../src/diagnostics/ReaderProbe.js';
import { checkSerialOpen } from '../../src/diagnostics/serialChecks.js';
import { startVirtualReader } from '../../src/emulator/VirtualReaderServer.js';
import { describeWithTool } from '../helpers/systemTool.js';
import { diagTerminal, expectCheck } from './diagKit.js';

const describeWithSocat = describeWithTool('socat', 'apt-get install socat');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const dir = mkdtempSync(join(tmpdir(), 'posterm-diag-reader-'));
let n = 0;

/** A pty whose other end runs the shell `script` (its output is what the "device" sends). */
async function ptyRunning(script: string): Promise<string> {
  const link = join(dir, `dev${n++}`);
  const file = `${link}.sh`;
  writeFileSync(file, `${script}\n`);
  const child: ChildProcess = spawn('socat', [`pty,rawer,link=${link}`, `EXEC:sh ${file}`], {
    stdio: 'ignore',
  });
  cleanups.push(() => {
    child.kill();
  });
  for (let i = 0; i < 100 && !existsSync(link); i++) await new Promise((r) => setTimeout(r, 20));
  return link;
}

async function virtualReader(faults: ('noise' | 'bad-crc')[] = []) {
  const sim = await startVirtualReader({ pty: join(dir, `vr${n++}`), faults });
  cleanups.push(() => sim.close());
  return sim;
}

const diagOn = (device: string) => {
  const t = diagTerminal((raw) => {
    raw.reader = { device };
    raw.host.primary = { host: 'acquirer.invalid', port: 5800 };
  });
  return diagnose({ profile: t.file, ntp: async () => 'unknown' });
};

describeWithSocat('posterm diag: the reader line', () => {
  it('a clean virtual reader: ping, firmware, and a burst of pings all answered with no framing error', async () => {
    const sim = await virtualReader();
    const r = await diagOn(sim.path);
    expect(expectCheck(r, 'reader.ping', 'pass').evidence).toMatchObject({
      firmware: 'NEO v2.00.14 VIRTUAL',
    });
    expect(expectCheck(r, 'reader.frames', 'pass').evidence).toMatchObject({
      pings: BURST_PINGS,
      answered: BURST_PINGS,
      lost: 0,
      frames: { ok: BURST_PINGS, noiseBytes: 0, badCrc: 0, badLength: 0 },
    });
  });

  it('noise before every answer: the reader answers, reader.frames warns with the noise counted', async () => {
    const sim = await virtualReader(['noise']);
    const r = await diagOn(sim.path);
    expectCheck(r, 'reader.ping', 'pass');
    const x = expectCheck(r, 'reader.frames', 'warn', 'reader.frameErrors');
    const frames = x.evidence.frames as { ok: number; noiseBytes: number; noiseRuns: number };
    expect(frames.ok).toBe(BURST_PINGS);
    expect(frames.noiseRuns).toBe(BURST_PINGS);
    expect(frames.noiseBytes).toBeGreaterThan(0);
    expect(x.hint?.zh).toContain('USB');
    expect(r.exitCode).toBe(2); // the host name does not resolve
  });

  it('a bad CRC during the burst: one answer lost and counted as a bad CRC (warn)', async () => {
    const sim = await virtualReader();
    const probe = new ReaderProbe({ device: sim.path });
    cleanups.push(() => probe.close());
    expect((await probe.answers()).result).toBe('pass');
    sim.setFaults(['bad-crc']);
    const x = await probe.burst(10);
    expect(x).toMatchObject({ result: 'warn', hint: 'reader.frameErrors' });
    expect(x.evidence).toMatchObject({ pings: 10, answered: 9, lost: 1, frames: { badCrc: 1 } });
  });

  it('a device that is not a reader (answers modem lines): reader.ping fails as not a reader; the burst is skipped', async () => {
    const dev = await ptyRunning('while printf "OK\\r\\n"; do sleep 0.02; done');
    const r = await diagOn(dev);
    expectCheck(r, 'serial.open', 'pass');
    const x = expectCheck(r, 'reader.ping', 'fail', 'reader.notReader');
    expect(x.evidence).toMatchObject({ line: 'bytes that are not NEO 2 frames', frames: { ok: 0 } });
    expect((x.evidence.frames as { noiseBytes: number }).noiseBytes).toBeGreaterThan(0);
    expect(expectCheck(r, 'reader.frames', 'skipped').skippedBecause).toBe('reader.ping failed');
  });

  it('a port this user may not open fails serial.open with the dialout hint (EACCES)', async () => {
    const sim = await virtualReader();
    const real = realpathSync(sim.path);
    const isRoot = process.getuid?.() === 0;
    // root opens anything: the check runs as nobody (effective ids); anyone else: mode 000
    chmodSync(real, isRoot ? 0o600 : 0o000);
    let x: Awaited<ReturnType<typeof checkSerialOpen>>;
    if (isRoot) {
      process.setegid?.(65534);
      process.seteuid?.(65534);
    }
    try {
      x = await checkSerialOpen({ device: sim.path });
    } finally {
      if (isRoot) {
        process.seteuid?.(0);
        process.setegid?.(0);
      }
      chmodSync(real, 0o600);
    }
    expect(x).toMatchObject({ result: 'fail', hint: 'serial.permission' });
    expect(JSON.stringify(x.evidence)).toMatch(/EACCES|Permission denied/);
  });

  it('a device that answers nothing: reader.ping fails with no answer (line silent)', async () => {
    const dev = await ptyRunning('sleep 30');
    const r = await diagOn(dev);
    const x = expectCheck(r, 'reader.ping', 'fail', 'reader.noAnswer');
    expect(x.evidence).toMatchObject({ line: 'silent', frames: { ok: 0, noiseBytes: 0 } });
    expect(r.exitCode).toBe(2);
  });
});
