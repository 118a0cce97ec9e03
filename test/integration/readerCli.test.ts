/** The reader CLI commands against the virtual reader (TCP and pty). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runReaderSim } from '../../src/cli/readerSim.js';
import { TEST_CARDS } from '../../src/emulator/VirtualReaderCards.js';
import { startVirtualReader, type VirtualReaderServer } from '../../src/emulator/VirtualReaderServer.js';
import { describeWithTool } from '../helpers/systemTool.js';

const describeWithSocat = describeWithTool('socat', 'apt-get install socat');

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  return { io: { stdout, stderr, stdin: new PassThrough() }, out: () => out, err: () => err };
}

let sim: VirtualReaderServer;
beforeAll(async () => {
  sim = await startVirtualReader({ tcpPort: 0 });
});
afterAll(async () => {
  await sim.close();
});

describe('posterm reader', () => {
  it('info --json: firmware, serial, counters', async () => {
    const c = io();
    expect(await main(['reader', 'info', '--device', sim.path, '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out());
    expect(j).toMatchObject({ state: 'connected', firmware: 'NEO v2.00.14 VIRTUAL', serial: 'VR0000000001' });
    expect(j.counters.frames).toBe(5);
  });

  it('tap prints masked card data, entry interface and chip tags, never the PAN or track', async () => {
    sim.setCard('unionpay-chip');
    const c = io();
    expect(
      await main(['reader', 'tap', '--device', sim.path, '--amount', '12.34', '--timeout', '5'], c.io),
    ).toBe(0);
    const pan = TEST_CARDS['unionpay-chip'].pan;
    expect(c.out()).toContain('621700******7893');
    expect(c.out()).toContain('entry:     contact');
    expect(c.out()).toMatch(/chip tags: 9F26 9F27 .* 84/);
    expect(c.out() + c.err()).not.toContain(pan);
    expect(c.out() + c.err()).not.toContain(pan.slice(6, 12));
  });

  it('tap --json with a declined card exits 1', async () => {
    sim.setCard('declined-offline');
    const c = io();
    expect(await main(['reader', 'tap', '--device', sim.path, '--amount', '1', '--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out())).toMatchObject({ outcome: 'failed', chipTags: [] });
  });

  it('bad usage exits 2, an unreachable reader exits 3', async () => {
    const c = io();
    expect(await main(['reader', 'tap', '--device', sim.path, '--amount', '1.234'], c.io)).toBe(2);
    expect(c.err()).toContain('CLI_USAGE');
    expect(await main(['reader', 'info'], io().io)).toBe(2);
    const d = io();
    expect(await main(['reader', 'info', '--device', 'tcp://127.0.0.1:1', '--wait', '0.5'], d.io)).toBe(3);
    expect(d.err()).toContain('READER_UNAVAILABLE');
    expect(d.err()).toContain('ECONNREFUSED');
  });
});

describeWithSocat('posterm reader-sim on a pty', () => {
  it('prints its path, serves a reader, takes stdin commands, stops on abort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posterm-readersim-'));
    const link = join(dir, 'tty');
    const c = io();
    const ac = new AbortController();
    const running = runReaderSim(
      ['--pty', link, '--card', 'unionpay-magstripe', '--faults', 'split'],
      c.io,
      ac.signal,
    );
    try {
      for (let i = 0; i < 100 && !c.out(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(JSON.parse(c.out())).toEqual({ path: link, card: 'unionpay-magstripe', faults: ['split'] });
      const t = io();
      expect(await main(['reader', 'tap', '--device', link, '--amount', '3', '--json'], t.io)).toBe(0);
      expect(JSON.parse(t.out())).toMatchObject({ entryInterface: 'magstripe', pan: '622202******3452' });
      c.io.stdin.write('card no-card\n');
      for (let i = 0; i < 100 && !c.err().includes('ok card'); i++)
        await new Promise((r) => setTimeout(r, 20));
      const u = io();
      expect(
        await main(['reader', 'tap', '--device', link, '--amount', '3', '--timeout', '1', '--json'], u.io),
      ).toBe(1);
      expect(JSON.parse(u.out()).outcome).toBe('no-card');
    } finally {
      ac.abort();
      expect(await running).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('posterm reader-sim', () => {
  it('refuses unknown faults and cards with coded errors', async () => {
    const c = io();
    expect(await main(['reader-sim', '--tcp', '0', '--faults', 'gremlins'], c.io)).toBe(1);
    expect(c.err()).toContain('EMU_BAD_FAULT');
    const d = io();
    expect(await main(['reader-sim', '--tcp', '0', '--card', 'visa'], d.io)).toBe(1);
    expect(d.err()).toContain('EMU_BAD_CARD');
  });
});
