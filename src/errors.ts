/**
 * One coded error type for the whole runtime.
 *
 * `code` is stable and starts with the layer that raised it (READER_, ISO_, HOST_, JOURNAL_,
 * TXN_, SETTLE_, PROFILE_, CLI_, EMU_). `message` is safe to log: it never holds card data.
 * `context` carries where it happened (field number, byte offset, profile key ...), also
 * without card data.
 */
export type PosErrorLayer =
  | 'READER'
  | 'ISO'
  | 'HOST'
  | 'JOURNAL'
  | 'TXN'
  | 'SETTLE'
  | 'PROFILE'
  | 'CLI'
  | 'EMU'
  | 'CONTROL'
  | 'DIAG';

export type PosErrorCode = `${PosErrorLayer}_${string}`;

export interface PosErrorContext {
  field?: number | string;
  offset?: number;
  key?: string;
  [k: string]: unknown;
}

export class PosError extends Error {
  override readonly name = 'PosError';
  readonly code: PosErrorCode;
  readonly context: PosErrorContext;

  constructor(
    code: PosErrorCode,
    message: string,
    context: PosErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.context = context;
  }

  get layer(): PosErrorLayer {
    return this.code.slice(0, this.code.indexOf('_')) as PosErrorLayer;
  }

  /** Plain object for JSON output and logs. */
  toJSON(): { code: PosErrorCode; message: string } & PosErrorContext {
    return { code: this.code, message: this.message, ...this.context };
  }
}

export function isPosError(e: unknown, code?: PosErrorCode): e is PosError {
  return e instanceof PosError && (code === undefined || e.code === code);
}

/*
 * How a failure talking to the acquirer is classified (docs/host-link.md, "Failure classes").
 * The transaction engine and the forwarder decide with these predicates, never with a prefix
 * test: offline approval only when the network is down, never after a key, TLS or protocol
 * failure (ARCHITECTURE.md, "Fail safe with money").
 */

const codeIn =
  (codes: ReadonlySet<string>) =>
  (e: unknown): boolean =>
    e instanceof PosError && codes.has(e.code);

/**
 * The network path to the host is down; nothing of the message was written:
 * HOST_UNREACHABLE (every endpoint failed: DNS failure, connection refused or reset, no route,
 * connect timeout), and the per-attempt causes inside it HOST_CONNECT_FAILED,
 * HOST_CONNECT_TIMEOUT, HOST_CONNECT_ABORTED.
 */
export const isNetworkUnreachable = codeIn(
  new Set(['HOST_UNREACHABLE', 'HOST_CONNECT_FAILED', 'HOST_CONNECT_TIMEOUT', 'HOST_CONNECT_ABORTED']),
);

/**
 * A request was written and no usable answer came: HOST_TIMEOUT (none in time, or not flushed
 * in time), HOST_DISCONNECTED (the connection ended while waiting). After the caller's own
 * message was written its outcome is unknown (reverse with 98); when only the sign-on in front
 * of it got no answer, the host cannot be reached either.
 */
export const isNoAnswer = codeIn(new Set(['HOST_TIMEOUT', 'HOST_DISCONNECTED']));

/**
 * The answer to a financial message failed authentication: HOST_BAD_MAC (field 64 missing or
 * wrong, whatever field 39 says). Counts as no answer for the money (reverse with A0).
 */
export const isUnauthenticatedAnswer = codeIn(new Set(['HOST_BAD_MAC']));

/**
 * Working keys could not be established: HOST_KEY_CHECK_FAILED (a check value of field 62 is
 * wrong: the TMK does not match the host's), HOST_BAD_SIGN_ON_KEYS (field 62 missing or of the
 * wrong length), HOST_SIGN_ON_REFUSED (0810 with 39 other than 00), HOST_NOT_SIGNED_ON.
 */
export const isKeyFailure = codeIn(
  new Set(['HOST_KEY_CHECK_FAILED', 'HOST_BAD_SIGN_ON_KEYS', 'HOST_SIGN_ON_REFUSED', 'HOST_NOT_SIGNED_ON']),
);

/**
 * TLS refused the host or could not be set up: HOST_TLS_FAILED (handshake: alert, protocol
 * version, no shared cipher suite, peer closed during the handshake), HOST_TLS_CERT (certificate
 * chain, name or validity), HOST_TLS_PIN_MISMATCH (server key matches no pin), HOST_TLS_CONFIG
 * (TLS files of the profile unusable).
 */
export const isTlsFailure = codeIn(
  new Set(['HOST_TLS_FAILED', 'HOST_TLS_CERT', 'HOST_TLS_PIN_MISMATCH', 'HOST_TLS_CONFIG']),
);

/** A key failure or a TLS failure (isKeyFailure, isTlsFailure): never a reason to go offline. */
export function isSecurityFailure(e: unknown): boolean {
  return isKeyFailure(e) || isTlsFailure(e);
}

/**
 * The host's bytes could not be understood: HOST_PROTOCOL (only frames with a wrong TPDU,
 * garbage framing or undecodable messages came in place of the answer), the framing codes
 * HOST_BAD_TPDU, HOST_BAD_HEADER, HOST_FRAME_SHORT, HOST_FRAME_TOO_LONG, and every ISO_ code
 * (a message that does not decode or lacks a required field).
 */
export function isProtocolFailure(e: unknown): boolean {
  return (
    e instanceof PosError &&
    (e.code.startsWith('ISO_') ||
      [
        'HOST_PROTOCOL',
        'HOST_BAD_TPDU',
        'HOST_BAD_HEADER',
        'HOST_FRAME_SHORT',
        'HOST_FRAME_TOO_LONG',
      ].includes(e.code))
  );
}

/**
 * Any failure of an exchange with the host (every HOST_ and ISO_ code): the engine and the
 * forwarder handle these, anything else is a bug or a journal failure and propagates.
 */
export function isHostFailure(e: unknown): e is PosError {
  return e instanceof PosError && (e.layer === 'HOST' || e.layer === 'ISO');
}

/**
 * Nothing of the caller's message left the terminal and the host cannot be reached: the network
 * is down (isNetworkUnreachable) or the sign-on in front of the message got no answer
 * (isNoAnswer). The only failure that allows an offline approval or means "retry later" to the
 * forwarder. Meaningful only for a failure before the message was written.
 */
export function isHostDown(e: unknown): boolean {
  return isNetworkUnreachable(e) || isNoAnswer(e);
}
