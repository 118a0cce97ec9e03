/** The CLI's transaction commands are clients of the protobuf control API (over a fake API). */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../cli/fakeIo.js';
import { startFake, stopAll } from './protoKit.js';

afterEach(stopAll);

async function cli(path: string, ...argv: string[]) {
  const io = fakeIo();
  const code = await main([...argv, '--socket', path], io);
  return { code, out: io.out(), err: io.err() };
}

describe('posterm CLI over the control API', () => {
  it('sale, void, refund, inquiry, queue, settle, status reach the API; output and exit codes', async () => {
    const { api, path } = await startFake();
    const sale = await cli(path, 'sale', '12.34', '--till-id', 'cli-1', '--online-only');
    expect(sale.code).toBe(0);
    expect(sale.out).toMatch(/^APPROVED online/);
    expect(JSON.parse((await cli(path, 'void', '123456789012', '--json')).out)).toMatchObject({
      kind: 'void',
    });
    expect((await cli(path, 'refund', '123456789012', '2.00')).code).toBe(0);
    expect((await cli(path, 'inquiry')).code).toBe(0);
    expect((await cli(path, 'queue', 'list')).out).toMatch(/reversal .* reversal-pending 98/);
    expect((await cli(path, 'queue', 'forward')).code).toBe(1); // 3 remaining
    expect((await cli(path, 'settle')).out).toMatch(/^UPLOADED: /);
    const status = await cli(path, 'status', '--json');
    expect(JSON.parse(status.out)).toMatchObject({ terminalId: '12345678' });
    expect(status.code).toBe(1); // a reversal is owed: not healthy
    expect(api.calls.map((c) => c.method)).toEqual([
      'sale',
      'void',
      'refund',
      'inquiry',
      'queueList',
      'queueForward',
      'settle',
      'status',
    ]);
    expect(api.calls[0].req).toEqual({ amountMinor: 1234, mode: 'require-online', tillId: 'cli-1' });
    expect(api.calls[2].req).toEqual({ rrn: '123456789012', amountMinor: 200 });
  });

  it('no runtime on the socket: a coded error, exit code not 0', async () => {
    const { path, server } = await startFake();
    await server.close();
    const r = await cli(path, 'status');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('CONTROL_UNREACHABLE');
  });
});
