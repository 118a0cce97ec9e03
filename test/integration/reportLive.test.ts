/**
 * `posterm report settlement` while the runtime runs: the runtime holds its journal (one process
 * per journal), so the report is asked of it over the control socket (RuntimeApi
 * settlementReport) and comes back rendered, in every format; bad selections are coded errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TEST_CARDS } from '../../src/emulator/VirtualReaderCards.js';
import { decodeReportStream } from '../../src/settlement/report/renderProtobuf.js';
import { fakeIo } from '../cli/fakeIo.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { startWorld, type World } from './world.js';

let w: World | undefined;
let dir: string | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function report(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await main(['report', 'settlement', ...argv, '--socket', w!.profile.control.socket!], io);
  return { code, out: io.out(), err: io.err() };
}

it('asks the running runtime, which answers in every format with its own sales', async () => {
  w = await startWorld();
  const rrns: string[] = [];
  for (const amountMinor of [1234, 5600, 789]) {
    const r = await w.rt.sale({ amountMinor });
    expect(r.outcome).toBe('approved');
    rrns.push(r.rrn!);
  }
  const json = await report('--format', 'json');
  expect(json).toMatchObject({ code: 0, err: '' });
  const model = JSON.parse(json.out);
  expect(model.transactions.map((t: { rrn: string }) => t.rrn).sort()).toEqual([...rrns].sort());
  expect(
    model.transactions
      .map((t: { amountMinor: number }) => t.amountMinor)
      .sort((a: number, b: number) => a - b),
  ).toEqual([789, 1234, 5600]);
  expect(model.header.terminal).not.toContain(w.profile.terminalId);

  dir = mkdtempSync(join(tmpdir(), 'posterm-report-live-'));
  const pb = join(dir, 'report.pb');
  expect((await report('--format', 'protobuf', '--out', pb)).code).toBe(0);
  const records = decodeReportStream(readFileSync(pb));
  expect(records.filter((r) => 'transaction' in r)).toHaveLength(3);
  expect(records.at(-1)).toEqual({ end: { transactions: 3 } });

  const html = await report('--format', 'html', '--lang', 'zh');
  expect(html.out).toMatch(/^<!doctype html>/i);
  expect(html.out).toContain('结算报表');
  const table = await report('--lang', 'zh');
  expect(table.out).toContain('…0012');
  expect(table.out).toMatch(/合计 +3 +76\.23/);
  const texts = { 'report.json': json.out, 'report.html': html.out, 'report.txt': table.out };
  for (const [name, text] of Object.entries(texts)) writeFileSync(join(dir, name), text);
  const files = [pb, ...Object.keys(texts).map((n) => join(dir!, n))];
  expect(scanFilesForCardData(files, [TEST_CARDS['unionpay-contactless'].pan])).toEqual([]);

  // the selection is checked by the runtime: a coded error, and the runtime goes on
  const bad = await report('--from', '2026-13-01');
  expect(bad.code).not.toBe(0);
  expect(bad.err).toContain('SETTLE_REPORT_SELECTION');
  await expect(w.rt.settlementReport({ format: 'json', asOf: 'yesterday' })).rejects.toMatchObject({
    code: 'SETTLE_REPORT_SELECTION',
  });
  expect((await w.rt.sale({ amountMinor: 100 })).outcome).toBe('approved');
  const after = JSON.parse((await report('--format', 'json')).out);
  expect(after.transactions).toHaveLength(4);
});
