import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { encodeEnvelope } from '../../src/control/protoCodec.js';
import { fakeIo } from './fakeIo.js';

let server: Server | undefined;
let dir: string | undefined;
afterEach(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A runtime that says hello, reads the request, then dies (as under kill -9 mid-sale). */
async function dyingRuntime(): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'posterm-unanswered-'));
  const path = join(dir, 'control.sock');
  server = createServer((s) => {
    s.write(
      encodeEnvelope(0, 'hello', { apiMajor: 1, apiMinor: 3, software: 'dying', maxFrameBytes: 65536 }),
    );
    s.once('data', () => s.destroy());
  });
  await new Promise<void>((r) => server!.listen(path, r));
  return path;
}

describe('a sale whose answer never comes back', () => {
  it('with --till-id: the code, and to ask txn-status with that id rather than sell again', async () => {
    const socket = await dyingRuntime();
    const io = fakeIo();
    const code = await main(['sale', '12.34', '--till-id', 'T-77', '--socket', socket], io);
    expect(code).not.toBe(0);
    expect(io.err()).toContain('CONTROL_CLOSED');
    expect(io.err()).toContain('posterm txn-status T-77');
    expect(io.err()).toContain('do not repeat it blindly');
    expect(io.out()).toBe('');
  });

  it('without a till id: points to status and to --till-id', async () => {
    const socket = await dyingRuntime();
    const io = fakeIo();
    const code = await main(['refund', '213254000002', '5.00', '--socket', socket], io);
    expect(code).not.toBe(0);
    expect(io.err()).toContain('CONTROL_CLOSED');
    expect(io.err()).toContain("'posterm status'");
    expect(io.err()).not.toContain('txn-status T-');
  });
});
