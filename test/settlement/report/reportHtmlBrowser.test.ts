/**
 * The HTML report in a real headless Chromium (Debian's chromium-headless-shell, driven by
 * playwright-core; no browser download), with every network request blocked and counted: no
 * console error, no request at all, every chart drawn with data, Chinese text rendered in a CJK
 * font, paging, A4 print. Screenshots go to test-results/ for a person to look at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSettlementReport } from '../../../src/settlement/report/buildSettlementReport.js';
import { renderHtml } from '../../../src/settlement/report/renderHtml.js';
import type { ReportLang } from '../../../src/settlement/report/reportText.js';
import { reportInput, weekInput, weekSales } from './reportFixtures.js';

const CANDIDATES = [
  '/usr/bin/chromium-headless-shell',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/lib/chromium/chromium',
];
const executablePath = CANDIDATES.find((p) => existsSync(p));
const cjkFont = ['/usr/share/fonts/opentype/noto', '/usr/share/fonts/truetype/noto-cjk'].some((d) =>
  existsSync(d),
);
const INSTALL = 'apt-get install chromium-headless-shell fonts-noto-cjk';
const required = process.env.CI === 'true';
const available = executablePath !== undefined && cjkFont;
if (!available && !required)
  console.log(`skipped: the HTML report browser tests need Chromium and a CJK font: ${INSTALL}`);

/** The page's document, as the callbacks run in the browser use it (the tests have no DOM lib). */
declare const document: {
  querySelectorAll(selector: string): { length: number };
  createRange(): { selectNodeContents(n: unknown): void; getBoundingClientRect(): { width: number } };
};

const OUT = join(process.cwd(), 'test-results');
const CHARTS = ['causes', 'gantt', 'distribution', 'forecast'] as const;

let browser: Browser | undefined;

describe.skipIf(!available && !required)('HTML settlement report in headless Chromium', () => {
  beforeAll(async () => {
    if (!available) throw new Error(`CI=true and no Chromium or no CJK font: ${INSTALL}`);
    browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page with the network blocked; counts requests, failures and console errors. */
  async function open(html: string) {
    const page = await browser!.newPage({ viewport: { width: 1000, height: 1300 } });
    const seen = { requests: [] as string[], failed: 0, errors: [] as string[] };
    await page.route('**/*', (route) => {
      seen.requests.push(route.request().url());
      return route.abort();
    });
    page.on('requestfailed', () => seen.failed++);
    page.on('console', (m) => {
      if (m.type() === 'error') seen.errors.push(m.text());
    });
    page.on('pageerror', (e) => seen.errors.push(e.message));
    await page.setContent(html, { waitUntil: 'load' });
    return { page, seen };
  }

  async function platformFonts(
    page: Page,
    selector: string,
  ): Promise<{ familyName: string; glyphCount: number }[]> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    await cdp.detach();
    return fonts;
  }

  for (const lang of ['zh', 'en'] as ReportLang[]) {
    it(`${lang}: offline, no console error, every chart drawn with data`, async () => {
      const { page, seen } = await open(renderHtml(buildSettlementReport(weekInput()), lang));
      const bars = await page.evaluate(
        (charts) =>
          Object.fromEntries(
            charts.map((c) => [
              c,
              document.querySelectorAll(`figure[data-chart="${c}"] svg rect.bar`).length,
            ]),
          ),
        [...CHARTS],
      );
      // causes: 12 causes; gantt: 15 normal strips + 13 delay segments; distribution: 8 bins;
      // forecast: one day and the overdue bar
      expect(bars).toEqual({ causes: 12, gantt: 28, distribution: 8, forecast: 2 });
      for (const c of CHARTS) {
        const box = await page.locator(`figure[data-chart="${c}"] svg`).boundingBox();
        expect(box!.width, c).toBeGreaterThan(500);
        expect(box!.height, c).toBeGreaterThan(50);
      }
      expect(await page.locator('#txns tbody tr').count()).toBe(15);
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: join(OUT, `report-${lang}.png`), fullPage: true });
      expect(seen).toEqual({ requests: [], failed: 0, errors: [] });
      await page.close();
    }, 60_000);
  }

  it('control: the blocking and counting see a page that does reach out', async () => {
    const { page, seen } = await open(
      '<!doctype html><img src="http://192.0.2.1/x.png"><script>console.error("boom")</script>',
    );
    expect(seen.requests).toEqual(['http://192.0.2.1/x.png']);
    expect(seen.failed).toBe(1);
    expect(seen.errors.some((e) => e.includes('boom'))).toBe(true);
    await page.close();
  }, 60_000);

  it('an empty report: no error, each chart says it has no data, the table says no transactions', async () => {
    const { page, seen } = await open(renderHtml(buildSettlementReport(reportInput([])), 'zh'));
    for (const c of CHARTS) {
      expect(await page.locator(`figure[data-chart="${c}"] svg rect.bar`).count(), c).toBe(0);
      expect(await page.locator(`figure[data-chart="${c}"] svg text`).first().textContent(), c).toBe(
        '无数据',
      );
    }
    expect((await page.locator('#txns tbody').textContent())?.trim()).toBe('本报表没有交易');
    expect(await page.locator('#next').isDisabled()).toBe(true);
    expect(seen).toEqual({ requests: [], failed: 0, errors: [] });
    await page.close();
  }, 60_000);

  it('Chinese text is drawn with a CJK font, one glyph per character, two columns wide', async () => {
    const { page } = await open(renderHtml(buildSettlementReport(weekInput()), 'zh'));
    const fonts = await platformFonts(page, 'h1');
    const cjk = fonts.filter((f) => /CJK|Han Sans|Hei|Song|Ming|Noto Sans SC/i.test(f.familyName));
    expect(
      cjk.map((f) => f.glyphCount).reduce((a, b) => a + b, 0),
      JSON.stringify(fonts),
    ).toBe(4); // 结算报表
    // a CJK glyph is about one em wide: 4 characters at 22px
    const width = await page.locator('h1').evaluate((h) => {
      const r = document.createRange();
      r.selectNodeContents(h);
      return r.getBoundingClientRect().width;
    });
    expect(width).toBeGreaterThan(4 * 22 * 0.9);
    expect(width).toBeLessThan(4 * 22 * 1.1);
    await page.close();
  }, 60_000);

  it('a large report pages its table (100 rows in the DOM) and prints on A4', async () => {
    const base = Object.values(weekSales());
    const many = Array.from({ length: 250 }, (_, i) => {
      const s = base[i % base.length];
      return {
        observations: s.observations,
        txn: { ...s.txn, txnId: i + 1, rrn: String(800000000000 + i) },
      };
    });
    const { page, seen } = await open(renderHtml(buildSettlementReport(reportInput(many)), 'en'));
    expect(await page.locator('#txns tbody tr').count()).toBe(100);
    await expect(page.locator('#pageinfo').textContent()).resolves.toBe('page 1 of 3');
    await page.click('#next');
    await page.click('#next');
    expect(await page.locator('#txns tbody tr').count()).toBe(50);
    await expect(page.locator('#pageinfo').textContent()).resolves.toBe('page 3 of 3');
    expect(await page.locator('figure[data-chart="gantt"] svg text').first().isVisible()).toBe(true);
    expect(
      await page.evaluate(() => document.querySelectorAll('figure[data-chart="gantt"] svg rect.bar').length),
    ).toBeGreaterThan(40);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'report-large-en.pdf'), pdf);
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(8);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.pager').isVisible()).toBe(false);
    expect(seen).toEqual({ requests: [], failed: 0, errors: [] });
    await page.close();
  }, 60_000);
});
