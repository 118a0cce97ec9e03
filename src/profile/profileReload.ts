/**
 * What a profile reload (SIGHUP to `posterm run`) may change in a running terminal. Pure: it
 * compares two checked profiles key by key and writes the live keys into the running one.
 *
 * Live keys are read by the runtime at each use (per sale, per request, per batch check), and any
 * valid value of one is safe to switch to between two transactions. Everything else (ids, keys,
 * journal, host endpoints, TLS, TPDU, connect timeout, reader device, control socket, reversal
 * attempts, dialect, currency, time zone) was built into a component at start: a change is
 * reported as needing a restart and not applied. The `settlement` keys are read at each tracking
 * pass and report; a new `settlement.calendarDir` is read (and checked) before it is applied.
 */
import { PosError } from '../errors.js';
import type { TerminalProfile } from './loadProfile.js';

/** Dotted key prefixes applied live (a key matches when it equals a prefix or lies under one). */
export const LIVE_PROFILE_KEYS = [
  'description',
  'log.level',
  'offline',
  'limits',
  'reversal.whilePending',
  'host.responseTimeoutMs',
  'host.echoIntervalS',
  'reader.tapTimeoutS',
  'journal.minFreeBytes',
  'batch.maxCount',
  'batch.autoSettle',
  'settlement.mode',
  'settlement.maxInquiriesPerHour',
  'settlement.trackDays',
  'settlement.calendarDir',
] as const;

export interface ProfileReloadPlan {
  /** Changed keys that are applied live (dotted, e.g. `offline.floorLimitMinor`). */
  live: string[];
  /** Changed keys that need a restart; not applied. */
  restart: string[];
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaf values by dotted key; arrays are leaves. */
function leaves(v: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isTree(v)) {
    for (const [k, child] of Object.entries(v)) leaves(child, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, v);
  return out;
}

export function isLiveProfileKey(key: string): boolean {
  return LIVE_PROFILE_KEYS.some((p) => key === p || key.startsWith(`${p}.`));
}

/** The keys that differ between the running profile and the file's, split into live and restart. */
export function planProfileReload(current: TerminalProfile, next: TerminalProfile): ProfileReloadPlan {
  const a = leaves(current, '', new Map());
  const b = leaves(next, '', new Map());
  const changed = new Set<string>();
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (k === 'baseDir') continue;
    if (JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))) changed.add(k);
  }
  const sorted = [...changed].sort();
  return { live: sorted.filter(isLiveProfileKey), restart: sorted.filter((k) => !isLiveProfileKey(k)) };
}

/**
 * Writes the given live keys of `next` into `target` in place (components hold `target`), creating
 * sections as needed and removing a key the new profile no longer has.
 */
export function applyLiveProfileKeys(target: TerminalProfile, next: TerminalProfile, keys: string[]): void {
  for (const key of keys) {
    if (!isLiveProfileKey(key))
      throw new PosError('PROFILE_RESTART_NEEDED', `profile key '${key}' cannot change live`, { key });
    const path = key.split('.');
    let from: unknown = next;
    for (const p of path) from = isTree(from) ? from[p] : undefined;
    let to = target as unknown as Tree;
    for (const p of path.slice(0, -1)) {
      if (!isTree(to[p])) to[p] = {};
      to = to[p] as Tree;
    }
    const last = path[path.length - 1];
    if (from === undefined) delete to[last];
    else to[last] = structuredClone(from);
  }
}
