/**
 * Timelines and delay attribution for 100,000 synthetic transactions (issue 10): a mix of T1, D1
 * and D0 contracts, online and offline sales, batches settled in time and late, and host
 * observations with every delay reason, over 2024-2026; target under 2 s. Then the settlement
 * status inquiry traffic of a terminal with 1,000 sales a day (settlementTraffic.ts), for a
 * Tuesday and for a Friday (the weekend in between). Prints JSON.
 * Usage: npm run bench:settlement [-- count [salesPerDay]]
 */

import { DELAY_REASON_TEXT, type DelayReason } from '../../src/iso8583/views/cupPosStatusRecord.js';
import { seededRandom } from '../../src/seededRandom.js';
import { bundledCalendar } from '../../src/settlement/calendar/HolidayCalendar.js';
import {
  buildTimeline,
  type HostObservation,
  type SettlementContract,
  type SettlementFacts,
} from '../../src/settlement/timeline/buildTimeline.js';
import { inquiryTraffic, type TrafficFigure } from './settlementTraffic.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const PER_DAY = Number(process.argv[3] ?? 1000);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2024, 0, 1) - 8 * HOUR;
const REASONS = Object.keys(DELAY_REASON_TEXT) as DelayReason[];
const CONTRACTS: SettlementContract[] = [
  { mode: 'T1' },
  { mode: 'D1' },
  { mode: 'D0' },
  { mode: 'T1', cutOff: '22:00' },
];

function hostTime(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

const rnd = seededRandom(10);
const int = (n: number) => Math.floor(rnd() * n);

const txns: { facts: SettlementFacts; contract: SettlementContract; asOf: number }[] = [];
for (let i = 0; i < COUNT; i++) {
  const auth = START + int(1090 * DAY);
  const offline = int(10) === 0;
  const facts: SettlementFacts = {
    rrn: String(i).padStart(12, '0'),
    cardReadAt: auth - 5000,
    authorisedAt: auth,
    approval: offline ? 'offline' : 'online',
    batchSettledAt: auth + int(30 * HOUR),
    observations: [],
  };
  if (offline) facts.queuedOffline = { from: auth, forwardedAt: auth + int(20 * HOUR) };
  const observations: HostObservation[] = [];
  for (let k = int(4); k > 0; k--) {
    const status = 'PCAHF'[int(5)] as HostObservation['status'];
    const o: HostObservation = {
      learntAt: auth + int(6 * DAY),
      status,
      settlementMode: (['T1', 'D1', 'D0'] as const)[int(3)],
      delayReason: int(2) === 0 ? '00' : REASONS[int(REASONS.length)],
      expectedArrival: hostTime(auth + DAY + int(5 * DAY)),
    };
    if (status === 'A') o.arrivedAt = hostTime(auth + DAY + int(5 * DAY));
    if (status !== 'P') o.clearedAt = hostTime(auth + int(DAY));
    observations.push(o);
  }
  facts.observations = observations;
  txns.push({ facts, contract: CONTRACTS[int(CONTRACTS.length)], asOf: auth + int(8 * DAY) });
}

const cal = bundledCalendar();
const causes: Record<string, number> = {};
let delayed = 0;
let calendarUnknown = 0;
const t0 = performance.now();
for (const { facts, contract, asOf } of txns) {
  const tl = buildTimeline(facts, contract, cal, asOf);
  if (tl.delayMs === null) calendarUnknown++;
  else if (tl.delayMs > 0) delayed++;
  for (const s of tl.segments) causes[s.cause] = (causes[s.cause] ?? 0) + 1;
}
const ms = performance.now() - t0;

// Inquiry traffic: per 1,000 sales, both ways (messages and bytes on the wire).
const per1000 = (f: TrafficFigure) => {
  const k = 1000 / f.sales;
  return {
    ...f,
    per1000Sales: {
      messagesOut: Math.round(f.requests * k),
      messagesIn: Math.round(f.answers * k),
      bytesOut: Math.round(f.bytesOut * k),
      bytesIn: Math.round(f.bytesIn * k),
    },
  };
};
const traffic = [];
for (const day of ['2026-03-10', '2026-03-13']) {
  traffic.push(
    per1000(await inquiryTraffic({ sales: PER_DAY, day, contract: { mode: 'T1' }, settleAt: '22:30' })),
  );
}

console.log(
  JSON.stringify(
    {
      bench: 'settlement timelines + delay attribution',
      transactions: COUNT,
      ms: Math.round(ms),
      perTxnUs: Number(((ms * 1000) / COUNT).toFixed(2)),
      targetMs: 2000,
      delayed,
      calendarUnknown,
      segmentsByCause: causes,
      inquiryTraffic: {
        about:
          'one terminal, sales 08:00-22:00 host time, T1, batch settled 22:30, tracker defaults (12 inquiries/h, 7 days), simulator engine on a fast clock until every sale arrived; bytes = 2-byte length + TPDU + header + ISO 8583 body',
        days: traffic,
      },
      node: process.version,
    },
    null,
    2,
  ),
);
