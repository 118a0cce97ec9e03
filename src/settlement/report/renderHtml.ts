/**
 * The settlement report as one self-contained HTML page (English or Chinese): no script, style,
 * font or image from anywhere else, so it opens offline; A4 print styles. Charts are inline SVG
 * (htmlCharts.ts). A large report stays light: the Gantt strips show at most GANTT_MAX sales
 * (needing action and the largest delays first), and the transaction table shows one page of
 * PAGE_ROWS rows, paged by a few lines of inline script over the rows embedded as JSON.
 */
import { formatAmount } from '../../money.js';
import { HostZone } from '../timeline/HostZone.js';
import {
  CAUSE_COLOUR,
  causeChart,
  distributionChart,
  esc,
  forecastChart,
  ganttChart,
  ganttRows,
  legend,
} from './htmlCharts.js';
import type { SettlementReport } from './reportModel.js';
import {
  CAUSE_LABEL,
  hostMinute,
  money,
  percent,
  type ReportLang,
  STATUS_LABEL,
  shortDuration,
  shortPan,
  TEXT,
} from './reportText.js';

export const GANTT_MAX = 40;
export const PAGE_ROWS = 100;

const CSS = `
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0 auto;max-width:980px;padding:16px;color:#1b1f24;font-size:14px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;margin:0}.muted{fill:#57606a;color:#57606a}
table{border-collapse:collapse;width:100%}th,td{padding:3px 6px;border-bottom:1px solid #eaeef2;text-align:left;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:130px}
.card b{display:block;font-size:18px}.bad{color:#b42318}
.action{border-left:4px solid #b42318;padding:4px 10px;margin:8px 0;background:#fff5f5}
figure{margin:8px 0 16px;break-inside:avoid}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#1b1f24}svg .value{fill:#57606a}svg .axis{stroke:#8c959f}svg .grid{stroke:#eaeef2}svg .tick{stroke:#1b1f24;stroke-width:1.5}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px;margin:4px 0}.key i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.pager{margin:8px 0}.pager button{margin-right:8px}
tr.held td,tr.failed td,tr.unknown td{color:#b42318}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:10.5px}.pager{display:none}h2{break-after:avoid}tr{break-inside:avoid}.noprint{display:none}}
`;

/** Pages the embedded rows: [time, card, amount, mode, status, arrival, delay, cause, class]. */
const PAGER_JS = `(function(){var d=document,rows=JSON.parse(d.getElementById('rows').textContent),P=${PAGE_ROWS},p=0,n=Math.max(1,Math.ceil(rows.length/P)),tb=d.querySelector('#txns tbody'),info=d.getElementById('pageinfo'),tpl=info.getAttribute('data-tpl');
function show(){var f=d.createDocumentFragment();for(var i=p*P;i<Math.min(rows.length,(p+1)*P);i++){var r=rows[i],tr=d.createElement('tr');tr.className=r[8];for(var j=0;j<8;j++){var td=d.createElement('td');if(j===2||j===6)td.className='n';td.textContent=r[j];tr.appendChild(td);}f.appendChild(tr);}tb.textContent='';tb.appendChild(f);info.textContent=tpl.replace('{p}',p+1).replace('{n}',n);d.getElementById('prev').disabled=p===0;d.getElementById('next').disabled=p>=n-1;}
d.getElementById('prev').onclick=function(){if(p>0){p--;show();}};d.getElementById('next').onclick=function(){if(p<n-1){p++;show();}};if(rows.length)show();else d.getElementById('prev').disabled=d.getElementById('next').disabled=true;})();`;

export function renderHtml(report: SettlementReport, lang: ReportLang): string {
  const t = TEXT[lang];
  const zone = new HostZone(report.header.timeZone);
  const at = (time: number | string | undefined) => hostMinute(zone, time);
  const h = report.header;
  const s = report.summary;
  const out: string[] = [];
  out.push(
    `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(`${t.title} ${h.terminal} ${at(h.asOf)}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${esc(t.title)}</h1>`,
    `<p class="meta">${esc(`${t.asOf} ${at(h.asOf)} (${t.timeZone} ${h.timeZone}) · ${t.terminal} ${h.terminal} · ${t.merchant} ${h.merchant} · ${t.contract} ${h.contractMode} · ${t.calendar} ${h.calendarVersion}`)}</p>`,
  );
  const range =
    h.period.from || h.period.to || h.period.batch
      ? `${h.period.from ?? '…'} → ${h.period.to ?? '…'}${h.period.batch ? ` · ${t.batches} ${h.period.batch}` : ''}`
      : t.all;
  out.push(
    `<p class="meta">${esc(`${t.period}: ${range} · ${t.batches}: ${h.period.batches.join(', ') || '-'}`)}</p>`,
  );

  // Summary cards.
  out.push(`<h2>${esc(t.summary)}</h2><div class="cards" id="summary">`);
  for (const b of s.byStatus) {
    const bad = b.status === 'held' || b.status === 'failed' || b.status === 'unknown';
    out.push(
      `<div class="card${bad && b.count > 0 ? ' bad' : ''}" data-status="${b.status}">${esc(STATUS_LABEL[b.status][lang])}<b>${b.count}</b>¥${money(b.amountMinor)}</div>`,
    );
  }
  out.push(
    `<div class="card">${esc(t.total)}<b>${s.count}</b>¥${money(s.amountMinor)}</div>`,
    `<div class="card">${esc(t.onTime)}<b>${percent(s.onTime.share)}</b>${s.onTime.count} / ${s.onTime.of}</div></div>`,
  );
  out.push(
    `<table><thead><tr><th>${esc(t.timeToFunds)}</th><th class="n">${esc(t.count)}</th><th class="n">${esc(t.median)}</th><th class="n">${esc(t.p90)}</th></tr></thead><tbody>`,
  );
  for (const m of s.timeToFunds)
    out.push(
      `<tr><td>${m.mode}</td><td class="n">${m.count}</td><td class="n">${esc(shortDuration(m.medianMs, lang))}</td><td class="n">${esc(shortDuration(m.p90Ms, lang))}</td></tr>`,
    );
  out.push('</tbody></table>');

  // Needs action, first.
  out.push(`<h2>${esc(t.needsAction)}</h2>`);
  if (report.needsAction.length === 0) out.push(`<p>${esc(t.nothingToDo)}</p>`);
  for (const a of report.needsAction) {
    out.push(
      `<div class="action"><b>${esc(STATUS_LABEL[a.status][lang])}</b> ${esc(`${a.rrn} · ${shortPan(a.maskedPan)} · ¥${money(a.amountMinor)}${a.since ? ` · ${t.since} ${at(a.since)}` : ''}`)}<br>${esc(a.text[lang])}<br><b>${esc(t.remedy)}:</b> ${esc(a.remedy[lang])}</div>`,
    );
  }

  // Charts.
  const gantt = ganttRows(report, GANTT_MAX);
  const causes = s.delayByCause.map((c) => c.cause);
  out.push(
    `<h2>${esc(t.delayByCause)}</h2>`,
    `<figure data-chart="causes">${causeChart(report, lang)}</figure>`,
    `<h2>${esc(t.gantt)}</h2>`,
    legend(lang, causes),
    `<figure data-chart="gantt"><figcaption class="muted">${esc(t.ganttShown(gantt.length, report.transactions.length))}</figcaption>${ganttChart(report, gantt, lang)}</figure>`,
    `<h2>${esc(t.distribution)}</h2>`,
    `<figure data-chart="distribution">${distributionChart(report, lang)}</figure>`,
    `<h2>${esc(t.forecast)}</h2>`,
    `<figure data-chart="forecast">${forecastChart(report, lang)}</figure>`,
  );
  const f = report.forecast;
  out.push(
    `<p class="meta">${esc(`${t.overdue}: ${f.overdue.count} · ¥${money(f.overdue.amountMinor)} · ${t.undated}: ${f.undated.count} · ¥${money(f.undated.amountMinor)}`)}</p>`,
  );

  // Largest delays.
  out.push(`<h2>${esc(t.largest)}</h2><table><tbody>`);
  for (const d of s.largestDelays)
    out.push(
      `<tr><td>${d.rrn}</td><td class="n">¥${money(d.amountMinor)}</td><td class="n">${esc(shortDuration(d.delayMs, lang))}</td><td>${esc(STATUS_LABEL[d.status][lang])}</td><td>${d.mainCause ? `<span class="key"><i style="background:${CAUSE_COLOUR[d.mainCause]}"></i>${esc(CAUSE_LABEL[d.mainCause][lang])}</span>` : '-'}</td></tr>`,
    );
  out.push('</tbody></table>');

  // Transactions: one page server-side, the rest paged from the embedded rows.
  const c = t.cols;
  const txns = report.transactions;
  const rows: string[][] = [];
  for (let i = 0; i < txns.length; i++) {
    const cause = txns.mainCause[i];
    rows.push([
      at(txns.authorisedAt[i]).slice(5),
      shortPan(txns.maskedPan[i]),
      formatAmount(txns.amountMinor[i]),
      txns.mode[i],
      STATUS_LABEL[txns.status[i]][lang],
      at(txns.arrivedAt(i) ?? txns.expectedArrival(i)).replace(/^\d{4}-/, ''),
      shortDuration(txns.delay(i), lang),
      cause ? CAUSE_LABEL[cause][lang] : '-',
      txns.status[i],
    ]);
  }
  out.push(
    `<h2>${esc(t.transactions)} (${report.transactions.length})</h2>`,
    `<p class="muted noprint">${esc(t.printNote)}</p>`,
    `<div class="pager"><button id="prev" type="button">${esc(t.prev)}</button><button id="next" type="button">${esc(t.next)}</button><span id="pageinfo" data-tpl="${esc(
      t
        .page(0, 0)
        .replace('0', '{p}')
        .replace(/0(?!.*0)/, '{n}'),
    )}">${esc(t.page(1, Math.max(1, Math.ceil(rows.length / PAGE_ROWS))))}</span></div>`,
    `<table id="txns"><thead><tr>${[c.time, c.card, c.amount, c.mode, c.status, c.arrival, c.delay, c.cause].map((x, i) => `<th${i === 2 || i === 6 ? ' class="n"' : ''}>${esc(x)}</th>`).join('')}</tr></thead><tbody>`,
  );
  if (rows.length === 0) out.push(`<tr><td colspan="8">${esc(t.none)}</td></tr>`);
  for (const r of rows.slice(0, PAGE_ROWS))
    out.push(
      `<tr class="${r[8]}">${r
        .slice(0, 8)
        .map((v, i) => `<td${i === 2 || i === 6 ? ' class="n"' : ''}>${esc(v)}</td>`)
        .join('')}</tr>`,
    );
  out.push('</tbody></table>');
  out.push(
    `<script type="application/json" id="rows">${JSON.stringify(rows).replace(/</g, '\\u003c')}</script>`,
    `<script>${PAGER_JS}</script>`,
    '</body></html>\n',
  );
  return out.join('\n');
}
