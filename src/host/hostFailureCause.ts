/**
 * Why a request to the host failed, as a technician needs it told apart: a DNS failure from a
 * refused connection, a TLS reason from a pin mismatch, garbage answers from silence. Pure.
 */
import { isProtocolFailure, type PosError } from '../errors.js';

export type HostFailureCause =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'network-unreachable'
  | 'connect-timeout'
  | 'tls-handshake'
  | 'tls-certificate'
  | 'tls-pin'
  | 'tls-config'
  | 'silence'
  | 'garbage'
  | 'disconnected'
  | 'bad-mac'
  | 'key-check'
  | 'sign-on-refused'
  | 'other';

const BY_ERRNO: Record<string, HostFailureCause> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  EHOSTUNREACH: 'network-unreachable',
  ENETUNREACH: 'network-unreachable',
  ENETDOWN: 'network-unreachable',
  EHOSTDOWN: 'network-unreachable',
  ETIMEDOUT: 'connect-timeout',
  HOST_CONNECT_TIMEOUT: 'connect-timeout',
};

const BY_CODE: Record<string, HostFailureCause> = {
  HOST_CONNECT_TIMEOUT: 'connect-timeout',
  HOST_TLS_FAILED: 'tls-handshake',
  HOST_TLS_CERT: 'tls-certificate',
  HOST_TLS_PIN_MISMATCH: 'tls-pin',
  HOST_TLS_CONFIG: 'tls-config',
  HOST_TIMEOUT: 'silence',
  HOST_PROTOCOL: 'garbage',
  HOST_BAD_TPDU: 'garbage',
  HOST_BAD_HEADER: 'garbage',
  HOST_FRAME_SHORT: 'garbage',
  HOST_FRAME_TOO_LONG: 'garbage',
  HOST_DISCONNECTED: 'disconnected',
  HOST_BAD_MAC: 'bad-mac',
  HOST_KEY_CHECK_FAILED: 'key-check',
  HOST_BAD_SIGN_ON_KEYS: 'key-check',
  HOST_SIGN_ON_REFUSED: 'sign-on-refused',
};

/** The cause of a host failure; `detail` is the low-level reason (errno, TLS alert) when known. */
export function hostFailureCause(e: PosError): { cause: HostFailureCause; detail?: string } {
  const reason = typeof e.context.reason === 'string' ? e.context.reason : undefined;
  const errno = typeof e.context.errno === 'string' ? e.context.errno : undefined;
  const detail = errno ?? reason;
  if (e.code === 'HOST_UNREACHABLE' || e.code === 'HOST_CONNECT_FAILED') {
    return { cause: (detail && BY_ERRNO[detail]) || 'other', detail };
  }
  const cause = BY_CODE[e.code] ?? (isProtocolFailure(e) ? 'garbage' : 'other');
  return { cause, detail: detail ?? (cause === 'garbage' ? e.code : undefined) };
}
