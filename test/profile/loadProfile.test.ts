import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { loadProfile, PROFILES_DIR, parseProfile, profileTmk } from '../../src/profile/loadProfile.js';

const emulatorRaw = () => JSON.parse(readFileSync(join(PROFILES_DIR, 'emulator.json'), 'utf8'));

function refusal(raw: unknown): { code: string; key: unknown } {
  try {
    parseProfile(raw, '/x');
  } catch (e) {
    if (isPosError(e)) return { code: e.code, key: e.context.key };
    throw e;
  }
  throw new Error('profile was accepted');
}

describe('terminal profiles', () => {
  it('every bundled profile is valid', () => {
    const files = readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.json') && !f.includes('schema'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(loadProfile(join(PROFILES_DIR, f)).name).toBe(f.replace(/\.json$/, ''));
  });

  it('loads by name, fills defaults and resolves paths against the profile folder', () => {
    const p = loadProfile('emulator');
    expect(p.reader.baud).toBe(115200);
    expect(p.operatorId).toBe('01 ');
    expect(p.journal.path.startsWith('/')).toBe(true);
    expect(p.journal.path.endsWith('.posterm/emulator.db')).toBe(true);
    expect(profileTmk(p).length).toBe(16);
  });

  it('fills defaults for sections left out', () => {
    const raw = emulatorRaw();
    delete raw.offline;
    delete raw.reversal;
    const p = parseProfile(raw, '/x');
    expect(p.offline.policy).toBe('prefer-online');
    expect(p.reversal.maxAttempts).toBe(3);
  });

  it('names the key of a bad value, a missing key and an unknown key', () => {
    const bad = emulatorRaw();
    bad.host.primary.port = 70000;
    expect(refusal(bad)).toEqual({ code: 'PROFILE_INVALID', key: 'host.primary.port' });

    const missing = emulatorRaw();
    delete missing.terminalId;
    expect(refusal(missing)).toEqual({ code: 'PROFILE_INVALID', key: 'terminalId' });

    const extra = emulatorRaw();
    extra.reader.speed = 9600;
    expect(refusal(extra)).toEqual({ code: 'PROFILE_INVALID', key: 'reader.speed' });

    const tid = emulatorRaw();
    tid.terminalId = '123';
    expect(refusal(tid)).toEqual({ code: 'PROFILE_INVALID', key: 'terminalId' });
  });

  it('refuses half a client certificate', () => {
    const raw = emulatorRaw();
    raw.host.tls = { cert: 'a.pem' };
    expect(refusal(raw)).toEqual({ code: 'PROFILE_INVALID', key: 'host.tls.key' });
  });

  it('refuses a missing file and bad JSON with coded errors', () => {
    expect(() => loadProfile('/nonexistent/profile.json')).toThrow(/cannot read profile/);
  });
});
