/**
 * The words of the settlement report in English and Chinese: section titles, statuses, short
 * cause labels (the long texts and remedies are delayCauses.ts's), compact durations and money.
 * Shared by the table and the HTML page so both say the same.
 */
import { formatAmount } from '../../money.js';
import type { Lang } from '../../text/lang.js';
import type { DelayCause } from '../timeline/delayCauses.js';
import type { HostZone } from '../timeline/HostZone.js';
import { isoTime } from './isoTime.js';
import type { ReportStatus } from './reportModel.js';

export type ReportLang = Lang;

type Words = Record<ReportLang, string>;

export const STATUS_LABEL: Record<ReportStatus, Words> = {
  arrived: { en: 'arrived', zh: '已到账' },
  'in-transit': { en: 'in transit', zh: '在途' },
  held: { en: 'HELD', zh: '暂缓出款' },
  failed: { en: 'FAILED', zh: '出款失败' },
  unknown: { en: 'UNKNOWN', zh: '主机无记录' },
};

/** Short names (a table column, a chart legend). */
export const CAUSE_LABEL: Record<DelayCause, Words> = {
  'terminal-offline': { en: 'offline', zh: '终端离线' },
  'batch-settled-late': { en: 'batch late', zh: '结算晚' },
  'after-cut-off': { en: 'after cutoff', zh: '日切后交易' },
  'non-business-day': { en: 'rest day', zh: '非工作日' },
  'd0-limit': { en: 'D0 limit', zh: 'D0超限' },
  'account-not-eligible': { en: 'acct class', zh: '账户不符' },
  'risk-hold': { en: 'risk hold', zh: '风控暂缓' },
  'bank-maintenance': { en: 'bank maint.', zh: '银行维护' },
  'transfer-failed': { en: 'xfer failed', zh: '转账失败' },
  'delayed-settlement-switch': { en: 'delay switch', zh: '延时到账' },
  'processing-beyond-norm': { en: 'slow host', zh: '处理超时' },
  unexplained: { en: 'unexplained', zh: '原因不明' },
};

export const TEXT = {
  en: {
    title: 'Settlement report',
    asOf: 'as of',
    terminal: 'terminal',
    merchant: 'merchant',
    timeZone: 'times in',
    calendar: 'holiday calendar',
    contract: 'contract',
    period: 'period',
    batches: 'batches',
    all: 'all tracked sales',
    summary: 'Summary',
    status: 'status',
    count: 'count',
    amount: 'amount (CNY)',
    total: 'total',
    onTime: 'on time',
    timeToFunds: 'time from sale to funds (arrived)',
    median: 'median',
    p90: 'p90',
    delayByCause: 'Delay by cause',
    hours: 'hours',
    largest: 'Largest delays',
    needsAction: 'Needs action',
    nothingToDo: 'nothing needs action',
    remedy: 'remedy',
    since: 'since',
    forecast: 'Expected arrivals',
    estimated: 'estimated',
    overdue: 'overdue',
    undated: 'no date yet',
    transactions: 'Transactions',
    none: 'no transactions in this report',
    cols: {
      time: 'time',
      card: 'card',
      amount: 'amount',
      mode: 'mode',
      status: 'status',
      arrival: 'arrival',
      delay: 'delay',
      cause: 'main cause',
      rrn: 'RRN',
      expected: 'expected',
      arrived: 'arrived',
    },
    expectedMark: '~ expected',
    gantt: 'Each sale on its way (stages and delays by cause)',
    ganttShown: (n: number, of: number) =>
      `${n} of ${of} sales shown: those needing action and the largest delays first`,
    normal: 'normal processing',
    distribution: 'Distribution of time to funds',
    page: (p: number, n: number) => `page ${p} of ${n}`,
    prev: 'previous',
    next: 'next',
    printNote: 'Printing shows the current page of transactions.',
    sinceSale: 'time since sale',
  },
  zh: {
    title: '结算报表',
    asOf: '截至',
    terminal: '终端',
    merchant: '商户',
    timeZone: '时区',
    calendar: '节假日日历',
    contract: '结算约定',
    period: '期间',
    batches: '批次',
    all: '全部跟踪交易',
    summary: '汇总',
    status: '状态',
    count: '笔数',
    amount: '金额(元)',
    total: '合计',
    onTime: '准时到账',
    timeToFunds: '交易到到账用时(已到账)',
    median: '中位数',
    p90: '90分位',
    delayByCause: '延迟原因',
    hours: '小时',
    largest: '延迟最长的交易',
    needsAction: '需要处理',
    nothingToDo: '没有需要处理的交易',
    remedy: '建议',
    since: '自',
    forecast: '预计到账',
    estimated: '估算',
    overdue: '逾期未到',
    undated: '暂无日期',
    transactions: '交易明细',
    none: '本报表没有交易',
    cols: {
      time: '时间',
      card: '卡号',
      amount: '金额',
      mode: '方式',
      status: '状态',
      arrival: '到账',
      delay: '延迟',
      cause: '主要原因',
      rrn: '参考号',
      expected: '预计',
      arrived: '到账',
    },
    expectedMark: '~ 预计',
    gantt: '每笔交易的到账过程(阶段与按原因着色的延迟)',
    ganttShown: (n: number, of: number) => `显示 ${of} 笔中的 ${n} 笔:需要处理和延迟最长的优先`,
    normal: '正常处理',
    distribution: '到账用时分布',
    page: (p: number, n: number) => `第 ${p} / ${n} 页`,
    prev: '上一页',
    next: '下一页',
    printNote: '打印时输出当前页的交易明细。',
    sinceSale: '自交易起',
  },
} as const;

const MIN = 60_000;

/** Compact duration: 45m, 15h39m, 2d03h, 12d (zh: 45分, 15时39分, 2天3时, 12天). */
export function shortDuration(ms: number | null, lang: ReportLang): string {
  if (ms === null) return '?';
  const m = Math.round(ms / MIN);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  const two = (n: number) => (lang === 'zh' ? String(n) : String(n).padStart(2, '0'));
  const u = lang === 'zh' ? { d: '天', h: '时', m: '分' } : { d: 'd', h: 'h', m: 'm' };
  if (d >= 10) return `${d}${u.d}`;
  if (d > 0) return `${d}${u.d}${two(h)}${u.h}`;
  if (h > 0) return `${h}${u.h}${two(mm)}${u.m}`;
  return `${mm}${u.m}`;
}

/** Hours with one decimal. */
export function hours(ms: number): string {
  return (ms / 3_600_000).toFixed(1);
}

/** 1234567 -> "12,345.67". */
export function money(minor: number): string {
  const [i, f] = formatAmount(minor).split('.');
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f}`;
}

/** 621234******0012 -> 621234…0012 (the same digits, shorter). */
export function shortPan(masked: string | null): string {
  if (!masked) return '-';
  return masked.length > 11 ? `${masked.slice(0, 6)}…${masked.slice(-4)}` : masked;
}

export function percent(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}

/** 'YYYY-MM-DD hh:mm' host time of an instant, ms or ISO text ('-' when absent). */
export function hostMinute(zone: HostZone, at: number | string | undefined): string {
  if (at === undefined) return '-';
  const t = isoTime(zone.local(typeof at === 'number' ? at : Date.parse(at)));
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}
