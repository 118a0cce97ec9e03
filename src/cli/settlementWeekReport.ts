/**
 * What a person sees at the end of `npm start`'s settlement week: each payment, when it should
 * have arrived, when it did, and for the late ones why, with the remedy, in English, Chinese or
 * both. Pure: the week's sales with their timelines in, text out.
 */
import type { SettlementScenario } from '../emulator/hostScenario.js';
import { formatAmount } from '../money.js';
import { HostZone } from '../settlement/timeline/HostZone.js';
import { padEndWidth, padStartWidth } from '../text/displayWidth.js';
import { formatDelay, type Lang } from './settlementFormat.js';
import type { WeekSale } from './settlementWeek.js';

export type WeekLang = Lang | 'both';

const WEEKDAY = {
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  zh: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
};

const T = {
  head: {
    en: ['payment', 'contract', 'amount CNY', 'made', 'due', 'arrived', 'late by'],
    zh: ['交易', '结算方式', '金额(元)', '交易时间', '应到账', '实际到账', '延迟'],
  },
  legend: {
    en: "due: when the merchant's contract (mode, cut-off 23:00, payout 09:00; D0 within 2 h) pays had nothing gone wrong; D0>T1: paid as T1",
    zh: '应到账:按商户结算约定(结算方式、日切 23:00、09:00 出款;D0 两小时内)一切正常时的到账时间;D0>T1:实际按 T1 出款',
  },
  onTime: { en: 'on time', zh: '准时' },
  why: { en: 'why the late ones were late', zh: '延迟原因与建议' },
  remedy: { en: 'remedy', zh: '建议' },
  notArrived: { en: 'not arrived', zh: '未到账' },
} as const;

/** Column widths: label, contract, amount, made, due, arrived. */
const W = [44, 9, 11, 17, 17, 17] as const;

const labelOf = (s: WeekSale, l: Lang) => (l === 'zh' && s.sale.labelZh ? s.sale.labelZh : s.sale.label);

/** Display columns (Chinese characters take two); a longer value is never cut. */
const pad = (s: string, n: number) => padEndWidth(s, n, false);
const padStart = (s: string, n: number) => padStartWidth(s, n, false);

function when(zone: HostZone, iso: string | undefined, lang: Lang): string {
  if (!iso) return '-';
  const ms = Date.parse(iso);
  const day = new Date(zone.local(ms)).getUTCDay();
  return `${WEEKDAY[lang][day]} ${zone.format(ms).slice(5, 16)}`;
}

function langs(lang: WeekLang): Lang[] {
  return lang === 'both' ? ['en', 'zh'] : [lang];
}

/** The table of payments and, for the late ones, each delay segment's cause and remedy. */
export function formatWeekReport(
  sales: readonly WeekSale[],
  scenario: SettlementScenario,
  lang: WeekLang,
): string {
  const zone = new HostZone(sales[0]?.timeline?.timeZone ?? 'Asia/Shanghai');
  const out: string[] = [];
  for (const l of langs(lang)) {
    const h = T.head[l];
    out.push(
      [...h.slice(0, 6).map((c, i) => (i === 2 ? `${padStart(c, W[2] - 1)} ` : pad(c, W[i]))), h[6]].join(
        ' ',
      ),
    );
    for (const s of sales) {
      const tl = s.timeline;
      const contract = scenario.merchants?.[s.sale.merchant]?.mode ?? 'T1';
      const late = tl?.row.delayMs ?? 0;
      const arrived = tl?.row.arrivedAt ? when(zone, tl.row.arrivedAt, l) : T.notArrived[l];
      out.push(
        [
          pad(labelOf(s, l).slice(0, W[0]), W[0]),
          pad(contract === tl?.row.mode || !tl ? contract : `${contract}>${tl.row.mode}`, W[1]),
          `${formatAmount(s.sale.amount).padStart(W[2] - 1)} `,
          pad(when(zone, tl?.row.authorisedAt, l), W[3]),
          pad(when(zone, tl?.ideal, l), W[4]),
          pad(arrived, W[5]),
          late > 0 ? formatDelay(late, l) : T.onTime[l],
        ].join(' '),
      );
    }
    out.push(T.legend[l], '', `${T.why[l]}:`);
    for (const s of sales) {
      const tl = s.timeline;
      if (!tl?.row.delayMs) continue;
      out.push(`  RRN ${s.rrn}  ${labelOf(s, l)}: ${formatDelay(tl.row.delayMs, l)}`);
      for (const g of tl.segments) {
        const holiday = g.holiday ? ` (${g.holiday[l]})` : '';
        const outage = g.outageFrom
          ? ` (${when(zone, g.outageFrom, l)} → ${g.outageTo ? when(zone, g.outageTo, l) : '…'})`
          : '';
        out.push(`    ${pad(formatDelay(g.ms, l), 14)} ${g.text[l]}${holiday}${outage}`);
        out.push(`    ${' '.repeat(14)} ${T.remedy[l]}: ${g.remedy[l]}`);
      }
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}
