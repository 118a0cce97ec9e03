import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { defaultHeader, encodeFrame } from '../../src/host/framing.js';
import {
  FakeTerminal,
  frameOf,
  MID,
  packMsg,
  purchase,
  responseMacOk,
  TID,
  TMK,
  TPDU,
} from './hostSimHelpers.js';

let sim: HostSim | undefined;
const terms: FakeTerminal[] = [];

async function setup(faults = '', clock = new ManualClock(Date.UTC(2026, 0, 7, 2))) {
  sim = await startHostSim({ tmk: TMK, clock, faults });
  const term = await FakeTerminal.connect(sim.port);
  terms.push(term);
  return { sim, term, clock };
}

afterEach(async () => {
  for (const t of terms.splice(0)) t.close();
  await sim?.close();
  sim = undefined;
});

const echo = (stan: string) => ({ mti: '0820', fields: { 11: stan, 41: TID, 42: MID, 60: '00000001301' } });

/** Resolves with the next 'response' event of the sim (the host decided and scheduled the answer). */
function nextDecision(s: HostSim): Promise<Record<string, unknown>> {
  return new Promise((resolve) => s.once('response', resolve));
}

describe('faults over the wire', () => {
  it('delay:MS holds the answer for MS of the injected clock', async () => {
    const { sim, term, clock } = await setup('delay:5000@0200');
    await term.signOn();
    const decided = nextDecision(sim);
    term.send(purchase('000001', 100), term.mak);
    expect((await decided).delayMs).toBe(5000);
    // An echo sent after it is answered first: the purchase answer is still held.
    const e = await term.request(echo('000002'));
    expect(e.msg.mti).toBe('0830');
    clock.advance(4999);
    expect(term.received.map((r) => r.msg.mti)).toEqual(['0810', '0830']);
    clock.advance(1);
    const [, , late] = await term.waitFor(3);
    expect(late.msg).toMatchObject({ mti: '0210', fields: { 11: '000001', 39: '00' } });
  });

  it('late:MS answers after the terminal would have given up, and the sale is on the ledger', async () => {
    const { sim, term, clock } = await setup('late:60000@0200*1');
    await term.signOn();
    const decided = nextDecision(sim);
    term.send(purchase('000001', 100), term.mak);
    expect((await decided).faults).toEqual(['late:60000@0200*1']);
    expect(sim.ledger(TID)).toHaveLength(1);
    clock.advance(60_000);
    const got = await term.waitFor(2);
    expect(got[1].msg.fields[11]).toBe('000001');
    // Used up: the next purchase is answered at once.
    expect((await term.request(purchase('000002', 100), term.mak)).msg.fields[39]).toBe('00');
  });

  it('no-answer*1 withholds one answer (the host still processed it)', async () => {
    const { sim, term } = await setup('no-answer@0200*1');
    await term.signOn();
    term.send(purchase('000001', 100), term.mak);
    const r = await term.request(echo('000002'));
    expect(r.msg.mti).toBe('0830');
    expect(term.received).toHaveLength(2);
    expect(sim.ledger(TID)).toHaveLength(1);
    expect(sim.stats.withheld).toBe(1);
    expect((await term.request(purchase('000003', 100), term.mak)).msg.fields[39]).toBe('00');
  });

  it('after a lost answer the terminal reversal finds the sale (00), then 00 again', async () => {
    const { sim, term } = await setup('no-answer@0200*1');
    await term.signOn();
    term.send(purchase('000001', 2500), term.mak);
    await term.request(echo('000002'));
    const rev = purchase('000001', 2500);
    rev.mti = '0400';
    rev.fields[39] = '98';
    rev.fields[61] = '000001000001';
    for (let i = 0; i < 2; i++) {
      const r = await term.request(rev, term.mak);
      expect(r.msg).toMatchObject({ mti: '0410', fields: { 39: '00', 11: '000001' } });
    }
    expect(sim.ledger(TID)).toEqual([expect.objectContaining({ stan: '000001', reversed: true })]);
  });

  it('bad-mac corrupts the response MAC of financial answers only', async () => {
    const { term } = await setup('bad-mac');
    await term.signOn();
    const r = await term.request(purchase('000001', 100), term.mak);
    expect(r.msg.fields[39]).toBe('00');
    expect(r.msg.fields[64]).toBeDefined();
    expect(responseMacOk(r, term.mak!)).toBe(false);
    expect((await term.request(echo('000002'))).msg.fields[39]).toBe('00');
  });

  it('disconnect-mid writes half a frame then closes', async () => {
    const { sim, term } = await setup('disconnect-mid@0820');
    term.send(echo('000001'));
    await term.waitClosed();
    expect(term.received).toHaveLength(0);
    expect(term.rawBytes).toBeGreaterThan(0);
    expect(sim.stats.withheld).toBe(1);
  });

  it('sign-on-again sets processing requirement 3 in the header', async () => {
    const { sim, term } = await setup('sign-on-again*1');
    const r = await term.request(echo('000001'));
    expect(r.frame.header.processingRequirement).toBe(3);
    expect((await term.request(echo('000002'))).frame.header.processingRequirement).toBe(0);
    sim.setFaults('sign-on-again@0200');
    await term.signOn();
    expect((await term.request(purchase('000003', 100), term.mak)).frame.header.processingRequirement).toBe(
      3,
    );
  });

  it('drop-connect closes new connections, then accepts again', async () => {
    const { sim, term } = await setup();
    sim.setFaults('drop-connect*1');
    const dropped = await FakeTerminal.connect(sim.port);
    terms.push(dropped);
    await dropped.waitClosed();
    expect(sim.stats.droppedConnections).toBe(1);
    // The first connection is untouched and new ones work again.
    expect((await term.request(echo('000001'))).msg.mti).toBe('0830');
    const fresh = await FakeTerminal.connect(sim.port);
    terms.push(fresh);
    expect((await fresh.request(echo('000002'))).msg.mti).toBe('0830');
  });
});

describe('malformed input', () => {
  it('answers 30 when MTI, 11 and 41 are readable (purchase without amount)', async () => {
    const { sim, term } = await setup();
    await term.signOn();
    const m = purchase('000001', 100);
    delete m.fields[4];
    const r = await term.request(m, term.mak);
    expect(r.msg.fields).toMatchObject({ 11: '000001', 41: TID, 39: '30' });
    expect(sim.stats.formatErrors).toBe(1);
    expect(sim.ledger()).toHaveLength(0);
  });

  it('answers 30 when the bytes break after field 41 (11 and 41 still readable)', async () => {
    const { sim, term } = await setup();
    await term.signOn();
    const packed = packMsg(purchase('000001', 100), term.mak);
    const r = await term.requestRaw(frameOf(packed.subarray(0, packed.length - 5)));
    expect(r.msg).toMatchObject({
      mti: '0210',
      fields: { 11: '000001', 41: TID, 39: '30', 4: '000000000100' },
    });
    expect(responseMacOk(r, term.mak!)).toBe(true);
    expect(sim.stats.formatErrors).toBe(1);
    expect(sim.stats.malformedDropped).toBe(0);
    expect(sim.ledger()).toHaveLength(0);
  });

  it('answers 30 to an unknown request MTI', async () => {
    const { term } = await setup();
    const r = await term.request({ mti: '0100', fields: { 11: '000001', 41: TID } });
    expect(r.msg).toMatchObject({ mti: '0110', fields: { 39: '30' } });
  });

  it('drops unreadable frames, counts them, and keeps serving', async () => {
    const { sim, term } = await setup();
    const garbage = [
      Buffer.from([0x00, 0x03, 1, 2, 3]), // shorter than TPDU + header
      frameOf(Buffer.from('0200FFFFFFFFFFFFFFFF00', 'hex')), // bitmap claims fields that are not there
      frameOf(Buffer.from('02', 'hex')), // half an MTI
      frameOf(packMsg({ mti: '0800', fields: { 41: TID } })), // no STAN
      frameOf(packMsg({ mti: '0210', fields: { 11: '000001', 41: TID } })), // a response, not a request
      encodeFrame({
        tpdu: TPDU,
        header: { ...defaultHeader(), softwareVersion: '310000' },
        body: Buffer.alloc(40, 0xff),
      }),
    ];
    for (const g of garbage) term.writeRaw(g);
    const r = await term.request(echo('000009'));
    expect(r.msg.mti).toBe('0830');
    expect(term.received).toHaveLength(1);
    expect(sim.stats.malformedDropped).toBe(garbage.length);
  });

  it('survives random bytes and a peer that closes mid-frame', async () => {
    const { sim } = await setup();
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let i = 0; i < 20; i++) {
      const s = net.connect(sim.port, '127.0.0.1');
      await new Promise((resolve) => s.once('connect', resolve));
      const len = 20 + (rnd() % 60);
      const body = Buffer.from(Array.from({ length: len }, rnd));
      s.write(frameOf(Buffer.concat([Buffer.from('0200', 'hex'), body])));
      s.write(Buffer.from([0x01, 0x00, 0x60]));
      s.destroy();
    }
    const t = await FakeTerminal.connect(sim.port);
    terms.push(t);
    expect((await t.request(echo('000001'))).msg.mti).toBe('0830');
  });
});
