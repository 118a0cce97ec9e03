/**
 * Human-readable settlement tracking (`posterm settlement status|timeline|track`), in English or
 * Chinese. Times in the host's time zone, named in the header; amounts in yuan; cards masked (the
 * API carries nothing else). Causes and remedies are delayCauses.ts's texts, as the API gives them.
 */
import { errorCodeInfo, isErrorCode } from '../errors/codes.js';
import { formatAmount } from '../money.js';
import type { SettlementTrackReport } from '../settlement/SettlementTracker.js';
import type {
  SettlementStatusResponse,
  SettlementStatusRow,
  SettlementTimelineResponse,
} from '../settlement/settlementReports.js';
import { HostZone } from '../settlement/timeline/HostZone.js';
import { padEndWidth } from '../text/displayWidth.js';
import type { Lang } from '../text/lang.js';

export type { Lang };

const STAGE: Record<string, { en: string; zh: string }> = {
  arrived: { en: 'arrived', zh: '已到账' },
  expected: { en: 'expected', zh: '预计到账' },
  overdue: { en: 'OVERDUE', zh: '逾期未到账' },
  held: { en: 'HELD', zh: '暂缓出款' },
  failed: { en: 'FAILED', zh: '出款失败' },
  'unknown-to-host': { en: 'UNKNOWN to host', zh: '主机无此交易' },
  'calendar-unknown': { en: 'calendar unknown', zh: '日历未覆盖' },
  'card-read': { en: 'card read', zh: '读卡' },
  authorised: { en: 'authorised', zh: '授权' },
  'queued-offline': { en: 'queued offline', zh: '离线暂存' },
  forwarded: { en: 'forwarded', zh: '已上送' },
  'batch-settled': { en: 'batch settled', zh: '批次结算' },
  cleared: { en: 'cleared', zh: '已清算' },
  'expected-arrival': { en: 'expected arrival', zh: '预计到账' },
};

const SOURCE: Record<string, { en: string; zh: string }> = {
  terminal: { en: 'terminal', zh: '终端' },
  host: { en: 'host', zh: '主机' },
  estimated: { en: 'estimated', zh: '估算' },
  contract: { en: 'contract', zh: '结算约定' },
};

const L = {
  en: {
    none: 'no sales tracked',
    head: (n: number, tz: string, asOf: string) =>
      `settlement of ${n} sale(s); times in ${tz} (host time); as of ${asOf}`,
    cols: 'RRN           card                 amount CNY  mode  stage              host  expected             arrived              delay        main cause',
    yuan: 'CNY',
    sale: 'sale',
    online: 'online',
    offline: 'offline',
    mode: 'settlement mode',
    contract: 'contract',
    tz: 'times in',
    hostTime: 'host time',
    ideal: 'ideal arrival',
    now: 'now',
    delay: 'delay',
    stages: 'timeline',
    segments: 'delay by cause',
    remedy: 'remedy',
    observations: 'host answers',
    learnt: 'learnt',
    calendarUnknown: (end: string) => `the holiday calendar ends ${end}: no date can be estimated`,
    noDelay: 'no delay',
    expectedAt: 'expected',
    arrivedAt: 'arrived',
  },
  zh: {
    none: '没有跟踪中的交易',
    head: (n: number, tz: string, asOf: string) =>
      `共 ${n} 笔交易的结算情况;时间为 ${tz}(主机时间);截至 ${asOf}`,
    cols: '参考号        卡号                 金额(元)    方式  状态               主机  预计到账             实际到账             延迟         主要原因',
    yuan: '元',
    sale: '消费',
    online: '联机',
    offline: '离线',
    mode: '结算方式',
    contract: '约定',
    tz: '时区',
    hostTime: '主机时间',
    ideal: '理想到账',
    now: '当前',
    delay: '延迟',
    stages: '时间线',
    segments: '延迟原因分段',
    remedy: '建议',
    observations: '主机应答',
    learnt: '获知',
    calendarUnknown: (end: string) => `节假日日历仅覆盖至 ${end},无法估算日期`,
    noDelay: '无延迟',
    expectedAt: '预计',
    arrivedAt: '到账',
  },
} as const;

const MINUTE = 60_000;

/** 1 d 2 h 5 min / 1 天 2 小时 5 分钟. */
export function formatDelay(ms: number | undefined, lang: Lang): string {
  if (ms === undefined) return '?';
  const m = Math.round(ms / MINUTE);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const u = lang === 'zh' ? { d: '天', h: '小时', m: '分钟' } : { d: 'd', h: 'h', m: 'min' };
  const parts = [d && `${d} ${u.d}`, h && `${h} ${u.h}`, (min || (!d && !h)) && `${min} ${u.m}`].filter(
    Boolean,
  );
  return parts.join(' ');
}

function timeOf(zone: HostZone, iso: string | undefined): string {
  return iso === undefined ? '-' : zone.format(Date.parse(iso));
}

/** A host record's own time 'YYYYMMDDhhmmss' as 'YYYY-MM-DD hh:mm:ss' (already host time). */
function hostTime(s: string | undefined): string {
  if (!s) return '-';
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

/** Display columns (Chinese characters take two); a longer value is never cut. */
const pad = (s: string, n: number) => padEndWidth(s, n, false);

function rowLine(r: SettlementStatusRow, zone: HostZone, lang: Lang): string {
  return [
    pad(r.rrn, 12),
    pad(r.maskedPan ?? '-', 19),
    formatAmount(r.amountMinor).padStart(10),
    pad(r.mode, 4),
    pad(STAGE[r.stage]?.[lang] ?? r.stage, 17),
    pad(r.hostStatus ?? '-', 4),
    pad(timeOf(zone, r.expectedArrival), 19),
    pad(timeOf(zone, r.arrivedAt), 19),
    pad(formatDelay(r.delayMs, lang), 11),
    r.mainCause ? r.mainCause.text[lang] : '-',
  ].join('  ');
}

export function formatSettlementStatus(s: SettlementStatusResponse, lang: Lang): string {
  const zone = new HostZone(s.timeZone);
  const t = L[lang];
  if (s.rows.length === 0) return `${t.none}\n`;
  return [
    t.head(s.rows.length, s.timeZone, zone.format(Date.parse(s.asOf))),
    t.cols,
    ...s.rows.map((r) => rowLine(r, zone, lang)),
    '',
  ].join('\n');
}

export function formatSettlementTimeline(tl: SettlementTimelineResponse, lang: Lang): string {
  const zone = new HostZone(tl.timeZone);
  const t = L[lang];
  const r = tl.row;
  const out: string[] = [];
  out.push(
    `RRN ${r.rrn}  ${r.maskedPan ?? '-'}  ${formatAmount(r.amountMinor)} ${t.yuan}  ${r.approval === 'offline' ? t.offline : t.online} ${t.sale}`,
    lang === 'zh'
      ? `${t.mode} ${r.mode}(${t.contract} ${tl.contractMode});${t.tz} ${tl.timeZone}(${t.hostTime})`
      : `${t.mode} ${r.mode} (${t.contract} ${tl.contractMode}); ${t.tz} ${tl.timeZone} (${t.hostTime})`,
    `${t.ideal}  ${timeOf(zone, tl.ideal)}`,
  );
  const when = timeOf(zone, r.arrivedAt ?? r.expectedArrival);
  out.push(
    `${STAGE[r.stage]?.[lang] ?? r.stage}  ${when}  ${t.delay} ${r.delayMs ? formatDelay(r.delayMs, lang) : t.noDelay}`,
  );
  if (tl.calendarFirstUnknown !== undefined) out.push(t.calendarUnknown(tl.calendarCoverageEnds ?? '-'));
  out.push('', `${t.stages}:`);
  for (const s of tl.stages) {
    const learnt = s.learntAt !== undefined ? `  (${t.learnt} ${timeOf(zone, s.learntAt)})` : '';
    out.push(
      `  ${pad(timeOf(zone, s.at), 19)}  ${pad(STAGE[s.stage]?.[lang] ?? s.stage, 16)}  ${SOURCE[s.source]?.[lang] ?? s.source}${learnt}`,
    );
  }
  if (tl.segments.length > 0) {
    out.push('', `${t.segments}:`);
    for (const g of tl.segments) {
      const extra = [
        g.holiday ? g.holiday[lang] : undefined,
        g.daysFirst ? `${g.daysFirst}..${g.daysLast}` : undefined,
        g.hostReason ? `${lang === 'zh' ? '主机原因码' : 'host reason'} ${g.hostReason}` : undefined,
      ].filter(Boolean);
      out.push(
        `  ${timeOf(zone, g.from)} → ${timeOf(zone, g.to)}  ${formatDelay(g.ms, lang)}  ${g.text[lang]}${extra.length ? ` (${extra.join(', ')})` : ''}`,
        `    ${t.remedy}: ${g.remedy[lang]}`,
      );
    }
  }
  if (tl.observations.length > 0) {
    out.push('', `${t.observations}:`);
    for (const o of tl.observations) {
      out.push(
        `  ${timeOf(zone, o.learntAt)}  ${o.status} ${o.mode}  ${t.expectedAt} ${hostTime(o.expectedArrival)}  ${t.arrivedAt} ${hostTime(o.arrivedAt)}  ${o.delayReason}`,
      );
    }
  }
  out.push('');
  return out.join('\n');
}

export function formatTrackReport(r: SettlementTrackReport, lang: Lang): string {
  const lines =
    lang === 'zh'
      ? [
          `查询 ${r.asked} 笔交易,发送 ${r.messages} 条报文:${r.observations} 条应答,${r.arrived} 笔已到账,${r.deferred} 笔因每小时上限推迟${r.unreachable ? ';主机无法连接' : ''}`,
        ]
      : [
          `asked about ${r.asked} sale(s) in ${r.messages} message(s): ${r.observations} answer(s), ${r.arrived} arrived, ${r.deferred} deferred by the hourly ceiling${r.unreachable ? '; HOST UNREACHABLE' : ''}`,
        ];
  for (const e of r.errors) {
    const info = isErrorCode(e.code) ? errorCodeInfo(e.code) : undefined;
    lines.push(`  ${e.code}${e.rrn ? ` RRN ${e.rrn}` : ''}${info ? `: ${info[lang]}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
