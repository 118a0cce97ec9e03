/** Fakes for the settlement flows: scripted 0510 / 0330 answers and an engine rig with sales. */
import { afterEach, expect } from 'vitest';
import type { PosError } from '../../src/errors.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import type { Journal } from '../../src/journal/Journal.js';
import type { SettleDeps } from '../../src/settlement/settleBatch.js';
import { type EngineRig, engineRig, MemoryLogger } from '../txn/fakes.js';

type Script = (m: IsoMessage) => IsoMessage | PosError;

const rigs: EngineRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.engine.close();
    r.journal.close();
  }
});

/** 0510 echoing the request's totals with the host's reconciliation code (no 48 when omitted). */
export function ans0510(code: string, reconciliation?: string): Script {
  return (req) => {
    const fields: Record<number, string> = {
      11: req.fields[11],
      39: code,
      41: req.fields[41],
      42: req.fields[42],
      60: req.fields[60],
    };
    if (reconciliation !== undefined) fields[48] = `${req.fields[48].slice(0, 30)}${reconciliation}`;
    return { mti: '0510', fields };
  };
}

export function ans0330(code: string): Script {
  return (req) => ({
    mti: '0330',
    fields: { 11: req.fields[11], 39: code, 41: req.fields[41], 42: req.fields[42] },
  });
}

/** An engine rig (temp journal, scripted host) with approved online sales; their STANs in order. */
export async function rigWithSales(amounts: number[], rig: EngineRig = engineRig()) {
  rigs.push(rig);
  for (const amountMinor of amounts) {
    const r = await rig.engine.sale({ amountMinor });
    expect(r.outcome).toBe('approved');
  }
  const stans = rig.host.sent.filter((m) => m.mti === '0200').map((m) => m.fields[11]);
  rig.host.sent = [];
  return { rig, stans };
}

export function depsOf(r: EngineRig, journal: Journal = r.journal): SettleDeps {
  return {
    profile: r.profile,
    journal,
    host: r.host,
    lane: r.lane,
    forwarder: r.forwarder,
    log: new MemoryLogger(),
  };
}

/** The journal with one method replaced (the rest bound to the real one). */
export function withJournal<K extends keyof Journal>(j: Journal, key: K, fn: Journal[K]): Journal {
  return new Proxy(j, {
    get(t, p) {
      if (p === key) return fn;
      const v = Reflect.get(t, p, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}
