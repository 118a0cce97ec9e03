/**
 * `posterm report settlement` on a real journal: approved sales and the host's observations
 * journalled as the runtime would, then the report in every format through main().
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { decodeReportStream } from '../../src/settlement/report/renderProtobuf.js';
import type { SettlementReportJson } from '../../src/settlement/report/reportModel.js';
import { PAN_A, purchaseFields, tempJournal } from '../journal/journalFixture.js';
import { fakeIo } from './fakeIo.js';

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

const emulator = JSON.parse(
  readFileSync(new URL('../../terminal-profiles/emulator.json', import.meta.url), 'utf8'),
);

/** A profile whose journal holds two approved sales: one arrived, one held. */
function journalWithSales(): string {
  const fx = tempJournal();
  const j = fx.journal;
  const sale = (rrn: string, amountMinor: number) => {
    const t = j.begin({ kind: 'purchase', amountMinor, card: { pan: PAN_A }, fields: purchaseFields });
    j.markSent(t.id);
    j.recordAnswer(t.id, { responseCode: '00', rrn, authCode: 'A1B2C3' });
    return t.id;
  };
  const a = sale('000000000001', 12_34);
  const b = sale('000000000002', 600_00);
  const learnt = fx.clock.now() + 3_600_000;
  const inq = j.settlementInquiryAttempt('000010', [
    { txnId: a, rrn: '000000000001' },
    { txnId: b, rrn: '000000000002' },
  ]);
  const obs = (rrn: string, status: string, reason: string, arrived: string | null) => ({
    rrn,
    learntAt: learnt,
    status,
    mode: 'T1',
    expectedArrival: null,
    clearedAt: null,
    arrivedAt: arrived,
    delayReason: reason,
    record: '-'.repeat(59),
  });
  const day = new Date(fx.clock.now() + 8 * 3_600_000 + 2 * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replace(/-/g, '');
  j.settlementInquiryResult(inq, 'ok', [
    { txnId: a, ...obs('000000000001', 'A', '00', `${day}090000`) },
    { txnId: b, ...obs('000000000002', 'H', '05', null) },
  ]);
  j.close();
  const keyFile = join(fx.dir, 'journal.key');
  writeFileSync(keyFile, `${fx.key.toString('hex')}\n`, { mode: 0o600 });
  const profile = join(fx.dir, 'profile.json');
  writeFileSync(
    profile,
    JSON.stringify({ ...emulator, $schema: undefined, journal: { path: fx.path, keyFile } }),
  );
  cleanup = () => rmSync(fx.dir, { recursive: true, force: true });
  return profile;
}

async function run(args: string[]) {
  const io = fakeIo();
  const code = await main(['report', 'settlement', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('posterm report settlement', () => {
  it('reads the journal: JSON, table, protobuf and HTML of the same sales', async () => {
    const profile = journalWithSales();
    const asOf = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const json = await run(['--profile', profile, '--format', 'json', '--as-of', asOf]);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as SettlementReportJson;
    expect(r.transactions.map((t) => [t.rrn, t.status, t.amountMinor])).toEqual([
      ['000000000001', 'arrived', 12_34],
      ['000000000002', 'held', 600_00],
    ]);
    expect(r.transactions[0].maskedPan).toBe('621234******1232');
    expect(r.needsAction.map((a) => a.cause)).toEqual(['risk-hold']);
    expect(r.header.terminal).toBe('****5678');

    const table = await run(['--profile', profile, '--lang', 'zh', '--as-of', asOf]);
    expect(table.code).toBe(0);
    expect(table.out).toContain('暂缓出款');
    expect(table.out).toContain('600.00');

    const dir = mkdtempSync(join(tmpdir(), 'posterm-report-'));
    try {
      const pb = join(dir, 'r.pb');
      expect(
        (await run(['--profile', profile, '--format', 'protobuf', '--out', pb, '--as-of', asOf])).code,
      ).toBe(0);
      const recs = decodeReportStream(readFileSync(pb));
      expect(recs.filter((x) => 'transaction' in x)).toHaveLength(2);
      const html = join(dir, 'r.html');
      expect(
        (await run(['--profile', profile, '--format', 'html', '--out', html, '--as-of', asOf])).code,
      ).toBe(0);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('<svg');
      for (const out of [json.out, table.out, readFileSync(pb).toString('latin1'), page])
        expect(out).not.toContain(PAN_A);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const batch = await run(['--profile', profile, '--format', 'json', '--batch', '999999', '--as-of', asOf]);
    expect((JSON.parse(batch.out) as SettlementReportJson).summary.count).toBe(0);
  });

  it('wrong usage is CLI_USAGE (exit 2); a bad date is SETTLE_REPORT_SELECTION (exit 1)', async () => {
    const profile = journalWithSales();
    for (const args of [
      ['--format', 'pdf'],
      ['--lang', 'fr'],
      ['--batch', '000001', '--from', '2026-03-01'],
      ['--as-of', 'yesterday'],
      ['--bogus'],
    ]) {
      const r = await run(['--profile', profile, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('CLI_USAGE');
    }
    const r = await run(['--profile', profile, '--from', '2026-13-01']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SETTLE_REPORT_SELECTION');
  });

  it('a profile without a journal yet gives an empty report and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posterm-report-'));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    const profile = join(dir, 'p.json');
    writeFileSync(
      profile,
      JSON.stringify({
        ...emulator,
        $schema: undefined,
        journal: { path: join(dir, 'none.db'), keyFile: join(dir, 'k') },
      }),
    );
    const r = await run(['--profile', profile, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('no journal yet');
    expect((JSON.parse(r.out) as SettlementReportJson).summary.count).toBe(0);
  });
});
