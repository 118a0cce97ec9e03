/** The real HostLink + HostSession against the host simulator over real sockets (TCP and TLS). */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { certificatePin } from '../../src/host/connectors.js';
import type { HostEndpoint } from '../../src/host/HostEndpoint.js';
import { HostLink } from '../../src/host/HostLink.js';
import { HostSession } from '../../src/host/HostSession.js';
import { purchaseRequestToMessage } from '../../src/iso8583/views/cupPos.js';
import { flush, rejection, until } from '../host/linkHelpers.js';
import { caPem, serverCert, serverKey, serverPin, tlsFile } from '../host/tlsFixtures.js';

const TMK = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
const TID = '12345678';
const MID = '123456789012345';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let stan = 0;
const nextStan = () => String(++stan).padStart(6, '0');

function purchase(amountMinor = 12345) {
  return purchaseRequestToMessage({
    stan: nextStan(),
    batch: '000001',
    terminalId: TID,
    merchantId: MID,
    pan: '6258091234567890123',
    expiry: '3012',
    entryMode: '07',
    pinCapability: '2',
    amountMinor,
  });
}

async function setup(opts: { tls?: boolean; endpointTls?: HostEndpoint['tls']; readMs?: number } = {}) {
  const clock = new ManualClock();
  const sim: HostSim = await startHostSim({
    tmk: TMK,
    clock,
    tls: opts.tls ? { key: serverKey, cert: serverCert, ca: caPem, requestCert: true } : undefined,
  });
  const link = new HostLink({
    primary: { host: '127.0.0.1', port: sim.port, tls: opts.endpointTls },
    tpdu: '6000030000',
    clock,
    timeouts: { readMs: opts.readMs ?? 30_000 },
  });
  const batches: string[] = [];
  const session = new HostSession({
    link,
    tmk: TMK,
    terminalId: TID,
    merchantId: MID,
    nextStan,
    batch: () => '000001',
    onBatch: (b) => batches.push(b),
    clock,
  });
  cleanups.push(
    () => sim.close(),
    () => link.close(),
    () => session.close(),
  );
  return { clock, sim, link, session, batches };
}

describe('host session against the simulator', () => {
  it('signs on and gets a MAC-verified approval', async () => {
    const { sim, session, batches } = await setup();
    await session.start();
    expect(batches).toHaveLength(1);
    const res = await session.send(purchase());
    expect(res.message.mti).toBe('0210');
    expect(res.message.fields[39]).toBe('00');
    expect(sim.stats).toMatchObject({ signOns: 1, macFailures: 0 });
  });

  it('bad response MAC: HOST_BAD_MAC, then a new sign-on before the next purchase', async () => {
    const { sim, session } = await setup();
    await session.start();
    sim.setFaults('bad-mac@0200*1');
    expect((await rejection(session.send(purchase()))).code).toBe('HOST_BAD_MAC');
    const res = await session.send(purchase());
    expect(res.message.fields[39]).toBe('00');
    expect(sim.stats.signOns).toBe(2);
  });

  it('processing requirement 3 from the host: sign-on before the next request', async () => {
    const { sim, session } = await setup();
    await session.start();
    sim.setFaults('sign-on-again@0200*1');
    await session.send(purchase());
    expect(session.signedOn).toBe(false);
    await session.send(purchase());
    expect(sim.stats.signOns).toBe(2);
  });

  it('a late answer after the timeout is ignored; the next purchase gets its own', async () => {
    const { clock, sim, link, session } = await setup({ readMs: 5000 });
    await session.start();
    sim.setFaults('late:8000@0200*1');
    const first = rejection(session.send(purchase(100)));
    await until(() => sim.stats.requests === 2, 'purchase at the sim');
    await flush();
    clock.advance(5000);
    expect((await first).code).toBe('HOST_TIMEOUT');
    clock.advance(3000); // the sim answers the first purchase now
    await until(() => link.stats.late === 1, 'late response');
    const res = await session.send(purchase(200));
    expect(res.message.fields[4]).toBe('000000000200');
  });

  it('half a response and a closed connection: HOST_DISCONNECTED', async () => {
    const { sim, session } = await setup();
    await session.start();
    sim.setFaults('disconnect-mid@0200*1');
    const err = await rejection(session.send(purchase()));
    expect(err.code).toBe('HOST_DISCONNECTED');
    expect(err.context.partialBytes).toBeGreaterThan(0);
    expect((await session.send(purchase())).message.fields[39]).toBe('00');
  });

  it('mutual TLS with the profile CA and the pinned server key', async () => {
    const { session, sim } = await setup({
      tls: true,
      endpointTls: {
        ca: tlsFile('ca.pem'),
        cert: tlsFile('client.pem'),
        key: tlsFile('client.key'),
        pins: [serverPin],
      },
    });
    await session.start();
    expect((await session.send(purchase())).message.fields[39]).toBe('00');
    expect(sim.stats.signOns).toBe(1);
  });

  it('TLS with a wrong pin: HOST_TLS_PIN_MISMATCH, the sim sees no request', async () => {
    const { session, sim } = await setup({
      tls: true,
      endpointTls: {
        caPem,
        cert: tlsFile('client.pem'),
        key: tlsFile('client.key'),
        pins: [certificatePin(caPem)],
      },
    });
    expect((await rejection(session.start())).code).toBe('HOST_TLS_PIN_MISMATCH');
    expect(sim.stats.requests).toBe(0);
  });
});
