/**
 * The host simulator's ledger: one entry per financial request the host processed (approved or
 * declined), per terminal. Holds the masked PAN only. Pure (no I/O).
 */
export type LedgerKind = 'purchase' | 'void' | 'refund' | 'inquiry' | 'advice';

export interface LedgerEntry {
  terminalId: string;
  merchantId: string;
  kind: LedgerKind;
  stan: string;
  batch: string;
  /** Amount in fen (0 when the request had none). */
  amount: number;
  rrn: string;
  /** Host's auth code, or the terminal's offline code for an advice; '' when declined. */
  authCode: string;
  responseCode: string;
  reversed: boolean;
  voided: boolean;
  advice: boolean;
  approvalMode: 'online' | 'offline';
  /** First 6 / last 4 only. */
  maskedPan: string;
  /** Host wall time (ms since the epoch) of the request, or of the sale for an advice. */
  at: number;
  /** Host wall time the request arrived (differs from `at` for an advice: the sale was earlier). */
  receivedAt?: number;
  /** RRN of the original for a void or refund. */
  originalRrn?: string;
}

/** One transaction a terminal uploaded (0320) for an unbalanced batch; masked PAN only. */
export interface UploadedEntry {
  stan: string;
  amount: number;
  maskedPan: string;
}

export interface BatchTotals {
  debitAmount: number;
  debitCount: number;
  creditAmount: number;
  creditCount: number;
}

export class HostLedger {
  private readonly byTerminal = new Map<string, LedgerEntry[]>();
  private readonly byRrn = new Map<string, LedgerEntry>();
  /** `${terminalId}/${batch}` -> host time the batch settled. */
  private readonly settled = new Map<string, number>();
  /** `${terminalId}/${batch}` -> batch upload entries by STAN (a resent entry replaces itself). */
  private readonly uploads = new Map<string, Map<string, UploadedEntry>>();

  add(entry: LedgerEntry): LedgerEntry {
    let list = this.byTerminal.get(entry.terminalId);
    if (!list) {
      list = [];
      this.byTerminal.set(entry.terminalId, list);
    }
    list.push(entry);
    this.byRrn.set(entry.rrn, entry);
    return entry;
  }

  /** Copies of the entries, of one terminal or of all, in arrival order. */
  entries(terminalId?: string): LedgerEntry[] {
    const lists =
      terminalId === undefined ? [...this.byTerminal.values()] : [this.byTerminal.get(terminalId) ?? []];
    return lists.flat().map((e) => ({ ...e }));
  }

  findByStan(terminalId: string, batch: string, stan: string): LedgerEntry | undefined {
    return this.byTerminal.get(terminalId)?.find((e) => e.batch === batch && e.stan === stan);
  }

  findByRrn(rrn: string, terminalId?: string): LedgerEntry | undefined {
    const e = this.byRrn.get(rrn);
    return e && (terminalId === undefined || e.terminalId === terminalId) ? e : undefined;
  }

  /** True when the entry still counts for money: approved, not reversed, not voided. */
  static counts(e: LedgerEntry): boolean {
    return e.responseCode === '00' && !e.reversed && !e.voided;
  }

  /** Settlement totals of a batch: sales and advices debit, refunds credit. */
  totals(terminalId: string, batch: string): BatchTotals {
    const t: BatchTotals = { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 };
    for (const e of this.byTerminal.get(terminalId) ?? []) {
      if (e.batch !== batch || !HostLedger.counts(e)) continue;
      if (e.kind === 'purchase' || e.kind === 'advice') {
        t.debitAmount += e.amount;
        t.debitCount++;
      } else if (e.kind === 'refund') {
        t.creditAmount += e.amount;
        t.creditCount++;
      }
    }
    return t;
  }

  markSettled(terminalId: string, batch: string, at: number): void {
    const key = `${terminalId}/${batch}`;
    if (!this.settled.has(key)) this.settled.set(key, at);
  }

  settledAt(terminalId: string, batch: string): number | undefined {
    return this.settled.get(`${terminalId}/${batch}`);
  }

  /** Records batch upload entries; the same STAN again replaces itself (a resumed upload). */
  recordUpload(terminalId: string, batch: string, entries: readonly UploadedEntry[]): void {
    const key = `${terminalId}/${batch}`;
    let m = this.uploads.get(key);
    if (!m) {
      m = new Map();
      this.uploads.set(key, m);
    }
    for (const e of entries) m.set(e.stan, { ...e });
  }

  /** Batch upload entries received for a batch, in STAN order (copies). */
  uploaded(terminalId: string, batch: string): UploadedEntry[] {
    const m = this.uploads.get(`${terminalId}/${batch}`);
    return m ? [...m.values()].sort((a, b) => a.stan.localeCompare(b.stan)).map((e) => ({ ...e })) : [];
  }
}
