/**
 * Fault injection for the host simulator: specs, the text syntax, and the set that hands out
 * faults to requests and connections as they come.
 *
 * Syntax: a comma-separated list of `KIND[:MS][@MTI][*N]`, e.g. `delay:200,bad-mac@0200,no-answer*2`.
 * - KIND: delay:MS, late:MS, no-answer, bad-mac, disconnect-mid, sign-on-again, drop-connect,
 *   unbalanced (the next 0510 answers reconciliation 2 whatever the totals: a batch upload follows),
 *   garbage-62 (field 62 of the answer, e.g. the 0810's settlement status records, is unreadable).
 * - `@MTI` limits the fault to requests with that MTI (four digits); not for drop-connect.
 * - `*N` limits it to the next N matching requests (connections for drop-connect); without it
 *   the fault applies to every matching request until the list is replaced.
 */
import { PosError } from '../errors.js';

export type FaultKind =
  | 'delay'
  | 'late'
  | 'no-answer'
  | 'bad-mac'
  | 'disconnect-mid'
  | 'sign-on-again'
  | 'drop-connect'
  | 'unbalanced'
  | 'garbage-62';

export interface FaultSpec {
  kind: FaultKind;
  /** Milliseconds for delay and late. */
  ms?: number;
  /** Only requests with this MTI (four digits). */
  mti?: string;
  /** Only the next N matching requests (or connections); unlimited when absent. */
  count?: number;
}

const KINDS: readonly FaultKind[] = [
  'delay',
  'late',
  'no-answer',
  'bad-mac',
  'disconnect-mid',
  'sign-on-again',
  'drop-connect',
  'unbalanced',
  'garbage-62',
];
const TIMED: readonly FaultKind[] = ['delay', 'late'];

function bad(item: string, why: string): never {
  throw new PosError('EMU_BAD_FAULT', `fault '${item}': ${why}`, { key: 'faults', item });
}

/** Parse one `KIND[:MS][@MTI][*N]` item. */
export function parseFault(text: string): FaultSpec {
  const item = text.trim();
  const m = /^([a-z][a-z0-9-]*)(?::(\d+))?((?:@\d{4}|\*\d+)*)$/.exec(item);
  if (!m) bad(item, 'expected KIND[:MS][@MTI][*N]');
  const kind = m[1] as FaultKind;
  if (!KINDS.includes(kind)) bad(item, `unknown kind (one of ${KINDS.join(', ')})`);
  const spec: FaultSpec = { kind };
  if (TIMED.includes(kind)) {
    if (m[2] === undefined) bad(item, `${kind} needs :MS`);
    spec.ms = Number(m[2]);
  } else if (m[2] !== undefined) {
    bad(item, `${kind} takes no :MS`);
  }
  for (const mod of m[3].match(/[@*]\d+/g) ?? []) {
    if (mod[0] === '@') {
      if (spec.mti !== undefined) bad(item, 'more than one @MTI');
      if (kind === 'drop-connect') bad(item, 'drop-connect acts on connections, not on an MTI');
      spec.mti = mod.slice(1);
    } else {
      if (spec.count !== undefined) bad(item, 'more than one *N');
      spec.count = Number(mod.slice(1));
      if (spec.count < 1) bad(item, '*N needs N >= 1');
    }
  }
  return spec;
}

/** Parse a comma-separated fault list; empty text gives an empty list. */
export function parseFaults(text: string): FaultSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseFault);
}

/** Text form of a spec (inverse of parseFault). */
export function formatFault(f: FaultSpec): string {
  return `${f.kind}${f.ms !== undefined ? `:${f.ms}` : ''}${f.mti ? `@${f.mti}` : ''}${f.count !== undefined ? `*${f.count}` : ''}`;
}

/** What the faults chosen for one request do to its answer. */
export interface RequestFaults {
  /** Total extra wait before answering (delay + late), ms. */
  delayMs: number;
  late: boolean;
  noAnswer: boolean;
  badMac: boolean;
  disconnectMid: boolean;
  signOnAgain: boolean;
  /** Field 62 of the answer (when it has one) replaced by unreadable text. */
  garbage62: boolean;
  /** The specs that fired, as text (for events and stats). */
  fired: string[];
}

/** The active fault list; counted faults are used up as they fire. */
export class FaultSet {
  private list: FaultSpec[] = [];

  constructor(list: FaultSpec[] = []) {
    this.set(list);
  }

  set(list: FaultSpec[]): void {
    this.list = list.map((f) => ({ ...f }));
  }

  get active(): FaultSpec[] {
    return this.list.map((f) => ({ ...f }));
  }

  private take(f: FaultSpec): void {
    if (f.count === undefined) return;
    f.count--;
    if (f.count <= 0) this.list = this.list.filter((x) => x !== f);
  }

  /** True (and one use consumed) when a new connection must be dropped. */
  takeConnectionDrop(): boolean {
    const f = this.list.find((x) => x.kind === 'drop-connect');
    if (!f) return false;
    this.take(f);
    return true;
  }

  /** True (and one use consumed) when this 0500 must be answered unbalanced. */
  takeUnbalanced(mti: string): boolean {
    const f = this.list.find((x) => x.kind === 'unbalanced' && (x.mti === undefined || x.mti === mti));
    if (!f || mti !== '0500') return false;
    this.take(f);
    return true;
  }

  /** The faults for one request of this MTI; each matching spec is consumed once. */
  forRequest(mti: string): RequestFaults {
    const out: RequestFaults = {
      delayMs: 0,
      late: false,
      noAnswer: false,
      badMac: false,
      disconnectMid: false,
      signOnAgain: false,
      garbage62: false,
      fired: [],
    };
    for (const f of [...this.list]) {
      if (f.kind === 'drop-connect' || f.kind === 'unbalanced' || (f.mti !== undefined && f.mti !== mti))
        continue;
      out.fired.push(formatFault(f));
      switch (f.kind) {
        case 'delay':
          out.delayMs += f.ms ?? 0;
          break;
        case 'late':
          out.delayMs += f.ms ?? 0;
          out.late = true;
          break;
        case 'no-answer':
          out.noAnswer = true;
          break;
        case 'garbage-62':
          out.garbage62 = true;
          break;
        case 'bad-mac':
          out.badMac = true;
          break;
        case 'disconnect-mid':
          out.disconnectMid = true;
          break;
        case 'sign-on-again':
          out.signOnAgain = true;
          break;
      }
      this.take(f);
    }
    return out;
  }
}
