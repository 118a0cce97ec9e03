import { describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { hostFailureCause } from '../../src/host/hostFailureCause.js';

describe('hostFailureCause', () => {
  it('tells DNS, refused, reset, no route and connect timeout apart behind HOST_UNREACHABLE', () => {
    const unreachable = (errno?: string, reason = 'HOST_CONNECT_FAILED') =>
      hostFailureCause(new PosError('HOST_UNREACHABLE', 'x', { reason, ...(errno ? { errno } : {}) }));
    expect(unreachable('ENOTFOUND')).toEqual({ cause: 'dns', detail: 'ENOTFOUND' });
    expect(unreachable('EAI_AGAIN').cause).toBe('dns');
    expect(unreachable('ECONNREFUSED')).toEqual({ cause: 'refused', detail: 'ECONNREFUSED' });
    expect(unreachable('ECONNRESET').cause).toBe('reset');
    expect(unreachable('EHOSTUNREACH').cause).toBe('network-unreachable');
    expect(unreachable(undefined, 'HOST_CONNECT_TIMEOUT').cause).toBe('connect-timeout');
    expect(unreachable('EWHATEVER').cause).toBe('other');
  });

  it('tells silence from garbage, and names TLS and key failures', () => {
    expect(hostFailureCause(new PosError('HOST_TIMEOUT', 'x')).cause).toBe('silence');
    expect(hostFailureCause(new PosError('HOST_PROTOCOL', 'x', { reason: 'bad TPDU' }))).toEqual({
      cause: 'garbage',
      detail: 'bad TPDU',
    });
    expect(hostFailureCause(new PosError('ISO_BAD_BCD', 'x'))).toEqual({
      cause: 'garbage',
      detail: 'ISO_BAD_BCD',
    });
    expect(hostFailureCause(new PosError('HOST_TLS_FAILED', 'x', { reason: 'ERR_SSL_NO_CIPHERS' }))).toEqual({
      cause: 'tls-handshake',
      detail: 'ERR_SSL_NO_CIPHERS',
    });
    expect(hostFailureCause(new PosError('HOST_TLS_PIN_MISMATCH', 'x')).cause).toBe('tls-pin');
    expect(hostFailureCause(new PosError('HOST_TLS_CERT', 'x')).cause).toBe('tls-certificate');
    expect(hostFailureCause(new PosError('HOST_KEY_CHECK_FAILED', 'x')).cause).toBe('key-check');
    expect(hostFailureCause(new PosError('HOST_BAD_MAC', 'x')).cause).toBe('bad-mac');
    expect(hostFailureCause(new PosError('HOST_DISCONNECTED', 'x')).cause).toBe('disconnected');
  });
});
