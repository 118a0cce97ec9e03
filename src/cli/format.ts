/** Human-readable output of transaction results and queue items (masked by construction). */
import { isPosError } from '../errors.js';
import { balanceOf } from '../iso8583/views/cupPosBalance.js';
import { formatAmount } from '../money.js';
import type { RuntimeStatus } from '../runtime/runtimeStatus.js';
import type { TxnResult } from '../txn/types.js';

export function formatResult(r: TxnResult): string {
  const head =
    r.outcome === 'approved'
      ? `APPROVED ${r.approval ?? ''}`.trim()
      : r.outcome === 'declined'
        ? 'DECLINED'
        : 'FAILED';
  const code = r.responseCode ? ` (${r.responseCode})` : r.reason ? ` [${r.reason.code}]` : '';
  const lines = [`${head}: ${r.textEn} / ${r.textZh}${code}`];
  if (r.amountMinor !== undefined) lines.push(`  amount   ${formatAmount(r.amountMinor)} CNY`);
  if (r.maskedPan) lines.push(`  card     ${r.maskedPan}${r.entryInterface ? ` (${r.entryInterface})` : ''}`);
  const refs = [
    r.rrn && `RRN ${r.rrn}`,
    r.authCode && `auth ${r.authCode}`,
    r.stan && `STAN ${r.stan}`,
    r.batch && `batch ${r.batch}`,
  ].filter(Boolean);
  if (refs.length) lines.push(`  ${refs.join('  ')}`);
  if (r.balance) lines.push(`  balance  ${formatBalance(r.balance)}`);
  if (r.reversalPending)
    lines.push(`  reversal pending (reason ${r.reversalPending.reason}): sent before the next transaction`);
  const t = r.timings;
  const times = [
    t.cardMs !== undefined && `card ${t.cardMs.toFixed(0)} ms`,
    t.hostMs !== undefined && `host ${t.hostMs.toFixed(1)} ms`,
    t.totalMs !== undefined && `total ${t.totalMs.toFixed(1)} ms`,
  ].filter(Boolean);
  if (times.length) lines.push(`  timings  ${times.join(', ')}`);
  return lines.join('\n');
}

/** Field 54 as money ("12345.67 CNY"); an answer that is not the usual layout is shown raw. */
function formatBalance(f54: string): string {
  try {
    const b = balanceOf(f54);
    const sign = b.amountMinor < 0 ? '-' : '';
    const cur = b.currency === '156' ? 'CNY' : b.currency;
    return `${sign}${formatAmount(Math.abs(b.amountMinor))} ${cur}`;
  } catch (e) {
    if (!isPosError(e)) throw e;
    return `${f54} (raw field 54)`;
  }
}

const MB = 1024 * 1024;
const hhmmss = (iso: string) => iso.slice(11, 19);

/** `posterm status` for a technician: one line per part, problems in capitals. */
export function formatStatus(s: RuntimeStatus): string {
  const sign = s.signedOn ? 'signed on' : s.signingOn ? 'signing on...' : 'NOT signed on';
  const reader =
    s.reader.state === 'connected'
      ? 'connected'
      : `UNAVAILABLE${s.reader.since ? ` since ${hhmmss(s.reader.since)}` : ''}${s.reader.reason ? ` (${s.reader.reason})` : ''}`;
  const h = s.host;
  const host = `${h.endpoint}${h.onBackup ? ' (backup)' : ''} ${h.connected ? 'connected' : 'not connected'}${h.lastOkAt ? `, last answer ${hhmmss(h.lastOkAt)}` : ''}`;
  const e = h.lastError;
  const j = s.journal;
  const free = j.freeBytes === null ? 'free space unknown' : `${(j.freeBytes / MB).toFixed(0)} MB free`;
  const journal = !j.writable
    ? `CANNOT WRITE: ${j.heldOutcomes} outcome(s) held in memory (${free})`
    : j.lowSpace
      ? `LOW SPACE: ${free}, minimum ${(j.minFreeBytes / MB).toFixed(0)} MB: sales refused`
      : `ok, ${free}`;
  const o = s.owed;
  const link = Object.entries(s.link)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `profile ${s.profile}, terminal ${s.terminalId}: ${sign}, batch ${s.batch}`,
    `  reader      ${reader}`,
    `  host        ${host}`,
    ...(e
      ? [
          `  last error  ${hhmmss(e.at)} ${e.code} (${e.cause}${e.detail ? `: ${e.detail}` : ''}) ${e.message}`,
        ]
      : []),
    `  journal     ${journal}`,
    `  owed        ${o.reversals} reversal(s), ${o.advices} advice(s) waiting, ${o.advicesInFlight} in flight`,
    `  host link   ${link}`,
    '',
  ].join('\n');
}
