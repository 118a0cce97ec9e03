/** Profile `host` section (and ids, keys) -> HostLink / HostSession options. */
import type { Endpoint, TerminalProfile } from '../profile/loadProfile.js';
import type { HostEndpoint, HostTlsOptions } from './HostEndpoint.js';
import type { HostLinkOptions } from './HostLinkOptions.js';
import type { HostSessionOptions } from './HostSession.js';

function endpoint(e: Endpoint, tls: HostTlsOptions): HostEndpoint {
  return e.tls ? { host: e.host, port: e.port, tls } : { host: e.host, port: e.port };
}

/** Endpoints, TPDU, software version and timeouts from the profile; `extra` overrides (clock, logger ...). */
export function hostLinkOptionsFromProfile(
  p: Pick<TerminalProfile, 'host'>,
  extra: Partial<HostLinkOptions> = {},
): HostLinkOptions {
  const h = p.host;
  const tls: HostTlsOptions = { ...h.tls, pins: h.tls?.pins ? [...h.tls.pins] : undefined };
  return {
    primary: endpoint(h.primary, tls),
    backup: h.backup ? endpoint(h.backup, tls) : undefined,
    tpdu: h.tpdu,
    softwareVersion: h.softwareVersion,
    timeouts: { connectMs: h.connectTimeoutMs, sendMs: h.connectTimeoutMs, readMs: h.responseTimeoutMs },
    ...extra,
  };
}

/** Ids, operator and echo interval from the profile; the caller brings link, TMK, STAN and batch. */
export function hostSessionOptionsFromProfile(
  p: Pick<TerminalProfile, 'terminalId' | 'merchantId' | 'operatorId' | 'host'>,
  rest: Pick<HostSessionOptions, 'link' | 'tmk' | 'nextStan' | 'batch'> & Partial<HostSessionOptions>,
): HostSessionOptions {
  return {
    terminalId: p.terminalId,
    merchantId: p.merchantId,
    operatorId: p.operatorId,
    echoIdleMs: p.host.echoIntervalS * 1000,
    ...rest,
  };
}
