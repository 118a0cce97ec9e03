/**
 * Settlement as runtime events (issue 10): every settlement, a till's or an automatic one, is a
 * `settlement` event and makes the tracker look at its batch; each change of a sale's host record
 * found by automatic tracking is a `settlement-status` event, also seen by a till through
 * Subscribe on the protobuf socket.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettlementWeek } from '../../src/cli/settlementWeek.js';
import { PostermClient } from '../../src/control/PostermClient.js';
import { serveRuntime } from '../../src/control/serveRuntime.js';
import { loadScenario, parseScenario } from '../../src/emulator/hostScenario.js';
import { silentLogger } from '../../src/log.js';
import type { RuntimeEvent } from '../../src/runtime/RuntimeApi.js';
import { until } from './world.js';

type StatusEvent = Extract<RuntimeEvent, { type: 'settlement-status' }>;
const statusEvents = (events: RuntimeEvent[], rrn?: string) =>
  events.filter((e): e is StatusEvent => e.type === 'settlement-status' && (!rrn || e.rrn === rrn));

describe('settlement events', () => {
  it('status changes from automatic tracking reach a till through Subscribe, once per change', async () => {
    const seen: RuntimeEvent[] = [];
    let client: PostermClient | undefined;
    const w = await SettlementWeek.start({
      dir: mkdtempSync(join(tmpdir(), 'posterm-events-')),
      scenario: loadScenario('risk-hold'),
      hooks: [
        {
          at: '2026-03-11 08:00',
          run: async (w) => {
            const rt = w.terminals.get('898310000000001')!.rt;
            await serveRuntime(rt, silentLogger);
            client = await PostermClient.connect(rt.profile.control.socket!);
            await client.subscribe(0, (e) => seen.push(e));
          },
        },
      ],
    });
    try {
      const sales = await w.play();
      const held = sales.find((s) => s.sale.amount === 6_000_000)!;
      const t = w.terminals.get('898310000000001')!;
      const inProcess = statusEvents(t.events, held.rrn);
      // P, then held at clearing, then arrived: a change each, no repeat for the looks between
      expect(inProcess.map((e) => [e.previous, e.status, e.delayReason])).toEqual([
        [undefined, 'P', '00'],
        ['P', 'H', '05'],
        ['H', 'A', '05'],
      ]);
      expect(inProcess[1]).toMatchObject({ mode: 'T1', txnId: held.txnId });
      expect(Date.parse(inProcess[2].arrivedAt!)).toBe(w.hostTime('2026-03-13 11:00'));
      expect(held.timeline!.observations.length).toBeGreaterThan(inProcess.length);
      const settled = t.events.filter((e) => e.type === 'settlement');
      expect(settled).toEqual([expect.objectContaining({ batch: '000001', outcome: 'balanced' })]);
      // the till saw the same, through the socket
      await until(() => statusEvents(seen).length === statusEvents(t.events).length, 5000, 'events');
      expect(statusEvents(seen)).toEqual(statusEvents(t.events));
      expect(seen.filter((e) => e.type === 'settlement')).toEqual(settled);
    } finally {
      await client?.close();
      await w.close();
    }
  }, 60_000);

  it('an automatic settlement (batch.maxCount) is an event and its sales are looked at again', async () => {
    const sale = (at: string, amount: number) => ({
      label: at,
      at,
      merchant: '898310000000001',
      amount,
      expect: [],
    });
    const scenario = parseScenario(
      {
        name: 'auto-settle',
        description: 'three sales, a batch of at most two',
        start: '2026-03-09 08:00',
        merchants: { '898310000000001': { mode: 'T1' } },
        batches: [],
        sales: [
          sale('2026-03-09 10:00', 1000),
          sale('2026-03-09 10:10', 2000),
          sale('2026-03-09 10:21', 3000),
        ],
      },
      'auto-settle',
    );
    const w = await SettlementWeek.start({
      dir: mkdtempSync(join(tmpdir(), 'posterm-auto-settle-')),
      scenario,
      until: '2026-03-10 12:00',
      editProfile: (raw) => {
        raw.batch = { maxCount: 2, autoSettle: true };
      },
    });
    try {
      const sales = await w.play();
      const t = w.terminals.get('898310000000001')!;
      const settled = t.events.filter((e) => e.type === 'settlement');
      expect(settled).toEqual([expect.objectContaining({ batch: '000001', outcome: 'balanced' })]);
      const settledAt = Date.parse(settled[0].at);
      expect(Math.abs(settledAt - w.hostTime('2026-03-09 10:21'))).toBeLessThan(60_000);
      // the first two sales: asked 2 min after approval, then 2 min after the automatic settlement
      // (their own schedule would wait 2 h), and cleared that night: P then C, as events
      for (const s of sales.slice(0, 2)) {
        const learnt = s.timeline!.observations.map((o) => Date.parse(o.learntAt));
        expect(learnt.some((l) => l - settledAt >= 120_000 && l - settledAt < 180_000)).toBe(true);
        expect(statusEvents(t.events, s.rrn).map((e) => e.status)).toEqual(['P', 'C', 'A']);
      }
    } finally {
      await w.close();
    }
  }, 60_000);
});
