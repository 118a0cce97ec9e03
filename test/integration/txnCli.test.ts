/** posterm sale|void|refund|inquiry|queue|settle against a running runtime, through main(). */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../cli/fakeIo.js';
import { startWorld, type World } from './world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await main([...argv, '--socket', w!.profile.control.socket!], io);
  return { code, out: io.out(), err: io.err() };
}

describe('transaction commands', () => {
  it('sale, void, refund, inquiry: masked output, exit codes, JSON', async () => {
    w = await startWorld();
    const sale = await cli('sale', '12.34');
    expect(sale.code).toBe(0);
    expect(sale.out).toMatch(/^APPROVED online: approved \/ 交易成功 \(00\)/);
    expect(sale.out).toMatch(/amount {3}12\.34 CNY/);
    expect(sale.out).toMatch(/card {5}621234\*{6}0012 \(contactless\)/);
    const rrn = /RRN (\w{12})/.exec(sale.out)![1];

    const declined = await cli('sale', '20.51', '--json');
    expect(declined.code).toBe(1);
    expect(JSON.parse(declined.out)).toMatchObject({
      outcome: 'declined',
      responseCode: '51',
      textZh: '余额不足',
    });

    expect((await cli('refund', rrn, '2.00')).out).toMatch(/^APPROVED online/);
    const voidAfterRefund = await cli('void', rrn);
    expect(voidAfterRefund.code).toBe(1);
    expect(voidAfterRefund.out).toMatch(/^FAILED: .*\[TXN_ALREADY_REFUNDED\]/);
    const second = await cli('sale', '3.21');
    const rrn2 = /RRN (\w{12})/.exec(second.out)![1];
    expect((await cli('void', rrn2)).out).toMatch(/^APPROVED online/);
    expect((await cli('inquiry')).out).toMatch(/balance {2}12345\.67 CNY/);
    for (const r of [sale, declined]) expect(r.out).not.toContain('6212345600000012');
  });

  it('--till-id: the same id gives the first answer; txn-status tells unknown and done', async () => {
    w = await startWorld();
    expect((await cli('txn-status', 'pos-7')).out).toMatch(/^pos-7: unknown/);
    const first = await cli('sale', '4.56', '--till-id', 'pos-7', '--json');
    expect(first.code).toBe(0);
    const again = await cli('sale', '4.56', '--till-id', 'pos-7', '--json');
    expect(JSON.parse(again.out)).toEqual(JSON.parse(first.out));
    expect(w.seen.filter((s) => s.startsWith('0200/'))).toHaveLength(1);
    const status = await cli('txn-status', 'pos-7');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/^pos-7: done\nAPPROVED online/);
    const reused = await cli('sale', '9.99', '--till-id', 'pos-7');
    expect(reused.code).not.toBe(0);
    expect(reused.err).toContain('TXN_TILL_ID_REUSED');
  });

  it('queue list and forward, then settle', async () => {
    w = await startWorld();
    w.rt.forwarder.stop();
    expect((await cli('sale', '5.00', '--offline')).out).toMatch(/^APPROVED offline/);
    const list = await cli('queue', 'list', '--json');
    expect(JSON.parse(list.out)).toMatchObject([
      { type: 'advice', state: 'pending', amountMinor: 500, maskedPan: '621234******0012' },
    ]);
    expect((await cli('queue', 'list')).out).toMatch(/advice .* pending .* 5\.00 .*621234\*{6}0012/);
    const fwd = await cli('queue', 'forward', '--json');
    expect(JSON.parse(fwd.out)).toMatchObject({ advicesDone: 1, remaining: 0 });
    expect((await cli('queue', 'list')).out).toBe('queue empty: nothing owed to the host\n');
    const settled = await cli('settle');
    expect(settled.code).toBe(0);
    expect(settled.out).toMatch(/^BALANCED: settled, balanced/);
    expect(settled.out).toMatch(/open batch now 000002/);
    const st = await cli('status');
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/^profile emulator, terminal \w+: signed on, batch 000002\n/);
    expect(st.out).toMatch(/\n {2}owed {8}0 reversal\(s\), 0 advice\(s\) waiting, 0 in flight\n/);
  });

  it('bad input is a usage error; an absent runtime is reported with a hint', async () => {
    w = await startWorld();
    expect((await cli('sale', '12.345')).code).toBe(2);
    expect((await cli('void', 'short')).code).toBe(2);
    const io = fakeIo();
    expect(await main(['sale', '1.00', '--socket', '/nonexistent/posterm.sock'], io)).toBe(3);
    expect(io.err()).toMatch(/CONTROL_UNREACHABLE: runtime not reachable .*posterm run/);
  });
});
