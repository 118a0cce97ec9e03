/**
 * The settlement status inquiry traffic one terminal generates for a day of sales (issue 10): the
 * real SettlementTracker with its schedule and hourly ceiling, over a real journal, asks the
 * simulator's host handler and settlement engine on a fast clock, from the first sale until every
 * sale has arrived (or its tracking window ends). Counted: 0800/951 requests and 0810 answers,
 * and their bytes on the wire (2-byte length, TPDU, header, ISO 8583 body), each way.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { packBody, unpackBody } from '../../src/emulator/hostCodec.js';
import { HostHandler } from '../../src/emulator/hostHandler.js';
import { HostLedger } from '../../src/emulator/hostLedger.js';
import { SettlementEngine } from '../../src/emulator/SettlementEngine.js';
import type { MerchantContract } from '../../src/emulator/settlementContract.js';
import { HEADER_LENGTH, TPDU_LENGTH } from '../../src/host/framing.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { Journal } from '../../src/journal/Journal.js';
import { silentLogger } from '../../src/log.js';
import { SettlementTracker } from '../../src/settlement/SettlementTracker.js';
import { DAY_MS, DEFAULT_SCHEDULE_CONFIG } from '../../src/settlement/trackingSchedule.js';
import { Lane } from '../../src/txn/Lane.js';
import type { HostPort } from '../../src/txn/ports.js';

const FRAME_OVERHEAD = 2 + TPDU_LENGTH + HEADER_LENGTH;
const TID = '12345678';
const MID = '123456789012345';

export interface TrafficOptions {
  /** Sales in the day, spread evenly from 08:00 to 22:00 host time. */
  sales: number;
  /** Host date 'YYYY-MM-DD' of the sales. */
  day: string;
  contract: MerchantContract;
  /** Host time the batch is settled (0500), 'hh:mm' on the same day. */
  settleAt: string;
}

export interface TrafficFigure {
  day: string;
  mode: string;
  sales: number;
  /** 0800/951 requests and 0810 answers. */
  requests: number;
  answers: number;
  bytesOut: number;
  bytesIn: number;
  /** RRNs asked about, all requests together (a sale is asked about several times). */
  rrnsAsked: number;
  /** Sales whose money arrived within the tracking window. */
  arrived: number;
  /** From the first sale to the last arrival (host days). */
  days: number;
}

/** A HostPort that hands each request to the simulator's handler in-process and counts the bytes. */
class CountingHost implements HostPort {
  requests = 0;
  answers = 0;
  bytesOut = 0;
  bytesIn = 0;
  rrns = 0;
  constructor(private readonly handler: HostHandler) {}
  async send(msg: IsoMessage) {
    const body = packBody(msg);
    this.requests++;
    this.bytesOut += FRAME_OVERHEAD + body.length;
    this.rrns += (msg.fields[62]?.length ?? 0) / 24;
    const out = this.handler.handle(unpackBody(body), body);
    if (out.kind !== 'reply') throw new Error(`host dropped the request: ${out.reason}`);
    const answer = packBody(out.response);
    this.answers++;
    this.bytesIn += FRAME_OVERHEAD + answer.length;
    return { message: unpackBody(answer), hostMs: 0 };
  }
}

export async function inquiryTraffic(o: TrafficOptions): Promise<TrafficFigure> {
  // The figure is counts and bytes: the journal may live in memory-backed /dev/shm (no fsync cost).
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'posterm-bench-traffic-'));
  const ledger = new HostLedger();
  const engine = new SettlementEngine({ ledger, settings: { seed: 1, merchants: { [MID]: o.contract } } });
  const first = engine.hostTime(`${o.day} 08:00`);
  const clock = new ManualClock(first - 60_000);
  const handler = new HostHandler({ tmk: Buffer.alloc(16, 1), ledger, now: () => clock.now(), engine });
  const host = new CountingHost(handler);
  const journal = Journal.open({ path: join(dir, 'journal.db'), key: Buffer.alloc(32, 7), clock });
  const tracker = new SettlementTracker({
    journal,
    host,
    lane: new Lane(),
    clock,
    log: silentLogger,
    terminalId: TID,
    merchantId: MID,
    timeZone: 'Asia/Shanghai',
    config: () => DEFAULT_SCHEDULE_CONFIG,
  });
  const step = (14 * 3_600_000) / o.sales;
  const settleAt = engine.hostTime(`${o.day} ${o.settleAt}`);
  const runTo = async (t: number) => {
    for (;;) {
      const next = clock.nextTimerIn();
      if (next === undefined || clock.now() + next > t) break;
      clock.advance(next);
      await tracker.idle();
    }
    if (t > clock.now()) clock.advance(t - clock.now());
    await tracker.idle();
  };
  try {
    tracker.start();
    for (let i = 0; i < o.sales; i++) {
      await runTo(first + Math.round(i * step));
      // an approved sale, as the engine journals it, and the host's ledger entry
      const batch = journal.currentBatch();
      const txn = journal.begin({ kind: 'purchase', amountMinor: 1000 + (i % 5000) });
      journal.markSent(txn.id);
      const rrn = `B${String(i).padStart(11, '0')}`;
      journal.recordAnswer(txn.id, { responseCode: '00', rrn, authCode: '123456' });
      ledger.add({
        terminalId: TID,
        merchantId: MID,
        kind: 'purchase',
        stan: txn.stan,
        batch,
        amount: txn.amountMinor,
        rrn,
        authCode: '123456',
        responseCode: '00',
        reversed: false,
        voided: false,
        advice: false,
        approvalMode: 'online',
        maskedPan: '621234******0012',
        at: clock.now(),
      });
      tracker.kick();
    }
    await runTo(settleAt);
    const batch = journal.currentBatch();
    journal.closeBatch(batch);
    ledger.markSettled(TID, batch, clock.now());
    tracker.kick({ batch });
    const end = first + (DEFAULT_SCHEDULE_CONFIG.trackDays + 1) * DAY_MS;
    let lastArrival = first;
    while (clock.now() < end && journal.trackedSettlements(0).length > 0) {
      await runTo(clock.now() + 3_600_000);
    }
    const all = journal.trackedSettlements(0, true);
    for (const t of all) if (t.latest?.status === 'A') lastArrival = Math.max(lastArrival, t.latest.learntAt);
    return {
      day: o.day,
      mode: o.contract.mode,
      sales: o.sales,
      requests: host.requests,
      answers: host.answers,
      bytesOut: host.bytesOut,
      bytesIn: host.bytesIn,
      rrnsAsked: host.rrns,
      arrived: all.filter((t) => t.latest?.status === 'A').length,
      days: Number(((lastArrival - first) / DAY_MS).toFixed(2)),
    };
  } finally {
    await tracker.stop();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
