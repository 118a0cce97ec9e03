/**
 * The settlement report as text for an 80-column terminal, in English or Chinese. Every line is
 * at most 80 display columns (Chinese characters count two: src/text/displayWidth.ts); times are
 * the host's (the header names the zone); amounts in yuan; cards masked.
 */
import { padEndWidth, padStartWidth, truncateToWidth, wrapToWidth } from '../../text/displayWidth.js';
import { HostZone } from '../timeline/HostZone.js';
import type { SettlementReport } from './reportModel.js';
import {
  CAUSE_LABEL,
  hostMinute,
  hours,
  money,
  percent,
  type ReportLang,
  STATUS_LABEL,
  shortDuration,
  shortPan,
  TEXT,
} from './reportText.js';
import { rowLine, TABLE_WIDTH, writeTableRows } from './tableRows.js';

export { TABLE_WIDTH };

/** The table as text (tests, the CLI's terminal). */
export function renderTable(report: SettlementReport, lang: ReportLang): string {
  return renderTableBytes(report, lang).toString('utf8');
}

/**
 * The table as UTF-8: the part before the transactions as lines of text, the transactions (most
 * of a large report) written as bytes by tableRows.ts.
 */
export function renderTableBytes(report: SettlementReport, lang: ReportLang): Buffer {
  const t = TEXT[lang];
  const zone = new HostZone(report.header.timeZone);
  const at = (time: number | string | undefined) => hostMinute(zone, time);
  const short = (time: number | string | undefined) => (time === undefined ? '-' : at(time).slice(5));
  const out: string[] = [];
  const line = (s: string) => out.push(truncateToWidth(s, TABLE_WIDTH));
  const wrapped = (s: string, indent: string) => {
    for (const l of wrapToWidth(s, TABLE_WIDTH - indent.length)) out.push(indent + l);
  };
  const h = report.header;
  const s = report.summary;

  line(`${t.title}  ${t.asOf} ${at(h.asOf)}  (${t.timeZone} ${h.timeZone})`);
  line(`${t.terminal} ${h.terminal}  ${t.merchant} ${h.merchant}  ${t.contract} ${h.contractMode}`);
  line(`${t.calendar} ${h.calendarVersion}`);
  const range =
    h.period.from || h.period.to || h.period.batch
      ? [
          h.period.from ?? '…',
          '→',
          h.period.to ?? '…',
          h.period.batch ? `${t.batches} ${h.period.batch}` : '',
        ]
          .join(' ')
          .trim()
      : t.all;
  line(`${t.period}: ${range}`);
  wrapped(`${t.batches}: ${h.period.batches.join(', ') || '-'}`, '');

  out.push('', t.summary);
  line(`  ${padEndWidth(t.status, 14)} ${padStartWidth(t.count, 8)} ${padStartWidth(t.amount, 18)}`);
  for (const b of s.byStatus)
    line(
      `  ${padEndWidth(STATUS_LABEL[b.status][lang], 14)} ${padStartWidth(String(b.count), 8)} ${padStartWidth(money(b.amountMinor), 18)}`,
    );
  line(
    `  ${padEndWidth(t.total, 14)} ${padStartWidth(String(s.count), 8)} ${padStartWidth(money(s.amountMinor), 18)}`,
  );
  line(`  ${t.onTime}: ${s.onTime.count} / ${s.onTime.of} (${percent(s.onTime.share)})`);
  line(`  ${t.timeToFunds}:`);
  for (const m of s.timeToFunds)
    line(
      `    ${m.mode}  ${t.median} ${shortDuration(m.medianMs, lang)}  ${t.p90} ${shortDuration(m.p90Ms, lang)}  (${m.count})`,
    );
  if (s.timeToFunds.length === 0) line('    -');

  out.push('', t.needsAction);
  if (report.needsAction.length === 0) line(`  ${t.nothingToDo}`);
  // Thousands of items share a dozen texts and remedies: each is wrapped once.
  const texts = new Map<string, string[]>();
  const remedies = new Map<string, string[]>();
  const block = (cache: Map<string, string[]>, key: string, text: string) => {
    let lines = cache.get(key);
    if (!lines) {
      lines = wrapToWidth(text, TABLE_WIDTH - 4).map((l) => `    ${l}`);
      cache.set(key, lines);
    }
    for (const l of lines) out.push(l);
  };
  for (const a of report.needsAction) {
    line(
      `  ${padEndWidth(STATUS_LABEL[a.status][lang], 10)} ${a.rrn} ${shortPan(a.maskedPan)} ${money(a.amountMinor)}${a.since ? `  ${t.since} ${short(a.since)}` : ''}`,
    );
    block(texts, a.text[lang], a.text[lang]);
    block(remedies, a.remedy[lang], `${t.remedy}: ${a.remedy[lang]}`);
  }

  out.push('', t.delayByCause);
  if (s.delayByCause.length > 0)
    line(
      `  ${padEndWidth('', 14)} ${padStartWidth(t.count, 8)} ${padStartWidth(t.amount, 18)} ${padStartWidth(t.hours, 10)}`,
    );
  for (const c of s.delayByCause)
    line(
      `  ${padEndWidth(CAUSE_LABEL[c.cause][lang], 14)} ${padStartWidth(String(c.count), 8)} ${padStartWidth(money(c.amountMinor), 18)} ${padStartWidth(hours(c.ms), 10)}`,
    );
  if (s.delayByCause.length === 0) line('  -');

  out.push('', t.largest);
  for (const d of s.largestDelays)
    line(
      `  ${d.rrn}  ${padStartWidth(money(d.amountMinor), 14)}  ${padStartWidth(shortDuration(d.delayMs, lang), 7)}  ${padEndWidth(STATUS_LABEL[d.status][lang], 10)} ${d.mainCause ? CAUSE_LABEL[d.mainCause][lang] : '-'}`,
    );
  if (s.largestDelays.length === 0) line('  -');

  out.push('', t.forecast);
  const f = report.forecast;
  for (const d of f.days)
    line(
      `  ${d.date}    ${padStartWidth(String(d.count), 8)} ${padStartWidth(money(d.amountMinor), 18)}${d.estimatedCount ? `  (${t.estimated} ${d.estimatedCount})` : ''}`,
    );
  line(
    `  ${padEndWidth(t.overdue, 12)}  ${padStartWidth(String(f.overdue.count), 8)} ${padStartWidth(money(f.overdue.amountMinor), 18)}`,
  );
  line(
    `  ${padEndWidth(t.undated, 12)}  ${padStartWidth(String(f.undated.count), 8)} ${padStartWidth(money(f.undated.amountMinor), 18)}`,
  );

  out.push('', t.transactions);
  if (report.transactions.length === 0) {
    line(`  ${t.none}`);
    out.push('');
    return Buffer.from(out.join('\n'));
  }
  const c = t.cols;
  out.push(rowLine([c.time, c.card, c.amount, c.mode, c.status, c.arrival, c.delay, c.cause]), '');
  return writeTableRows(report.transactions, lang, zone, out.join('\n'));
}
