/**
 * The four formats of one report: the same numbers in each, the JSON valid against its schema,
 * the table within 80 columns in both languages, and no whole card number in any output.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildSettlementReport } from '../../../src/settlement/report/buildSettlementReport.js';
import { renderHtml } from '../../../src/settlement/report/renderHtml.js';
import { renderJson } from '../../../src/settlement/report/renderJson.js';
import { decodeReportStream, renderProtobuf } from '../../../src/settlement/report/renderProtobuf.js';
import { renderTable } from '../../../src/settlement/report/renderTable.js';
import type { SettlementReportJson } from '../../../src/settlement/report/reportModel.js';
import { REPORT_PROTO } from '../../../src/settlement/report/reportProtoText.js';
import { displayWidth } from '../../../src/text/displayWidth.js';
import { beyondInput, FULL_PAN, reportInput, weekInput, weekSales } from './reportFixtures.js';

const schema = JSON.parse(
  readFileSync(
    new URL('../../../src/settlement/report/settlement-report.schema.json', import.meta.url),
    'utf8',
  ),
);
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

const week = buildSettlementReport(weekInput());
const empty = buildSettlementReport(reportInput([]));
const one = buildSettlementReport(reportInput([weekSales().unknown]));
/** A sale the calendar cannot date (delay null in every format). */
const beyond = buildSettlementReport(beyondInput());

/** A run of 13 to 19 digits: a card number nobody masked. */
const WHOLE_PAN = /(?<!\d)\d{13,19}(?!\d)/;

/** What each format says: per status count and amount (fen), per transaction amount (fen). */
interface Numbers {
  status: Record<string, [number, number]>;
  rows: number[];
}
const fen = (s: string) => Math.round(Number(s.replace(/[,¥]/g, '')) * 100);

function fromTable(text: string): Numbers {
  const lines = text.split('\n');
  const status: Record<string, [number, number]> = {};
  const labels: Record<string, string> = {
    arrived: 'arrived',
    'in transit': 'in-transit',
    HELD: 'held',
    FAILED: 'failed',
    UNKNOWN: 'unknown',
  };
  const start = lines.indexOf('Summary');
  for (const l of lines.slice(start + 2, start + 7)) {
    const m = /^ {2}(.+?)\s+(\d+)\s+([\d,]+\.\d\d)$/.exec(l)!;
    status[labels[m[1]]] = [Number(m[2]), fen(m[3])];
  }
  const rows = lines
    .slice(lines.indexOf('Transactions') + 2)
    .filter((l) => l.trim() !== '')
    .map((l) => fen(l.slice(18, 28)));
  return { status, rows };
}

function fromHtml(html: string): Numbers {
  const status: Record<string, [number, number]> = {};
  for (const m of html.matchAll(/data-status="([a-z-]+)">[^<]*<b>(\d+)<\/b>¥([\d,.]+)</g))
    status[m[1]] = [Number(m[2]), fen(m[3])];
  const rows = JSON.parse(
    /<script type="application\/json" id="rows">(.*?)<\/script>/s.exec(html)![1],
  ) as string[][];
  return { status, rows: rows.map((r) => fen(r[2])) };
}

function fromJson(text: string): Numbers {
  const r = JSON.parse(text) as SettlementReportJson;
  return {
    status: Object.fromEntries(r.summary.byStatus.map((b) => [b.status, [b.count, b.amountMinor]])),
    rows: r.transactions.map((t) => t.amountMinor),
  };
}

const STATUS_NAME: Record<string, string> = {
  REPORT_STATUS_ARRIVED: 'arrived',
  REPORT_STATUS_IN_TRANSIT: 'in-transit',
  REPORT_STATUS_HELD: 'held',
  REPORT_STATUS_FAILED: 'failed',
  REPORT_STATUS_UNKNOWN: 'unknown',
};

function fromProtobuf(bytes: Uint8Array): Numbers {
  const recs = decodeReportStream(bytes) as Record<string, Record<string, unknown>>[];
  const summary = recs.find((r) => r.summary)!.summary as {
    byStatus: { status: string; count: number; amountMinor: number }[];
  };
  return {
    status: Object.fromEntries(
      summary.byStatus.map((b) => [STATUS_NAME[b.status], [b.count, b.amountMinor]]),
    ),
    rows: recs.filter((r) => r.transaction).map((r) => r.transaction.amountMinor as number),
  };
}

describe('settlement report formats', () => {
  it('table, JSON, protobuf and HTML give the same numbers', () => {
    for (const r of [week, empty, one, beyond]) {
      const json = fromJson(renderJson(r));
      expect(json.rows).toHaveLength(r.transactions.length);
      expect(fromTable(renderTable(r, 'en'))).toEqual(json);
      expect(fromProtobuf(renderProtobuf(r))).toEqual(json);
      expect(fromHtml(renderHtml(r, 'en'))).toEqual(json);
      expect(fromHtml(renderHtml(r, 'zh'))).toEqual(json);
    }
  });

  it('the protobuf stream carries the whole report: summary, causes, forecast, actions, every segment', () => {
    // biome-ignore lint/suspicious/noExplicitAny: decoded protobuf records, checked field by field below
    const recs = decodeReportStream(renderProtobuf(week)) as Record<string, Record<string, any>>[];
    expect(Object.keys(recs[0])).toEqual(['header']);
    expect(recs.at(-1)).toEqual({ end: { transactions: 15 } });
    const s = recs[1].summary;
    expect(s.delayByCause.map((c: { ms: number }) => c.ms)).toEqual(
      week.summary.delayByCause.map((c) => c.ms),
    );
    expect(s.onTimeCount).toBe(2);
    expect(recs[2].forecast.days).toEqual(week.forecast.days);
    expect(recs.filter((r) => r.action).map((r) => r.action.rrn)).toEqual(week.needsAction.map((a) => a.rrn));
    const txns = recs.filter((r) => r.transaction).map((r) => r.transaction);
    expect(txns.map((t) => t.delayMs)).toEqual(week.transactions.toArray().map((t) => t.delayMs));
    expect(txns.map((t) => t.segments.length)).toEqual(
      week.transactions.toArray().map((t) => t.segments.length),
    );
    expect(txns.map((t) => t.ideal)).toEqual(week.transactions.toArray().map((t) => t.ideal));
  });

  it('the JSON validates against settlement-report.schema.json (and the schema catches a wrong one)', () => {
    for (const r of [week, empty, one, beyond]) {
      expect(validate(JSON.parse(renderJson(r))), JSON.stringify(validate.errors)).toBe(true);
    }
    const bad = JSON.parse(renderJson(week));
    bad.transactions[0].amountMinor = 12.5;
    expect(validate(bad)).toBe(false);
    delete bad.transactions[0].amountMinor;
    bad.summary.extra = 1;
    expect(validate(bad)).toBe(false);
  });

  it('the table fits 80 columns in English and Chinese (wide characters count double)', () => {
    for (const lang of ['en', 'zh'] as const) {
      for (const r of [week, empty, one, beyond]) {
        const lines = renderTable(r, lang).split('\n');
        for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
      }
    }
    const zh = renderTable(week, 'zh');
    expect(zh).toContain('需要处理');
    expect(zh).toContain('风控暂缓');
    // columns line up: the amount column ends at the same display column on every row
    const rows = zh
      .split('\n')
      .slice(zh.split('\n').indexOf('交易明细') + 2)
      .filter(Boolean);
    const ends = rows.map((l) => displayWidth(l.slice(0, l.indexOf('.') + 3)));
    expect(new Set(ends).size).toBe(1);
  });

  it('no output holds a whole card number (the scan finds a planted one)', () => {
    const outputs: [string, string][] = [
      ['table en', renderTable(week, 'en')],
      ['table zh', renderTable(week, 'zh')],
      ['json', renderJson(week)],
      ['protobuf', Buffer.from(renderProtobuf(week)).toString('latin1')],
      ['html en', renderHtml(week, 'en')],
      ['html zh', renderHtml(week, 'zh')],
    ];
    for (const [name, text] of outputs) {
      expect(text.includes(FULL_PAN), name).toBe(false);
      expect(WHOLE_PAN.exec(text)?.[0], name).toBeUndefined();
    }
    // control: the same scan on a report whose PAN was not masked finds it
    const leaky = JSON.parse(renderJson(week));
    leaky.transactions[0].maskedPan = FULL_PAN;
    expect(WHOLE_PAN.exec(JSON.stringify(leaky))?.[0]).toBe(FULL_PAN);
  });

  it('the HTML is one offline file: no external reference of any kind', () => {
    for (const lang of ['en', 'zh'] as const) {
      const html = renderHtml(week, lang);
      expect(html).not.toMatch(/\b(src|href)\s*=/i);
      expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      expect(html).not.toMatch(/@import|url\(/);
      expect(html).toContain(lang === 'zh' ? '<html lang="zh-CN">' : '<html lang="en">');
      expect(html).toContain('@page{size:A4');
    }
  });

  it('report.proto and its embedded copy are the same (npm run gen:proto)', () => {
    const file = readFileSync(new URL('../../../src/proto/posterm/v1/report.proto', import.meta.url), 'utf8');
    expect(REPORT_PROTO).toBe(file);
  });
});
