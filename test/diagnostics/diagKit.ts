/** A temp terminal for diag tests: a profile file (emulator profile, edited) in its own dir. */
import { mkdtempSync, writeFileSync } from 'node:fs';
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
  edit(raw);
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return { dir, file, profile: parseProfile(raw, dir) };
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
