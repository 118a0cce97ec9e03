/** Human-readable output of transaction results and queue items (masked by construction). */
import { isPosError } from '../errors.js';
import { balanceOf } from '../iso8583/views/cupPosBalance.js';
import type { TxnResult } from '../txn/types.js';
import { formatAmount } from '../txn/types.js';

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
