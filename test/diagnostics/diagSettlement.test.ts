/**
 * Diag's settlement checks: the holiday calendar's coverage ahead (a calendar that ends within
 * 60 days warns, one that does not cover today fails, an override folder extends it, a broken
 * override fails), and the tracked sales the host holds, could not pay out or does not know,
 * read from a real journal whose settlement observations the tracker would have written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { CALENDAR_WARN_DAYS, checkCalendarCoverage } from '../../src/diagnostics/settlementChecks.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { fakeIo } from '../cli/fakeIo.js';
import { PAN_A, purchaseFields } from '../journal/journalFixture.js';
import { type DiagTerminal, diagTerminal, expectCheck } from './diagKit.js';

const at = (iso: string) => Date.parse(iso);
/** An override folder holding one extra year (a test notice with New Year's Day only). */
function overrideYear(dir: string, year: number): string {
  const y = {
    notice: { title: `test notice ${year}`, issued: `${year - 1}-11-01` },
    holidays: [
      { zh: '元旦', en: "New Year's Day", from: `${year}-01-01`, to: `${year}-01-01`, workdays: [] },
    ],
  };
  const folder = join(dir, 'override');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, `${year}.json`),
    JSON.stringify({ schema: 1, version: `test-${year}`, years: { [year]: y } }),
  );
  return folder;
}

describe('settlement.calendar', () => {
  /** The bundled calendar only (diagTerminal adds test years). */
  const bundledOnly = (raw: Record<string, unknown>) => {
    delete raw.settlement;
  };

  it('passes with more than 60 days ahead, warns under 60, fails when today is not covered (host date)', () => {
    const t = diagTerminal(bundledOnly);
    const ok = checkCalendarCoverage(t.profile, at('2026-06-01T00:00:00Z'));
    expect(ok.result).toBe('pass');
    expect(ok.evidence).toMatchObject({ today: '2026-06-01', coveredUntil: '2026-12-31', daysAhead: 214 });
    const short = checkCalendarCoverage(t.profile, at('2026-11-30T00:00:00Z'));
    expect(short).toMatchObject({ result: 'warn', hint: 'settlement.calendarShort' });
    expect(short.evidence.daysAhead).toBe(32);
    expect(short.evidence.daysAhead as number).toBeLessThan(CALENDAR_WARN_DAYS);
    // 31 Dec 20:00 UTC is already 1 January 2027 in Shanghai: not covered
    const ended = checkCalendarCoverage(t.profile, at('2026-12-31T20:00:00Z'));
    expect(ended).toMatchObject({ result: 'fail', hint: 'settlement.calendarEnded' });
    expect(ended.evidence).toMatchObject({ today: '2027-01-01', daysAhead: 0, coveredUntil: null });
  });

  it("an override folder with next year's calendar extends the coverage; a broken one fails with its file named", () => {
    const base = diagTerminal(bundledOnly);
    const folder = overrideYear(base.dir, 2027);
    const t = diagTerminal((raw) => {
      raw.settlement = { calendarDir: folder };
    });
    const r = checkCalendarCoverage(t.profile, at('2026-11-30T00:00:00Z'));
    expect(r.result).toBe('pass');
    expect(r.evidence).toMatchObject({ coveredUntil: '2027-12-31', overrideDir: folder });
    writeFileSync(join(folder, 'broken.json'), '{ not json');
    const bad = checkCalendarCoverage(t.profile, at('2026-11-30T00:00:00Z'));
    expect(bad).toMatchObject({ result: 'fail', hint: 'settlement.calendarUnreadable' });
    expect(bad.evidence).toMatchObject({ code: 'SETTLE_CALENDAR_INVALID' });
    expect(String(bad.evidence.message)).toContain('broken.json');
  });
});

/** An approved sale with its RRN, and the host's 951 answers about it (as the tracker journals them). */
function sale(j: Journal, rrn: string, amountMinor: number, statuses: string[]) {
  const t = j.begin({ kind: 'purchase', amountMinor, card: { pan: PAN_A }, fields: purchaseFields });
  j.markSent(t.id);
  j.recordAnswer(t.id, { responseCode: '00', rrn, authCode: 'A1B2C3' });
  for (const [i, status] of statuses.entries()) {
    const inq = j.settlementInquiryAttempt(String(100 + i).padStart(6, '0'), [{ txnId: t.id, rrn }]);
    const reason = status === 'H' ? '05' : status === 'F' ? '07' : '00';
    j.settlementInquiryResult(inq, 'ok', [
      {
        txnId: t.id,
        rrn,
        learntAt: Date.now(),
        status,
        mode: 'T1',
        expectedArrival: null,
        clearedAt: null,
        arrivedAt: null,
        delayReason: reason,
        record: `${rrn}${status}T1${' '.repeat(42)}${reason}`,
      },
    ]);
  }
  return t;
}

function journalOf(t: DiagTerminal): Journal {
  return Journal.open({ path: t.profile.journal.path, key: loadKeyFile(t.profile.journal.keyFile) });
}

describe('settlement: held, failed, unknown to the host', () => {
  it('each stage gives its check its verdict and hint, with RRN, masked PAN and amount as evidence; no PAN', async () => {
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'acquirer.invalid', port: 5800 };
    });
    const j = journalOf(t);
    sale(j, '000000000011', 1000, ['P', 'H']);
    sale(j, '000000000012', 2500, ['C', 'F']);
    sale(j, '000000000013', 700, ['X']);
    sale(j, '000000000014', 300, ['P']);
    j.close();
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    const held = expectCheck(r, 'settlement.held', 'warn', 'settlement.held');
    expect(held.evidence).toMatchObject({ tracked: 4, count: 1, amountMinor: 1000 });
    expect(held.evidence.items).toEqual([
      expect.objectContaining({ rrn: '000000000011', hostStatus: 'H', maskedPan: '621234******1232' }),
    ]);
    const failed = expectCheck(r, 'settlement.failed', 'fail', 'settlement.failed');
    expect(failed.evidence).toMatchObject({ count: 1, amountMinor: 2500 });
    expect(failed.hint?.zh).toContain('划款失败');
    const unknown = expectCheck(r, 'settlement.unknown', 'fail', 'settlement.unknownToHost');
    expect(unknown.evidence.items).toEqual([
      expect.objectContaining({ rrn: '000000000013', hostStatus: 'X' }),
    ]);
    expect(JSON.stringify(r)).not.toContain(PAN_A);
    expect(r.exitCode).toBe(2);
  });

  it('a journal whose sales are all on their way passes the stage checks; no journal skips them naming why', async () => {
    const t = diagTerminal();
    const j = journalOf(t);
    sale(j, '000000000021', 1000, ['P']);
    j.close();
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    for (const id of ['settlement.held', 'settlement.failed', 'settlement.unknown'])
      expect(expectCheck(r, id, 'pass').evidence, id).toMatchObject({ tracked: 1, count: 0 });
    const none = diagTerminal();
    const io = fakeIo();
    await main(['diag', '--profile', none.file, '--json'], io);
    const report = JSON.parse(io.out());
    const held = report.results.find((x: { id: string }) => x.id === 'settlement.held');
    expect(held).toMatchObject({ result: 'skipped', skippedBecause: expect.stringContaining('no journal') });
  });
});
