/**
 * End to end: the protobuf control API over a real in-process Runtime (emulated reader and host).
 * Until Runtime implements RuntimeApi itself, a thin adapter here maps the interface onto it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostermClient } from '../../src/client.js';
import { type ProtoControlServer, startControlServer } from '../../src/control/ProtoControlServer.js';
import { silentLogger } from '../../src/log.js';
import type { Runtime } from '../../src/runtime/Runtime.js';
import type { QueueRow, RuntimeApi } from '../../src/runtime/RuntimeApi.js';
import { startWorld, type World } from '../integration/world.js';

function adapt(rt: Runtime): RuntimeApi {
  return {
    sale: (r) => rt.engine.sale({ amountMinor: r.amountMinor, mode: r.mode }),
    void: (r) => rt.engine.voidSale({ rrn: r.rrn }),
    refund: (r) => rt.engine.refund({ rrn: r.rrn, amountMinor: r.amountMinor }),
    inquiry: () => rt.engine.inquiry(),
    transactionStatus: async (r) => ({ tillId: r.tillId, state: 'unknown' }),
    abort: async () => ({ outcome: 'nothing' }),
    queueList: async (r) => rt.queue(r?.all === true) as QueueRow[],
    queueForward: () => rt.forwarder.forwardAll(),
    settle: () => rt.settle(),
    status: async () => rt.status(),
    subscribe: () => ({ close() {} }),
  };
}

let w: World | undefined;
let server: ProtoControlServer | undefined;
afterEach(async () => {
  await server?.close();
  await w?.close();
  server = w = undefined;
});

describe('control API over a real runtime', () => {
  it('sale, refund, status, queue, settle through PostermClient', async () => {
    w = await startWorld();
    const path = join(w.dir, 'proto.sock');
    server = await startControlServer(adapt(w.rt), path, {}, silentLogger);
    const c = await PostermClient.connect(path);
    try {
      const sale = await c.sale({ amountMinor: 1234, tillId: 'e2e-1' });
      expect(sale).toMatchObject({
        kind: 'purchase',
        outcome: 'approved',
        approval: 'online',
        amountMinor: 1234,
        maskedPan: '621234******0012',
      });
      expect(sale.rrn).toMatch(/^\w{12}$/);
      expect(await c.refund({ rrn: sale.rrn!, amountMinor: 200 })).toMatchObject({
        kind: 'refund',
        outcome: 'approved',
      });
      const status = await c.status();
      expect(status).toMatchObject({ terminalId: w.profile.terminalId, owed: { reversals: 0 } });
      expect(await c.queueList()).toEqual([]);
      expect((await c.settle()).outcome).toMatch(/^(balanced|uploaded)$/);
    } finally {
      await c.close();
    }
  });
});
