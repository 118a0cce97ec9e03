/**
 * The report page's charts as hand-written SVG (no chart library: nothing to bundle or load, the
 * page opens offline and prints as vectors): each sale's way as a Gantt strip coloured by cause,
 * delay by cause, the distribution of time to funds and the arrival forecast. Pure; every text
 * is escaped; each drawn datum is a `rect` of class `bar` (the browser test counts them).
 */
import type { DelayCause } from '../timeline/delayCauses.js';
import { firstInOrder } from './firstInOrder.js';
import type { ReportTxn } from './ReportRows.js';
import type { SettlementReport } from './reportModel.js';
import { CAUSE_LABEL, hours, money, type ReportLang, shortDuration, TEXT } from './reportText.js';

export const CAUSE_COLOUR: Record<DelayCause | 'normal', string> = {
  normal: '#b8c2cc',
  'terminal-offline': '#e6550d',
  'batch-settled-late': '#fd8d3c',
  'after-cut-off': '#fdae6b',
  'non-business-day': '#6baed6',
  'd0-limit': '#9e9ac8',
  'account-not-eligible': '#756bb1',
  'risk-hold': '#d62728',
  'bank-maintenance': '#8c6d31',
  'transfer-failed': '#7f0000',
  'delayed-settlement-switch': '#31a354',
  'processing-beyond-norm': '#bcbd22',
  unexplained: '#636363',
};

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const W = 720;
const LEFT = 170;
const RIGHT = 20;

function svg(h: number, body: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${esc(label)}">${body}</svg>`;
}

const noData = (label: string, lang: ReportLang) =>
  svg(
    40,
    `<text x="${W / 2}" y="24" text-anchor="middle" class="muted">${esc(lang === 'zh' ? '无数据' : 'no data')}</text>`,
    label,
  );

/** Horizontal bars, one per item, with a value label. */
function hbars(
  items: { label: string; value: number; text: string; colour: string; title: string }[],
  label: string,
  lang: ReportLang,
): string {
  if (items.length === 0) return noData(label, lang);
  const max = Math.max(...items.map((i) => i.value), 1);
  const rowH = 22;
  const span = W - LEFT - RIGHT - 150;
  const body = items
    .map((it, k) => {
      const y = 8 + k * rowH;
      const w = Math.max(1, (it.value / max) * span);
      return `<text x="${LEFT - 8}" y="${y + 14}" text-anchor="end">${esc(it.label)}</text><rect class="bar" x="${LEFT}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${it.colour}"><title>${esc(it.title)}</title></rect><text x="${(LEFT + w + 6).toFixed(1)}" y="${y + 14}" class="value">${esc(it.text)}</text>`;
    })
    .join('');
  return svg(16 + items.length * rowH, body, label);
}

/** Vertical bars with a label under each. */
function vbars(
  items: { label: string; value: number; text: string; title: string; colour: string }[],
  label: string,
  lang: ReportLang,
): string {
  if (items.length === 0 || items.every((i) => i.value === 0)) return noData(label, lang);
  const max = Math.max(...items.map((i) => i.value), 1);
  const h = 200;
  const top = 24;
  const base = top + h;
  const slot = (W - 40) / items.length;
  const bw = Math.min(60, slot * 0.7);
  const body = items
    .map((it, k) => {
      const x = 20 + k * slot + (slot - bw) / 2;
      const bh = (it.value / max) * h;
      const cx = (x + bw / 2).toFixed(1);
      return `<rect class="bar" x="${x.toFixed(1)}" y="${(base - bh).toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(bh, 0.5).toFixed(1)}" fill="${it.colour}"><title>${esc(it.title)}</title></rect><text x="${cx}" y="${(base - bh - 5).toFixed(1)}" text-anchor="middle" class="value">${esc(it.text)}</text><text x="${cx}" y="${base + 16}" text-anchor="middle">${esc(it.label)}</text>`;
    })
    .join('');
  return svg(
    base + 28,
    `<line x1="16" y1="${base}" x2="${W - 16}" y2="${base}" class="axis"/>${body}`,
    label,
  );
}

export function causeChart(r: SettlementReport, lang: ReportLang): string {
  return hbars(
    r.summary.delayByCause.map((c) => ({
      label: CAUSE_LABEL[c.cause][lang],
      value: c.ms,
      text: `${hours(c.ms)} ${TEXT[lang].hours} · ${c.count} · ¥${money(c.amountMinor)}`,
      colour: CAUSE_COLOUR[c.cause],
      title: c.text[lang],
    })),
    TEXT[lang].delayByCause,
    lang,
  );
}

export function distributionChart(r: SettlementReport, lang: ReportLang): string {
  const bins = r.summary.timeToFundsBins;
  return vbars(
    bins.map((b) => {
      const from = shortDuration(b.fromMs, lang);
      const label =
        b.toMs === undefined ? `≥${from}` : `${b.fromMs === 0 ? '0' : from}–${shortDuration(b.toMs, lang)}`;
      return {
        label,
        value: b.count,
        text: String(b.count),
        title: `${label}: ${b.count} · ¥${money(b.amountMinor)}`,
        colour: '#4e79a7',
      };
    }),
    TEXT[lang].distribution,
    lang,
  );
}

export function forecastChart(r: SettlementReport, lang: ReportLang): string {
  const t = TEXT[lang];
  const days = r.forecast.days.slice(0, 14);
  const items = days.map((d) => ({
    label: d.date.slice(5),
    value: d.amountMinor,
    text: `¥${money(d.amountMinor)}`,
    title: `${d.date}: ${d.count} · ¥${money(d.amountMinor)}${d.estimatedCount ? ` (${t.estimated} ${d.estimatedCount})` : ''}`,
    colour: '#59a14f',
  }));
  if (r.forecast.overdue.count > 0)
    items.push({
      label: t.overdue,
      value: r.forecast.overdue.amountMinor,
      text: `¥${money(r.forecast.overdue.amountMinor)}`,
      title: `${t.overdue}: ${r.forecast.overdue.count}`,
      colour: '#e15759',
    });
  return vbars(items, t.forecast, lang);
}

/** Sales for the Gantt chart: needing action first, then the largest delays, then the rest. */
export function ganttRows(r: SettlementReport, max: number): ReportTxn[] {
  const rows = r.transactions;
  const rank = (i: number) => {
    const s = rows.status[i];
    return s === 'held' || s === 'failed' || s === 'unknown' ? 0 : 1;
  };
  const all = Array.from({ length: rows.length }, (_, i) => i);
  // delayMs is 0 where unknown, as `?? 0` gave.
  const { delayMs, txnId } = rows;
  return firstInOrder(
    all,
    max,
    (a, b) => rank(a) - rank(b) || delayMs[b] - delayMs[a] || txnId[a] - txnId[b],
  ).map((i) => rows.row(i));
}

export function ganttChart(r: SettlementReport, rows: readonly ReportTxn[], lang: ReportLang): string {
  const t = TEXT[lang];
  if (rows.length === 0) return noData(t.gantt, lang);
  const asOf = Date.parse(r.header.asOf);
  const endOf = (x: ReportTxn) => x.arrivedAt ?? x.expectedArrival ?? asOf;
  const spans = rows.map(
    (x) => Math.max(endOf(x), asOf > endOf(x) && x.status !== 'arrived' ? asOf : 0) - x.authorisedAt,
  );
  const maxSpan = Math.max(...spans, 3_600_000);
  const span = W - LEFT - RIGHT;
  const sx = (ms: number) => LEFT + (Math.max(0, ms) / maxSpan) * span;
  const rowH = 20;
  const top = 22;
  // Axis: ticks every day (or every 6 hours for short spans).
  const step = maxSpan > 4 * 86_400_000 ? 86_400_000 : maxSpan > 86_400_000 ? 6 * 3_600_000 : 3_600_000;
  let axis = `<text x="${LEFT - 12}" y="14" text-anchor="end" class="muted">${esc(t.sinceSale)}</text>`;
  for (let v = 0; v <= maxSpan; v += step) {
    const x = sx(v).toFixed(1);
    axis += `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${top + rows.length * rowH}" class="grid"/><text x="${x}" y="14" text-anchor="${v === 0 ? 'start' : 'middle'}" class="muted">${esc(shortDuration(v, lang))}</text>`;
  }
  const body = rows
    .map((x, k) => {
      const y = top + k * rowH;
      const t0 = x.authorisedAt;
      const end = x.authorisedAt + spans[k];
      const ideal = Math.min(x.ideal, end);
      let s = `<text x="${LEFT - 8}" y="${y + 14}" text-anchor="end">${esc(`${x.rrn.slice(-6)} ¥${money(x.amountMinor)}`)}</text>`;
      s += `<rect class="bar" x="${sx(0).toFixed(1)}" y="${y + 4}" width="${Math.max(1, sx(ideal - t0) - sx(0)).toFixed(1)}" height="${rowH - 8}" fill="${CAUSE_COLOUR.normal}"><title>${esc(t.normal)}</title></rect>`;
      for (const g of x.segments) {
        const a = sx(g.from - t0);
        const b = sx(g.to - t0);
        s += `<rect class="bar" x="${a.toFixed(1)}" y="${y + 4}" width="${Math.max(1, b - a).toFixed(1)}" height="${rowH - 8}" fill="${CAUSE_COLOUR[g.cause]}"><title>${esc(`${CAUSE_LABEL[g.cause][lang]}: ${shortDuration(g.to - g.from, lang)}`)}</title></rect>`;
      }
      for (const st of x.stages) {
        if (st.at === undefined) continue;
        const sxv = sx(st.at - t0).toFixed(1);
        s += `<line x1="${sxv}" y1="${y + 2}" x2="${sxv}" y2="${y + rowH - 2}" class="tick"><title>${esc(st.stage)}</title></line>`;
      }
      return s;
    })
    .join('');
  return svg(top + rows.length * rowH + 6, axis + body, t.gantt);
}

/** The colour key of the Gantt and cause charts (HTML, not SVG, so it wraps). */
export function legend(lang: ReportLang, causes: readonly DelayCause[]): string {
  const item = (colour: string, label: string) =>
    `<span class="key"><i style="background:${colour}"></i>${esc(label)}</span>`;
  return `<p class="legend">${item(CAUSE_COLOUR.normal, TEXT[lang].normal)}${causes.map((c) => item(CAUSE_COLOUR[c], CAUSE_LABEL[c][lang])).join('')}</p>`;
}
