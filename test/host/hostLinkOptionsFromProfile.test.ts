import { describe, expect, it } from 'vitest';
import {
  hostLinkOptionsFromProfile,
  hostSessionOptionsFromProfile,
} from '../../src/host/hostLinkOptionsFromProfile.js';
import type { TerminalProfile } from '../../src/profile/loadProfile.js';

const host: TerminalProfile['host'] = {
  tpdu: '6000030000',
  softwareVersion: '310000',
  primary: { host: 'pos1.acquirer.example', port: 7443, tls: true },
  backup: { host: 'pos2.acquirer.example', port: 7000 },
  tls: { ca: 'ca.pem', cert: 'terminal.pem', key: 'terminal.key', pins: ['AAAA'] },
  connectTimeoutMs: 4000,
  responseTimeoutMs: 25_000,
  echoIntervalS: 300,
};

describe('options from a profile', () => {
  it('maps endpoints (TLS only where the endpoint asks for it) and timeouts', () => {
    const o = hostLinkOptionsFromProfile({ host });
    expect(o.primary).toEqual({
      host: 'pos1.acquirer.example',
      port: 7443,
      tls: { ca: 'ca.pem', cert: 'terminal.pem', key: 'terminal.key', pins: ['AAAA'] },
    });
    expect(o.backup).toEqual({ host: 'pos2.acquirer.example', port: 7000 });
    expect(o.tpdu).toBe('6000030000');
    expect(o.timeouts).toEqual({ connectMs: 4000, sendMs: 4000, readMs: 25_000 });
  });

  it('session: ids, operator, echo interval', () => {
    const link = { request: async () => Promise.reject(new Error('unused')) };
    const o = hostSessionOptionsFromProfile(
      { terminalId: '12345678', merchantId: '123456789012345', operatorId: '01 ', host },
      { link, tmk: Buffer.alloc(16), nextStan: () => '000001', batch: () => '000001' },
    );
    expect(o).toMatchObject({ terminalId: '12345678', merchantId: '123456789012345', echoIdleMs: 300_000 });
  });
});
