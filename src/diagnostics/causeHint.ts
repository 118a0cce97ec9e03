/** The hint for a host failure cause (as hostFailureCause tells them apart). */
import type { HostFailureCause } from '../host/hostFailureCause.js';
import type { HintId } from './hints.js';

const BY_CAUSE: Partial<Record<HostFailureCause, HintId>> = {
  dns: 'host.dns',
  refused: 'host.refused',
  'network-unreachable': 'host.unreachable',
  'connect-timeout': 'host.connectTimeout',
  'tls-handshake': 'tls.handshake',
  'tls-certificate': 'tls.certificate',
  'tls-pin': 'tls.pin',
  'tls-config': 'tls.config',
  silence: 'host.silence',
  garbage: 'host.garbage',
  'bad-mac': 'host.badMac',
  'key-check': 'host.keyCheck',
  'sign-on-refused': 'host.signOnRefused',
};

export function hintForCause(cause: HostFailureCause): HintId {
  return BY_CAUSE[cause] ?? 'host.failed';
}
