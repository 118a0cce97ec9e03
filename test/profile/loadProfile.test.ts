import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('refuses absurd timeouts, naming the key', () => {
    const cases: [string, string, number][] = [
      ['host', 'connectTimeoutMs', 50],
      ['host', 'connectTimeoutMs', 3_600_000],
      ['host', 'responseTimeoutMs', 500_000],
      ['host', 'echoIntervalS', 1],
      ['host', 'echoIntervalS', 86_400],
      ['reader', 'tapTimeoutS', 0],
      ['reader', 'tapTimeoutS', 1000],
    ];
    for (const [section, key, value] of cases) {
      const raw = emulatorRaw();
      raw[section][key] = value;
      expect(refusal(raw), `${section}.${key} = ${value}`).toEqual({
        code: 'PROFILE_INVALID',
        key: `${section}.${key}`,
      });
    }
    const off = emulatorRaw();
    off.host.echoIntervalS = 0;
    expect(parseProfile(off, '/x').host.echoIntervalS).toBe(0);
  });

  it('refuses a control socket path longer than a Unix socket holds, after resolution', () => {
    const raw = emulatorRaw();
    raw.control = { socket: 'control.sock', group: 'posterm' };
    expect(parseProfile(raw, `/${'d'.repeat(90)}`).control).toMatchObject({ group: 'posterm' });
    expect(refusal({ ...raw, control: { socket: `${'s'.repeat(110)}.sock` } })).toEqual({
      code: 'PROFILE_INVALID',
      key: 'control.socket',
    });
    let err: unknown;
    try {
      parseProfile(raw, `/${'d'.repeat(100)}`); // 'control.sock' is short; the resolved path is not
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PROFILE_INVALID', context: { key: 'control.socket' } });
  });

  it('refuses a TMK file that group or others may read (PROFILE_TMK_FILE_MODE naming it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'posterm-profile-'));
    try {
      const file = join(dir, 'tmk.hex');
      writeFileSync(file, '0123456789ABCDEFFEDCBA9876543210\n', { mode: 0o644 });
      chmodSync(file, 0o644);
      const raw = emulatorRaw();
      raw.keys = { tmkFile: 'tmk.hex' };
      const p = parseProfile(raw, dir);
      let err: unknown;
      try {
        profileTmk(p);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'PROFILE_TMK_FILE_MODE', context: { key: 'keys.tmkFile' } });
      expect((err as Error).message).toContain(file);
      chmodSync(file, 0o600);
      expect(profileTmk(p).length).toBe(16);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing file and bad JSON with coded errors', () => {
    expect(() => loadProfile('/nonexistent/profile.json')).toThrow(/cannot read profile/);
  });
});
