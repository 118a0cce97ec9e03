/**
 * Reader benchmark: ping round trips through the driver over a pseudo-terminal (socat) to the
 * virtual reader, next to the raw serialport echo round trip over the same kind of pty path,
 * measured in the same run. Prints JSON.
 *
 *   npm run bench:reader [-- --iterations N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { startVirtualReader } from '../../src/emulator/VirtualReaderServer.js';
import { NeoCommand, neoCommandFrame } from '../../src/reader/NeoFrame.js';
import { ReaderDriver } from '../../src/reader/ReaderDriver.js';

const { values } = parseArgs({ options: { iterations: { type: 'string' } } });
const iterations = Number(values.iterations ?? 2000);
const warmup = Math.min(200, Math.ceil(iterations / 10));

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const r = (x: number) => Number(x.toFixed(4));
  return {
    p50: r(q(0.5)),
    p99: r(q(0.99)),
    mean: r(s.reduce((a, b) => a + b, 0) / s.length),
    max: r(s[s.length - 1]),
  };
}

/** socat pty <-> this process's stdio, echoing every byte back. */
async function startEcho(link: string) {
  const p = spawn('socat', ['-d', '-d', `pty,rawer,link=${link}`, 'STDIO'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  p.stdout.on('data', (d: Buffer) => p.stdin.write(d));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    p.stderr.on('data', (d: Buffer) => {
      log += d;
      if (log.includes('starting data transfer loop')) resolve();
    });
    p.on('exit', () => reject(new Error('socat exited')));
  });
  return p;
}

interface Probe {
  /** One round trip, ms. */
  round(): Promise<number>;
  close(): Promise<void>;
}

async function rawEcho(link: string): Promise<Probe> {
  const echo = await startEcho(link);
  const port = await SerialPort.binding.open({ path: link, baudRate: 115200 });
  const frame = neoCommandFrame(NeoCommand.Ping);
  // A read is always pending, as in the driver's transport.
  let got = 0;
  let wake: (() => void) | undefined;
  let open = true;
  const reading = (async () => {
    const buf = Buffer.alloc(2048);
    while (open) {
      try {
        got += (await port.read(buf, 0, buf.length)).bytesRead;
      } catch {
        return;
      }
      if (got >= frame.length) wake?.();
    }
  })();
  return {
    async round() {
      got = 0;
      const echoed = new Promise<void>((r) => {
        wake = r;
      });
      const t0 = performance.now();
      await port.write(frame);
      await echoed;
      return performance.now() - t0;
    },
    async close() {
      open = false;
      await port.close();
      await reading;
      echo.kill();
    },
  };
}

async function driverPing(link: string): Promise<Probe & { driver: ReaderDriver }> {
  const sim = await startVirtualReader({ pty: link });
  const driver = new ReaderDriver({ path: sim.path, idlePingMs: 0 });
  await driver.start();
  return {
    driver,
    round: () => driver.ping(),
    async close() {
      await driver.stop();
      await sim.close();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'posterm-bench-reader-'));
const raw = await rawEcho(join(dir, 'echo'));
const drv = await driverPing(join(dir, 'reader'));
try {
  // Interleaved blocks, so that machine load drifts hit both measurements alike.
  const rawSamples: number[] = [];
  const pingSamples: number[] = [];
  const block = 100;
  for (let i = 0; i < warmup; i++) {
    await raw.round();
    await drv.round();
  }
  for (let done = 0; done < iterations; done += block) {
    const n = Math.min(block, iterations - done);
    for (let i = 0; i < n; i++) rawSamples.push(await raw.round());
    for (let i = 0; i < n; i++) pingSamples.push(await drv.round());
  }
  const rawStats = stats(rawSamples);
  const ping = stats(pingSamples);
  const out = {
    benchmark: 'reader ping round trip over a pty (socat), ms',
    date: new Date().toISOString(),
    node: process.version,
    machine: `${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, ${process.platform}/${process.arch}`,
    iterations,
    warmup,
    rawSerialportEcho: rawStats,
    driverPing: ping,
    driverOverhead: {
      p50: Number((ping.p50 - rawStats.p50).toFixed(4)),
      p99: Number((ping.p99 - rawStats.p99).toFixed(4)),
    },
    counters: drv.driver.counters,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await raw.close();
  await drv.close();
  rmSync(dir, { recursive: true, force: true });
}
