import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callRuntime } from '../../src/control/ControlClient.js';
import { ControlServer } from '../../src/control/ControlServer.js';
import { PosError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';

let server: ControlServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'posterm-ctl-')), 'control.sock');
  server = new ControlServer(
    {
      add: async (p) => (p.a as number) + (p.b as number),
      refuse: async () => {
        throw new PosError('TXN_REVERSAL_PENDING', 'a reversal is pending');
      },
      crash: async () => {
        throw new Error('boom');
      },
    },
    silentLogger,
  );
  await server.listen(path);
  return path;
}

function rawExchange(path: string, text: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let buf = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(text));
    s.on('error', reject);
    s.on('data', (c: string) => {
      buf += c;
      const got = buf.split('\n').filter(Boolean);
      if (got.length >= lines) {
        s.destroy();
        resolve(got);
      }
    });
  });
}

describe('control channel', () => {
  it('answers calls, passes coded errors through and hides internal ones', async () => {
    const path = await start();
    expect(await callRuntime(path, 'add', { a: 2, b: 3 })).toBe(5);
    await expect(callRuntime(path, 'refuse')).rejects.toMatchObject({ code: 'TXN_REVERSAL_PENDING' });
    await expect(callRuntime(path, 'crash')).rejects.toMatchObject({ code: 'CONTROL_INTERNAL' });
    await expect(callRuntime(path, 'nope')).rejects.toMatchObject({ code: 'CONTROL_UNKNOWN_METHOD' });
  });

  it('answers a bad line with a coded error and keeps serving the next lines', async () => {
    const path = await start();
    const lines = await rawExchange(path, 'not json\n{"id":7,"method":"add","params":{"a":1,"b":1}}\n', 2);
    expect(JSON.parse(lines[0])).toMatchObject({ ok: false, error: { code: 'CONTROL_BAD_REQUEST' } });
    expect(JSON.parse(lines[1])).toEqual({ id: 7, ok: true, result: 2 });
  });

  it('reports an absent runtime with a coded error', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'posterm-ctl-')), 'none.sock');
    await expect(callRuntime(path, 'add')).rejects.toMatchObject({ code: 'CONTROL_UNREACHABLE' });
  });
});
