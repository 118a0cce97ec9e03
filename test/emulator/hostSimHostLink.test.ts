/** The terminal-side HostLink against the simulator, over real TCP and TLS sockets. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { hostSimTls } from '../../src/emulator/hostSimTls.js';
import { isPosError } from '../../src/errors.js';
import { HostLink } from '../../src/host/HostLink.js';
import { parseSignOnKeys, unionPayMac, verifyMac } from '../../src/iso8583/crypto/index.js';
import { MID, packMsg, purchase, TID, TMK } from './hostSimHelpers.js';

let sim: HostSim | undefined;
let link: HostLink | undefined;
afterEach(async () => {
  link?.close();
  link = undefined;
  await sim?.close();
  sim = undefined;
});

async function signOn(l: HostLink): Promise<Buffer> {
  const r = await l.request({
    mti: '0800',
    fields: { 11: '000001', 41: TID, 42: MID, 60: '00000001003', 63: '01 ' },
  });
  expect(r.message.fields[39]).toBe('00');
  return parseSignOnKeys(Buffer.from(r.message.fields[62], 'hex'), TMK).mak;
}

describe('HostLink against the host simulator', () => {
  it('signs on and runs a MACed purchase over TLS', async () => {
    const material = hostSimTls();
    sim = await startHostSim({ tmk: TMK, tls: material });
    link = new HostLink({
      primary: { host: '127.0.0.1', port: sim.port, tls: { caPem: material.trust, servername: 'localhost' } },
      tpdu: '6000030000',
    });
    const mak = await signOn(link);
    const msg = purchase('000002', 4200);
    const r = await link.request(msg, { packed: packMsg(msg, mak) });
    expect(r.message.fields[39]).toBe('00');
    expect(verifyMac(r.rawBody, (mab) => unionPayMac(mak, mab))).toBe(true);
    expect(r.header.processingRequirement).toBe(0);
  });

  it('a late answer times the request out, then arrives and is recognised as late', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 7, 2));
    sim = await startHostSim({ tmk: TMK, clock, faults: 'late:1000@0200*1' });
    link = new HostLink({
      primary: { host: '127.0.0.1', port: sim.port },
      tpdu: '6000030000',
      clock,
      timeouts: { readMs: 500 },
    });
    const mak = await signOn(link);
    const decided = new Promise((resolve) => sim!.once('response', resolve));
    const msg = purchase('000002', 4200);
    const pending = link.request(msg, { packed: packMsg(msg, mak) });
    const outcome = pending.then(
      () => 'answered',
      (e) => (isPosError(e) ? e.code : 'other'),
    );
    await decided;
    clock.advance(500);
    expect(await outcome).toBe('HOST_TIMEOUT');
    const late = new Promise((resolve) => link!.once('late-response', resolve));
    clock.advance(500);
    await late;
    expect(link.stats.late).toBe(1);
    // The host did process it: the sale is on its ledger, waiting for the terminal's reversal.
    expect(sim.ledger(TID)[0]).toMatchObject({ stan: '000002', responseCode: '00', reversed: false });
  });
});
