/**
 * The emulator's day (`npm start`): the host simulator, a network in between that can drop,
 * the virtual reader and the real runtime, through a merchant's day: sales on every kind of
 * card, declines, a host that does not answer (reversal), a void and a refund, a network outage
 * with offline sales forwarded when it comes back, and at the end a check that the host's
 * ledger and the terminal's journal agree; the host finds the end-of-day totals unbalanced, so
 * the terminal uploads the batch before it closes.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlakyProxy } from '../emulator/FlakyProxy.js';
import { type HostSim, startHostSim } from '../emulator/hostSim.js';
import { startVirtualReader } from '../emulator/VirtualReaderServer.js';
import { createLogger } from '../log.js';
import { formatAmount, parseAmount } from '../money.js';
import { PROFILES_DIR, parseProfile, profileTmk } from '../profile/loadProfile.js';
import { Runtime } from '../runtime/Runtime.js';
import type { TxnResult } from '../txn/types.js';

export interface DaySummary {
  transactions: number;
  approvedOnline: number;
  approvedOffline: number;
  declined: number;
  failed: number;
  reversed: number;
  advicesForwarded: number;
  ledgerAgrees: boolean;
  /** Outcome of the end-of-day 0500. */
  settlement?: string;
  problems: string[];
}

interface Step {
  scene: string;
  card?: string;
  run: (rt: Runtime) => Promise<TxnResult>;
  before?: () => Promise<void> | void;
}

const line = (r: TxnResult): string => {
  const head = r.outcome === 'approved' ? `APPROVED ${r.approval}` : r.outcome.toUpperCase();
  const code = r.responseCode ?? r.reason?.code ?? '';
  return [
    r.kind.padEnd(12),
    (r.amountMinor !== undefined ? formatAmount(r.amountMinor) : '').padStart(8),
    (r.maskedPan ?? '').padEnd(19),
    (r.entryInterface ?? '').padEnd(11),
    head.padEnd(17),
    code.padEnd(24),
    r.textZh,
  ].join(' ');
};

export async function runEmulatorDay(opts: { dir: string; write: (s: string) => void }): Promise<DaySummary> {
  const { dir, write } = opts;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const raw = JSON.parse(readFileSync(join(PROFILES_DIR, 'emulator.json'), 'utf8'));
  const tmk = profileTmk(parseProfile(raw, dir));
  const sim = await startHostSim({ tmk, port: 0 });
  const net = await FlakyProxy.start({ targetPort: sim.port });
  raw.host.primary.port = net.port;
  raw.host.responseTimeoutMs = 1500;
  raw.host.connectTimeoutMs = 1000;
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = { socket: 'control.sock' };
  // The profile holds the TMK: private like the journal's key.
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(raw, null, 2), { mode: 0o600 });
  chmodSync(join(dir, 'profile.json'), 0o600);
  const logFile = join(dir, 'runtime.log');
  const reader = await startVirtualReader({ tcpPort: 0, card: 'unionpay-contactless' });
  const rt = await Runtime.start({
    profile: parseProfile(raw, dir),
    readerPath: reader.path,
    log: createLogger('posterm', { destination: logFile }),
    link: { backoff: { initialMs: 100, maxMs: 1000 } },
  });
  const results: TxnResult[] = [];
  const byScene = new Map<string, TxnResult>();
  const sale = (yuan: string) => (r: Runtime) => r.engine.sale({ amountMinor: parseAmount(yuan) });
  const steps: Step[] = [
    { scene: 'morning coffee, tapped', card: 'unionpay-contactless', run: sale('38') },
    { scene: 'groceries, chip inserted', card: 'unionpay-chip', run: sale('125.5') },
    { scene: 'not enough on the card', card: 'unionpay-contactless', run: sale('20.51') },
    { scene: 'an old card swiped', card: 'unionpay-magstripe', run: sale('66') },
    { scene: 'customer checks the balance', card: 'unionpay-chip', run: (r) => r.engine.inquiry() },
    {
      scene: 'host does not answer',
      card: 'unionpay-contactless',
      before: () => sim.setFaults('no-answer@0200*1'),
      run: sale('45'),
    },
    { scene: 'tried again: reversal goes first', card: 'unionpay-contactless', run: sale('45') },
    {
      scene: 'groceries voided',
      card: 'unionpay-chip',
      run: (r) => r.engine.voidSale({ rrn: byScene.get('groceries, chip inserted')!.rrn! }),
    },
    {
      scene: 'coffee partly refunded',
      card: 'unionpay-contactless',
      run: (r) => r.engine.refund({ rrn: byScene.get('morning coffee, tapped')!.rrn!, amountMinor: 1000 }),
    },
    {
      scene: 'router reboots: network down',
      before: () => net.cut('refuse'),
      card: 'unionpay-contactless',
      run: sale('88'),
    },
    { scene: 'still down, chip', card: 'unionpay-chip', run: sale('12') },
    { scene: 'still down, swiped card', card: 'unionpay-magstripe', run: sale('9.9') },
    { scene: 'still down, above floor limit', card: 'unionpay-chip', run: sale('888') },
  ];

  write(
    `posterm emulator day: host simulator on 127.0.0.1:${sim.port}, network via 127.0.0.1:${net.port}, reader ${reader.path}\n`,
  );
  write(`journal ${join(dir, 'journal.db')}, log ${logFile}\n\n`);
  write(
    `${'scene'.padEnd(34)} ${'kind'.padEnd(12)} ${'amount'.padStart(8)} ${'card'.padEnd(19)} ${'interface'.padEnd(11)} ${'outcome'.padEnd(17)} ${'code'.padEnd(24)} 中文\n`,
  );
  for (const step of steps) {
    await step.before?.();
    if (step.card) reader.setCard(step.card);
    const r = await step.run(rt);
    results.push(r);
    byScene.set(step.scene, r);
    write(`${step.scene.padEnd(34)} ${line(r)}\n`);
  }

  write(`\nqueued while offline: ${rt.queue().length} advice(s)\n`);
  await net.restore();
  write('network back: forwarding the queue ...\n');
  let forwarded = 0;
  for (let i = 0; i < 20 && rt.queue().length > 0; i++) {
    const f = await rt.forwarder.forwardAll();
    forwarded += f.advicesDone;
    if (f.remaining > 0) await new Promise((res) => setTimeout(res, 200));
  }
  write(
    `forwarded ${forwarded} advice(s); queue now ${rt.queue().length === 0 ? 'empty' : `${rt.queue().length} left`}\n`,
  );

  const summary = summarise(rt, sim, results, forwarded);
  // the host finds the totals differ (fault `unbalanced`): the terminal uploads the batch
  sim.setFaults('unbalanced*1');
  const settled = await rt.settle();
  const totals = settled.totals;
  write(
    `\nend of day, settlement of batch ${settled.batch}: ${totals.debitCount} sales ${formatAmount(totals.debitAmountMinor)} CNY, ` +
      `${totals.creditCount} refunds ${formatAmount(totals.creditAmountMinor)} CNY: ${settled.textEn} / ${settled.textZh}; ` +
      `batch ${settled.openBatch} open\n`,
  );
  summary.settlement = settled.outcome;
  if (settled.outcome !== 'uploaded') summary.problems.push(`settlement ${settled.outcome}`);
  if (settled.uploaded)
    write(`batch upload: ${settled.uploaded.entries} entries in ${settled.uploaded.messages} message(s)\n`);
  summary.ledgerAgrees = summary.problems.length === 0;
  write(
    `day: ${summary.transactions} transactions, ${summary.approvedOnline} approved online, ` +
      `${summary.approvedOffline} offline, ${summary.declined} declined, ${summary.failed} failed, ` +
      `${summary.reversed} reversed\n`,
  );
  write(
    summary.ledgerAgrees
      ? 'host ledger and terminal journal agree: every approval on the host exactly once, every reversal applied\n'
      : `host ledger and terminal journal DISAGREE:\n  ${summary.problems.join('\n  ')}\n`,
  );
  await rt.stop();
  await reader.close();
  await net.close();
  await sim.close();
  return summary;
}

function summarise(rt: Runtime, sim: HostSim, results: TxnResult[], forwarded: number): DaySummary {
  const txns = rt.journal.listTransactions({ limit: 10_000 });
  const ledger = sim.ledger(rt.profile.terminalId);
  const problems: string[] = [];
  const onHost = (batch: string, stan: string) => ledger.filter((e) => e.batch === batch && e.stan === stan);
  for (const t of txns) {
    const entries = onHost(t.batch, t.stan);
    if (entries.length > 1) problems.push(`STAN ${t.stan} is on the host ${entries.length} times`);
    const e = entries[0];
    if ((t.state === 'approved' || t.state === 'offline-approved') && (!e || e.reversed)) {
      problems.push(`approved STAN ${t.stan} is ${e ? 'reversed' : 'missing'} on the host`);
    }
    if (t.state === 'reversed' && e && !e.reversed)
      problems.push(`reversed STAN ${t.stan} stands on the host`);
    if (t.state === 'reversal-pending') problems.push(`reversal of STAN ${t.stan} still pending`);
  }
  if (rt.queue().length > 0) problems.push(`${rt.queue().length} item(s) still queued`);
  return {
    transactions: results.length,
    approvedOnline: results.filter((r) => r.outcome === 'approved' && r.approval === 'online').length,
    approvedOffline: results.filter((r) => r.approval === 'offline').length,
    declined: results.filter((r) => r.outcome === 'declined').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    reversed: txns.filter((t) => t.state === 'reversed').length,
    advicesForwarded: forwarded,
    ledgerAgrees: problems.length === 0,
    problems,
  };
}
