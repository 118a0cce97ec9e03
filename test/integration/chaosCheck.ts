/**
 * The end check of the chaos run (pure): what the till was told for each sale, the terminal's
 * journal and the host simulator's ledger must agree. Each sale has its own amount, so a host
 * charge belongs to exactly one sale even when the till never learnt its STAN.
 */
import type { LedgerEntry } from '../../src/emulator/hostLedger.js';
import type { TxnRecord, TxnState } from '../../src/journal/types.js';

/** What the till saw for one sale. */
export type ClientOutcome =
  | 'approved-online'
  | 'approved-offline'
  | 'declined'
  | 'failed'
  /** the runtime was killed before it answered */
  | 'died'
  /** the till sent the sale and went away without reading the answer */
  | 'vanished'
  /** the runtime did not answer in time (a finding) */
  | 'hung'
  /** any other error (a finding) */
  | 'error';

export interface SaleRecord {
  n: number;
  amountMinor: number;
  mode: 'prefer-online' | 'force-offline';
  outcome: ClientOutcome;
  stan?: string;
  batch?: string;
  rrn?: string;
  /** response code, or the coded reason of a local decline / failure / error (a failure: its reason first) */
  code?: string;
  /** the coded reason the runtime gave with its answer (e.g. JOURNAL_DISK_FULL) */
  reason?: string;
  /** failed with a reversal left pending (timeout, bad MAC) */
  reversalPending?: boolean;
  /** how long the till waited for the answer */
  ms?: number;
}

export interface ChaosCheckInput {
  sales: SaleRecord[];
  /** every journal transaction */
  txns: TxnRecord[];
  /** journal: pending reversals, and advices pending or in flight */
  pendingReversals: number;
  queuedAdvices: number;
  /** the simulator's ledger for this terminal */
  ledger: LedgerEntry[];
}

export interface ChaosCheck {
  sales: number;
  approved_online: number;
  approved_offline: number;
  declined: number;
  failed: number;
  died: number;
  vanished: number;
  /** journal transactions that ended reversed */
  reversed: number;
  /** approvals (told to the till or kept in the journal) that the host does not hold once, unreversed */
  lost: number;
  /** extra host entries: a (batch, STAN) twice, or one sale charged more than once */
  duplicated: number;
  /** host charges the terminal does not count as approved (a missing or failed reversal) */
  orphaned: number;
  /** reversals, advices or transactions still open */
  pending: number;
  /** failed sales by coded reason */
  failed_codes: Record<string, number>;
  /** sales the runtime died in, by the final journal state of their transaction ('none': never begun) */
  died_then: Record<string, number>;
  /** sales whose client vanished, by the final journal state of their transaction ('none': never begun) */
  vanished_then: Record<string, number>;
  problems: string[];
}

/** Journal states a transaction ends in (nothing more will be sent for it). */
const FINAL_STATES = new Set<TxnState>([
  'approved',
  'declined',
  'reversed',
  'aborted',
  'refused',
  'no-answer',
]);

const charge = (e: LedgerEntry) =>
  (e.kind === 'purchase' || e.kind === 'advice') && e.responseCode === '00' && !e.reversed;
const key = (batch: string, stan: string) => `${batch}/${stan}`;

export function checkChaos(input: ChaosCheckInput): ChaosCheck {
  const problems: string[] = [];
  const lost = new Set<string>();
  const orphaned = new Set<string>();
  let duplicated = 0;

  const byKey = new Map<string, LedgerEntry[]>();
  for (const e of input.ledger)
    byKey.set(key(e.batch, e.stan), [...(byKey.get(key(e.batch, e.stan)) ?? []), e]);
  for (const [k, list] of byKey) {
    if (list.length > 1) {
      duplicated += list.length - 1;
      problems.push(`ledger holds ${list.length} entries for batch/STAN ${k}`);
    }
  }
  const chargesOf = new Map<number, LedgerEntry[]>();
  for (const e of input.ledger.filter(charge))
    chargesOf.set(e.amount, [...(chargesOf.get(e.amount) ?? []), e]);
  for (const [amount, list] of chargesOf) {
    if (list.length > 1) {
      duplicated += list.length - 1;
      problems.push(`amount ${amount} charged ${list.length} times (${list.map((e) => e.stan).join(', ')})`);
    }
  }

  const txnByKey = new Map<string, TxnRecord>();
  for (const t of input.txns) if (t.kind !== 'inquiry') txnByKey.set(key(t.batch, t.stan), t);

  for (const s of input.sales) {
    const charges = chargesOf.get(s.amountMinor) ?? [];
    const tag = `sale #${s.n} (${s.amountMinor})`;
    if (s.outcome === 'approved-online' || s.outcome === 'approved-offline') {
      const kind = s.outcome === 'approved-online' ? 'purchase' : 'advice';
      const hit = charges.find((e) => e.kind === kind && e.stan === s.stan && e.batch === s.batch);
      if (!hit) {
        lost.add(tag);
        problems.push(`${tag} told ${s.outcome} (STAN ${s.stan}), not charged on the host`);
      } else if (kind === 'purchase' && hit.rrn !== s.rrn) {
        problems.push(`${tag}: RRN ${s.rrn} told to the till, ${hit.rrn} on the host`);
      }
      const t = txnByKey.get(key(s.batch ?? '', s.stan ?? ''));
      if (t?.state !== 'approved') {
        lost.add(tag);
        problems.push(`${tag} told ${s.outcome}, journal state ${t?.state ?? 'missing'}`);
      }
    } else if (s.outcome === 'declined' || s.outcome === 'failed') {
      for (const e of charges) {
        orphaned.add(key(e.batch, e.stan));
        problems.push(`${tag} told ${s.outcome} (${s.code}), yet charged on the host (STAN ${e.stan})`);
      }
      if (s.reversalPending && s.stan) {
        const t = txnByKey.get(key(s.batch ?? '', s.stan));
        if (t?.state !== 'reversed')
          problems.push(`${tag} left a reversal, journal state ${t?.state ?? 'missing'}`);
      }
    } else if (s.outcome === 'died' || s.outcome === 'vanished') {
      // The till never heard the outcome: its transactions (found by the amount; an online try
      // that never left may be followed by an offline sale) must have ended, at most one approved
      // and charged once unreversed, the others not charged.
      const own = input.txns.filter(
        (t) => t.amountMinor === s.amountMinor && (t.kind === 'purchase' || t.kind === 'offline-sale'),
      );
      const approvals = own.filter((t) => t.state === 'approved').length;
      if (approvals > 1) problems.push(`${tag} (${s.outcome}) approved ${approvals} times in the journal`);
      for (const t of own) {
        const k = key(t.batch, t.stan);
        if (!FINAL_STATES.has(t.state)) problems.push(`${tag} (${s.outcome}) left STAN ${t.stan} ${t.state}`);
        if (t.state === 'approved') {
          if (!charges.some((e) => key(e.batch, e.stan) === k)) {
            lost.add(k);
            problems.push(`${tag} (${s.outcome}) approved in the journal (STAN ${t.stan}), not charged`);
          }
        }
      }
      const approved = new Set(own.filter((t) => t.state === 'approved').map((t) => key(t.batch, t.stan)));
      for (const e of charges) {
        if (approved.has(key(e.batch, e.stan))) continue;
        orphaned.add(key(e.batch, e.stan));
        problems.push(
          `${tag} (${s.outcome}) charged on the host (STAN ${e.stan}), not approved in the journal`,
        );
      }
    } else if (s.outcome === 'hung' || s.outcome === 'error') {
      problems.push(`${tag}: ${s.outcome} (${s.code ?? 'no code'})`);
    }
  }

  let reversed = 0;
  let openTxns = 0;
  for (const t of input.txns) {
    const entries = byKey.get(key(t.batch, t.stan)) ?? [];
    const e = entries[0];
    if (t.state === 'reversed') {
      reversed++;
      if (e && !e.reversed && e.responseCode === '00') {
        orphaned.add(key(t.batch, t.stan));
        problems.push(`journal reversed STAN ${t.stan}, host has it approved and not reversed`);
      }
    } else if (t.state === 'approved' && (t.kind === 'purchase' || t.kind === 'offline-sale')) {
      if (!e || !charge(e)) {
        lost.add(key(t.batch, t.stan));
        problems.push(
          `journal approved STAN ${t.stan}, host: ${e ? `${e.responseCode}, reversed ${e.reversed}` : 'nothing'}`,
        );
      }
    } else if (['pending', 'sent', 'reversal-pending', 'offline-approved'].includes(t.state)) {
      // reversal-pending and offline-approved are counted with the queues below
      if (t.state === 'pending' || t.state === 'sent') openTxns++;
      problems.push(`journal STAN ${t.stan} still ${t.state}`);
    }
  }
  for (const e of input.ledger.filter(charge)) {
    const t = txnByKey.get(key(e.batch, e.stan));
    if (t?.state !== 'approved') {
      orphaned.add(key(e.batch, e.stan));
      problems.push(`host charge STAN ${e.stan} (${e.amount}), journal state ${t?.state ?? 'missing'}`);
    }
  }
  const pending = input.pendingReversals + input.queuedAdvices + openTxns;
  if (input.pendingReversals + input.queuedAdvices > 0)
    problems.push(`${input.pendingReversals} reversals and ${input.queuedAdvices} advices still queued`);

  const count = (o: ClientOutcome) => input.sales.filter((s) => s.outcome === o).length;
  const tally = (keys: string[]) => {
    const out: Record<string, number> = {};
    for (const k of keys.sort()) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  const lastTxnOf = new Map<number, TxnRecord>();
  for (const t of [...input.txns].sort((a, b) => a.id - b.id)) lastTxnOf.set(t.amountMinor, t);
  return {
    sales: input.sales.length,
    approved_online: count('approved-online'),
    approved_offline: count('approved-offline'),
    declined: count('declined'),
    failed: count('failed'),
    died: count('died'),
    vanished: count('vanished'),
    reversed,
    lost: lost.size,
    duplicated,
    orphaned: orphaned.size,
    pending,
    failed_codes: tally(input.sales.filter((s) => s.outcome === 'failed').map((s) => s.code ?? 'none')),
    died_then: tally(
      input.sales
        .filter((s) => s.outcome === 'died')
        .map((s) => lastTxnOf.get(s.amountMinor)?.state ?? 'none'),
    ),
    vanished_then: tally(
      input.sales
        .filter((s) => s.outcome === 'vanished')
        .map((s) => lastTxnOf.get(s.amountMinor)?.state ?? 'none'),
    ),
    problems: [...new Set(problems)],
  };
}
