/** A temp terminal for diag tests: a profile file (emulator profile, edited) in its own dir. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DiagReport, DiagResult } from '../../src/diagnostics/DiagResult.js';
import { HINTS, type HintId } from '../../src/diagnostics/hints.js';
import { parseProfile, type TerminalProfile } from '../../src/profile/loadProfile.js';
import { emulatorProfileRaw } from '../integration/world.js';

export interface DiagTerminal {
  dir: string;
  file: string;
  profile: TerminalProfile;
}

// biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
export function diagTerminal(edit: (raw: Record<string, any>) => void = () => {}): DiagTerminal {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-diag-'));
  const raw = emulatorProfileRaw();
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = { socket: 'control.sock' };
  raw.host.connectTimeoutMs = 1000;
  raw.host.responseTimeoutMs = 400;
  raw.settlement = { calendarDir: testCalendar(dir) };
  edit(raw);
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return { dir, file, profile: parseProfile(raw, dir) };
}

/**
 * A holiday calendar override with the years after the bundled ones up to two years from now
 * (New Year's Day only), so that settlement.calendar passes whatever today's date is.
 */
function testCalendar(dir: string): string {
  const folder = join(dir, 'calendar');
  mkdirSync(folder);
  const years: Record<string, unknown> = {};
  for (let y = 2027; y <= new Date().getUTCFullYear() + 2; y++) {
    years[y] = {
      notice: { title: `test notice ${y}`, issued: `${y - 1}-11-01` },
      holidays: [{ zh: '元旦', en: "New Year's Day", from: `${y}-01-01`, to: `${y}-01-01`, workdays: [] }],
    };
  }
  writeFileSync(join(folder, 'test-years.json'), JSON.stringify({ schema: 1, version: 'test', years }));
  return folder;
}

export function resultOf(r: DiagReport, id: string): DiagResult {
  const x = r.results.find((y) => y.id === id);
  expect(x, `check ${id} in the report`).toBeDefined();
  return x as DiagResult;
}

/** The check has this result and this hint (en and zh). */
export function expectCheck(
  r: DiagReport,
  id: string,
  result: DiagResult['result'],
  hint?: HintId,
): DiagResult {
  const x = resultOf(r, id);
  expect(x.result, `${id}: ${JSON.stringify(x.evidence)}`).toBe(result);
  if (hint) expect(x.hint).toEqual(HINTS[hint]);
  return x;
}
