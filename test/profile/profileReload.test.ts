/** Which profile keys a SIGHUP applies live, and how they are written into the running profile. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES_DIR, parseProfile } from '../../src/profile/loadProfile.js';
import { applyLiveProfileKeys, planProfileReload } from '../../src/profile/profileReload.js';

// biome-ignore lint/suspicious/noExplicitAny: raw profile JSON that tests edit freely
const raw = (): Record<string, any> => JSON.parse(readFileSync(join(PROFILES_DIR, 'emulator.json'), 'utf8'));
const DIR = '/srv/profiles';

describe('profile reload', () => {
  it('splits changed keys into live and restart-needed; the same file changes nothing', () => {
    const a = parseProfile(raw(), DIR);
    expect(planProfileReload(a, parseProfile(raw(), DIR))).toEqual({ live: [], restart: [] });
    const r = raw();
    r.offline.floorLimitMinor = 1;
    r.offline.interfaces = ['contact'];
    r.host.responseTimeoutMs = 7000;
    r.host.connectTimeoutMs = 3000;
    r.host.primary.port = 6000;
    r.keys.tmk = 'FEDCBA98765432100123456789ABCDEF';
    r.terminalId = '00000001';
    r.journal.path = 'other.db';
    r.control.socket = 'other.sock';
    r.limits = { maxSaleMinor: 100 };
    r.log = { level: 'debug' };
    expect(planProfileReload(a, parseProfile(r, DIR))).toEqual({
      live: [
        'host.responseTimeoutMs',
        'limits.maxSaleMinor',
        'log.level',
        'offline.floorLimitMinor',
        'offline.interfaces',
      ],
      restart: [
        'control.socket',
        'host.connectTimeoutMs',
        'host.primary.port',
        'journal.path',
        'keys.tmk',
        'terminalId',
      ],
    });
  });

  it('writes the live keys in place (same section objects stay), removes a key the file dropped', () => {
    const r = raw();
    r.limits = { maxSaleMinor: 100 };
    const running = parseProfile(r, DIR);
    const offline = running.offline;
    const n = raw();
    n.offline.floorLimitMinor = 1;
    n.terminalId = '00000001';
    const next = parseProfile(n, DIR);
    const plan = planProfileReload(running, next);
    applyLiveProfileKeys(running, next, plan.live);
    expect(running.offline).toBe(offline);
    expect(running.offline.floorLimitMinor).toBe(1);
    expect(running.limits).toEqual({});
    expect(running.terminalId).toBe('12345678');
    expect(() => applyLiveProfileKeys(running, next, ['terminalId'])).toThrow(/cannot change live/);
  });
});
