/**
 * End to end: the protobuf control API of a real runtime (emulated reader and host), on the
 * profile's control socket as `posterm run` serves it (serveRuntime).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PostermClient } from '../../src/client.js';
import { asCarried } from '../helpers/callApi.js';
import { startWorld, type World } from '../integration/world.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('control API over a real runtime', () => {
  it('sale, refund, transaction status, status, queue, settle through PostermClient', async () => {
    w = await startWorld();
    const c = await PostermClient.connect(w.profile.control.socket!);
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
      // the answer is the runtime's own, field for field (timings in whole ms on the wire)
      const kept = await w.rt.transactionStatus({ tillId: 'e2e-1' });
      expect(sale).toEqual(asCarried(kept.result!));
      expect(await c.transactionStatus({ tillId: 'e2e-1' })).toEqual({
        tillId: 'e2e-1',
        state: 'done',
        result: sale,
      });
      expect(await c.refund({ rrn: sale.rrn!, amountMinor: 200 })).toMatchObject({
        kind: 'refund',
        outcome: 'approved',
      });
      const status = await c.status();
      expect(status).toMatchObject({ terminalId: w.profile.terminalId, owed: { reversals: 0 } });
      const inProcess = await w.rt.status();
      // field for field (the free disk space may move between the two readings)
      expect(status).toEqual({
        ...inProcess,
        journal: { ...inProcess.journal, freeBytes: expect.any(Number) },
      });
      expect(await c.queueList()).toEqual([]);
      expect((await c.settle()).outcome).toMatch(/^(balanced|uploaded)$/);
    } finally {
      await c.close();
    }
  });
});
