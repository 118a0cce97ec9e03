/**
 * The settlement tracker's test rig: a real temp journal with sales made by the engine, a host that
 * answers 0800/951 by script, the manual clock. Records are written by hand (host-cup-pos.md 5).
 */
import { expect } from 'vitest';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { asciiToHex, hexToAscii } from '../../src/iso8583/views/cupPosFields.js';
import {
  type SettlementStatusChange,
  SettlementTracker,
  type TrackerJournal,
} from '../../src/settlement/SettlementTracker.js';
import { type EngineRig, MemoryLogger } from '../txn/fakes.js';
import { rigWithSales } from './settleFakes.js';

const BLANK = ' '.repeat(14);
/** One 59-character record: RRN, status, mode, expected, cleared, arrived, reason. */
export const rec = (
  rrn: string,
  status: string,
  o: { exp?: string; clr?: string; arr?: string; reason?: string } = {},
) => `${rrn}${status}T1${o.exp ?? BLANK}${o.clr ?? BLANK}${o.arr ?? BLANK}${o.reason ?? '00'}`;

export const asked = (m: IsoMessage) => (hexToAscii(m.fields[62]).match(/.{12}/g) ?? []) as string[];
export const is951 = (m: IsoMessage) => m.mti === '0800' && m.fields[60]?.endsWith('951');

/** A host answering each asked RRN with `statusOf(rrn)` (a record, or a whole field 62 / 39). */
export function answer951(statusOf: (rrn: string) => string, code = '00'): (m: IsoMessage) => IsoMessage {
  return (req) => ({
    mti: '0810',
    fields: {
      11: req.fields[11],
      39: code,
      41: req.fields[41],
      42: req.fields[42],
      60: req.fields[60],
      62: asciiToHex(asked(req).map(statusOf).join('')),
    },
  });
}

export interface Setup {
  maxInquiriesPerHour?: number;
  trackDays?: number;
  onChange?: (c: SettlementStatusChange) => void;
}

export function trackerFor(rig: EngineRig, s: Setup = {}) {
  const results: string[] = [];
  const j = rig.journal;
  const journal: TrackerJournal = {
    trackedSettlements: (since, all) => j.trackedSettlements(since, all),
    settlementInquiryAttempt: (stan, txns) => j.settlementInquiryAttempt(stan, txns),
    settlementInquiryResult: (id, result, obs) => {
      results.push(result);
      j.settlementInquiryResult(id, result, obs);
    },
    settlementInquiriesSince: (since) => j.settlementInquiriesSince(since),
    nextStan: () => j.nextStan(),
    currentBatch: () => j.currentBatch(),
  };
  const cfg = { maxInquiriesPerHour: s.maxInquiriesPerHour ?? 12, trackDays: s.trackDays ?? 7 };
  const tracker = new SettlementTracker({
    journal,
    host: rig.host,
    lane: rig.lane,
    clock: rig.clock,
    log: new MemoryLogger(),
    terminalId: rig.profile.terminalId,
    merchantId: rig.profile.merchantId,
    timeZone: 'Asia/Shanghai',
    config: () => cfg,
    ...(s.onChange ? { onChange: s.onChange } : {}),
  });
  return { tracker, results, cfg };
}

export async function salesWithRrns(n: number) {
  const { rig } = await rigWithSales(Array.from({ length: n }, (_, k) => 100 + k));
  const rrns = rig.journal.trackedSettlements(0).map((t) => t.rrn);
  expect(rrns).toHaveLength(n);
  return { rig, rrns };
}

export const inquiries = (rig: EngineRig) => rig.host.sent.filter(is951);

/** Step the manual clock and let the tracker's pass finish. */
export async function step(rig: EngineRig, tracker: SettlementTracker, ms: number) {
  rig.clock.advance(ms);
  await tracker.idle();
  await new Promise((r) => setImmediate(r));
  await tracker.idle();
}
