/** Issue 4: the real runtime against the host simulator and the virtual reader. */
import { type AddressInfo, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { expectLedgerAgrees, startWorld, type World } from './world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const agree = (world: World) => expectLedgerAgrees(world.rt.journal, world.sim, world.profile.terminalId);

describe('online transactions against the host simulator', () => {
  it('approves a purchase: same RRN on the host and in the journal', async () => {
    w = await startWorld();
    const r = await w.rt.engine.sale({ amountMinor: 1234 });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'online', responseCode: '00' });
    expect(r.maskedPan).toMatch(/^\d{6}\*+\d{4}$/);
    const [entry] = w.sim.ledger(w.profile.terminalId);
    expect(entry).toMatchObject({
      kind: 'purchase',
      amount: 1234,
      rrn: r.rrn,
      responseCode: '00',
      reversed: false,
    });
    agree(w);
  });

  it.each([
    ['51', 5151, 'insufficient funds', '余额不足'],
    ['05', 1005, 'do not honour', '不予承兑'],
    ['54', 1054, 'expired card', '过期卡'],
    ['55', 1055, 'incorrect PIN', '密码错'],
    ['61', 1061, 'exceeds amount limit', '超出金额限制'],
    ['96', 1096, 'system malfunction', '系统故障'],
    ['13', 1013, 'invalid amount', '无效金额'],
  ])('declines with %s, shown in English and Chinese', async (code, amount, en, zh) => {
    w = await startWorld();
    const r = await w.rt.engine.sale({ amountMinor: amount });
    expect(r).toMatchObject({ outcome: 'declined', responseCode: code, textEn: en, textZh: zh });
    expect(w.rt.journal.get(r.id)!.state).toBe('declined');
    agree(w);
  });

  it('timeout: reversal 98 goes out before the next sale, with the original STAN', async () => {
    w = await startWorld({ faults: 'no-answer@0200*1' });
    w.rt.forwarder.stop();
    const first = await w.rt.engine.sale({ amountMinor: 100 });
    expect(first).toMatchObject({ outcome: 'failed', reversalPending: { reason: '98' } });
    const second = await w.rt.engine.sale({ amountMinor: 200 });
    expect(second.outcome).toBe('approved');
    const financial = w.seen.filter((s) => !s.startsWith('08'));
    expect(financial).toEqual([`0200/${first.stan}`, `0400/${first.stan}`, `0200/${second.stan}`]);
    expect(w.rt.journal.get(first.id)!.state).toBe('reversed');
    expect(w.sim.ledger(w.profile.terminalId)[0]).toMatchObject({ stan: first.stan, reversed: true });
    agree(w);
  });

  it('bad response MAC: reversal A0 and a new sign-on before the next sale', async () => {
    w = await startWorld({ faults: 'bad-mac@0200*1' });
    w.rt.forwarder.stop();
    const first = await w.rt.engine.sale({ amountMinor: 100 });
    expect(first).toMatchObject({ outcome: 'failed', reversalPending: { reason: 'A0' } });
    const second = await w.rt.engine.sale({ amountMinor: 300 });
    expect(second.outcome).toBe('approved');
    const after = w.seen.slice(w.seen.indexOf(`0200/${first.stan}`) + 1).map((s) => s.slice(0, 4));
    expect(after).toEqual(['0800', '0400', '0200']);
    expect(w.rt.journal.get(first.id)!.reversal?.reason).toBe('A0');
    agree(w);
  });

  it('a late response is ignored: the next sale gets its own answer', async () => {
    w = await startWorld({ faults: 'late:900@0200*1' });
    w.rt.forwarder.stop();
    const first = await w.rt.engine.sale({ amountMinor: 100 });
    expect(first.outcome).toBe('failed');
    await new Promise((r) => setTimeout(r, 400)); // the late 0210 arrives in the meantime
    const second = await w.rt.engine.sale({ amountMinor: 200 });
    expect(second.outcome).toBe('approved');
    expect(second.stan).not.toBe(first.stan);
    const e2 = w.sim.ledger(w.profile.terminalId).find((e) => e.stan === second.stan)!;
    expect(second.rrn).toBe(e2.rrn);
    expect(w.rt.link.stats.late + w.rt.link.stats.stray).toBeGreaterThanOrEqual(1);
    agree(w);
  });

  it('a disconnect in the middle of the answer leaves a reversal, then the link recovers', async () => {
    w = await startWorld({ faults: 'disconnect-mid@0200*1' });
    w.rt.forwarder.stop();
    const first = await w.rt.engine.sale({ amountMinor: 100 });
    expect(first).toMatchObject({ outcome: 'failed', reversalPending: { reason: '98' } });
    const second = await w.rt.engine.sale({ amountMinor: 200 });
    expect(second.outcome).toBe('approved');
    expect(w.rt.journal.get(first.id)!.state).toBe('reversed');
    agree(w);
  });

  it('fails over to the backup host when the primary is down', async () => {
    w = await startWorld({
      edit: (raw, sim) => {
        raw.host.primary = { host: '127.0.0.1', port: 1 };
        raw.host.backup = { host: '127.0.0.1', port: sim.port };
      },
    });
    const r = await w.rt.engine.sale({ amountMinor: 700 });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'online' });
    expect(w.sim.ledger(w.profile.terminalId)).toHaveLength(1);
    agree(w);
  });

  it('void and refund by RRN', async () => {
    w = await startWorld();
    const sale = await w.rt.engine.sale({ amountMinor: 5000 });
    const voided = await w.rt.engine.voidSale({ rrn: sale.rrn! });
    expect(voided.outcome).toBe('approved');
    const sale2 = await w.rt.engine.sale({ amountMinor: 6000 });
    const refund = await w.rt.engine.refund({ rrn: sale2.rrn!, amountMinor: 1000 });
    expect(refund.outcome).toBe('approved');
    const ledger = w.sim.ledger(w.profile.terminalId);
    expect(ledger.find((e) => e.rrn === sale.rrn)!.voided).toBe(true);
    expect(ledger.some((e) => e.kind === 'refund' && e.originalRrn === sale2.rrn)).toBe(true);
    agree(w);
  });

  it('balance inquiry', async () => {
    w = await startWorld();
    const r = await w.rt.engine.inquiry();
    expect(r.outcome).toBe('approved');
    expect(r.balance).toMatch(/^\d{4}156C\d{12}$/);
    agree(w);
  });

  it('host unreachable: an offline approval, forwarded as an advice once the host is back', async () => {
    const port = await freePort();
    w = await startWorld({
      edit: (raw) => {
        raw.host.primary.port = port;
      },
    });
    w.rt.forwarder.stop();
    const r = await w.rt.engine.sale({ amountMinor: 2000 });
    expect(r).toMatchObject({ outcome: 'approved', approval: 'offline', kind: 'offline-sale' });
    expect(w.rt.queue().map((q) => q.state)).toEqual(['pending']);
    const back = await startHostSim({ tmk: profileTmk(w.profile), port });
    try {
      const report = await w.rt.forwarder.forwardAll();
      expect(report).toMatchObject({ advicesDone: 1, remaining: 0 });
      const [entry] = back.ledger(w.profile.terminalId);
      expect(entry).toMatchObject({
        kind: 'advice',
        stan: r.stan,
        authCode: r.authCode,
        approvalMode: 'offline',
      });
      expect(w.rt.queue()).toEqual([]);
    } finally {
      await back.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
