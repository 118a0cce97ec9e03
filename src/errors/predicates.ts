/*
 * Named predicates over the catalogue (./codes.ts): how a failure is classified
 * (docs/host-link.md, "Failure classes"; docs/errors.md lists each code's class). The engine,
 * the forwarder, the runtime and the CLI decide with these, never with a prefix test: offline
 * approval only when the network is down, never after a key, TLS or protocol failure
 * (ARCHITECTURE.md, "Fail safe with money").
 *
 * Each predicate is derived from the catalogue's `class` (or `unavailable`) field; the codes
 * named in its comment are checked against what it accepts by test/errors/codes.test.ts.
 */
import { codesOfClass, ERROR_CODES, type ErrorClass, type ErrorCode, type ErrorCodeInfo } from './codes.js';
import { PosError } from './PosError.js';

function codeSet(codes: readonly ErrorCode[]): ReadonlySet<string> {
  return new Set<string>(codes);
}

const inClass = (...classes: ErrorClass[]) => {
  const codes = codeSet(codesOfClass(...classes));
  return (e: unknown): boolean => e instanceof PosError && codes.has(e.code);
};

/**
 * The network path to the host is down; nothing of the message was written: HOST_UNREACHABLE
 * (every endpoint failed: DNS failure, connection refused or reset, no route, connect timeout),
 * and the per-attempt causes inside it HOST_CONNECT_FAILED, HOST_CONNECT_TIMEOUT,
 * HOST_CONNECT_ABORTED. Class `network`.
 */
export const isNetworkUnreachable = inClass('network');

/**
 * A request was written and no usable answer came: HOST_TIMEOUT (none in time, or not flushed
 * in time), HOST_DISCONNECTED (the connection ended while waiting). After the caller's own
 * message was written its outcome is unknown (reverse with 98); when only the sign-on in front
 * of it got no answer, the host cannot be reached either. Class `no-answer`.
 */
export const isNoAnswer = inClass('no-answer');

/**
 * The answer to a financial message failed authentication: HOST_BAD_MAC (field 64 missing or
 * wrong, whatever field 39 says). Counts as no answer for the money (reverse with A0).
 * Class `unauthenticated`.
 */
export const isUnauthenticatedAnswer = inClass('unauthenticated');

/**
 * Working keys could not be established: HOST_KEY_CHECK_FAILED (a check value of field 62 is
 * wrong: the TMK does not match the host's), HOST_BAD_SIGN_ON_KEYS (field 62 missing or of the
 * wrong length), HOST_SIGN_ON_REFUSED (0810 with 39 other than 00), HOST_NOT_SIGNED_ON.
 * Class `key`.
 */
export const isKeyFailure = inClass('key');

/**
 * TLS refused the host or could not be set up: HOST_TLS_FAILED (handshake: alert, protocol
 * version, no shared cipher suite, peer closed during the handshake), HOST_TLS_CERT (certificate
 * chain, name or validity), HOST_TLS_PIN_MISMATCH (server key matches no pin), HOST_TLS_CONFIG
 * (TLS files of the profile unusable). Class `tls`.
 */
export const isTlsFailure = inClass('tls');

const security = inClass('key', 'tls');

/**
 * A key failure or a TLS failure (isKeyFailure, isTlsFailure): never a reason to go offline.
 * HOST_KEY_CHECK_FAILED, HOST_BAD_SIGN_ON_KEYS, HOST_SIGN_ON_REFUSED, HOST_NOT_SIGNED_ON,
 * HOST_TLS_FAILED, HOST_TLS_CERT, HOST_TLS_PIN_MISMATCH, HOST_TLS_CONFIG.
 */
export function isSecurityFailure(e: unknown): boolean {
  return security(e);
}

const protocol = inClass('protocol');

/**
 * The host's bytes could not be understood, or the message could not be built: HOST_PROTOCOL
 * (only frames with a wrong TPDU, garbage framing or undecodable messages came in place of the
 * answer), the framing codes HOST_BAD_TPDU, HOST_BAD_HEADER, HOST_FRAME_SHORT,
 * HOST_FRAME_TOO_LONG, and every ISO_* code (a message that does not decode or lacks a required
 * field, a dialect or crypto failure while packing). Class `protocol`.
 */
export function isProtocolFailure(e: unknown): boolean {
  return protocol(e);
}

const host = inClass('network', 'no-answer', 'unauthenticated', 'key', 'tls', 'protocol', 'link');

/**
 * Any failure of an exchange with the host: every HOST_* and ISO_* code (the classes above and
 * `link`: HOST_BUSY, HOST_CLOSED). The engine and the forwarder handle these, anything else is a
 * bug or a journal failure and propagates.
 */
export function isHostFailure(e: unknown): e is PosError {
  return host(e);
}

const down = inClass('network', 'no-answer');

/**
 * Nothing of the caller's message left the terminal and the host cannot be reached: the network
 * is down (isNetworkUnreachable) or the sign-on in front of the message got no answer
 * (isNoAnswer). The only failure that allows an offline approval or means "retry later" to the
 * forwarder. Meaningful only for a failure before the message was written.
 * HOST_UNREACHABLE, HOST_CONNECT_FAILED, HOST_CONNECT_TIMEOUT, HOST_CONNECT_ABORTED,
 * HOST_TIMEOUT, HOST_DISCONNECTED.
 */
export function isHostDown(e: unknown): boolean {
  return down(e);
}

/**
 * The card reader is not there, or went away during a read: READER_DISCONNECTED,
 * READER_STOPPED, READER_UNAVAILABLE. A card read then answers "unavailable", as for a reader
 * that is not connected. Class `reader-down`.
 */
export const isReaderLinkDown = inClass('reader-down');

const journalWrite = inClass('journal-write');

/**
 * The journal could not write now, as opposed to a refused step: JOURNAL_DISK_FULL, JOURNAL_IO,
 * JOURNAL_BUSY. What the engine holds in memory and writes later. Class `journal-write`.
 */
export function isJournalWriteFailure(e: unknown): e is PosError {
  return journalWrite(e);
}

const unavailableCodes = codeSet(
  (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => (ERROR_CODES[c] as ErrorCodeInfo).unavailable),
);

/**
 * Something a command needs is not there: the host, the card reader, the runtime or a tool of
 * the emulator. The CLI exits 3 (ExitCode.Unavailable). HOST_UNREACHABLE, READER_UNAVAILABLE,
 * CONTROL_UNREACHABLE, EMU_TLS_UNAVAILABLE, EMU_ADMIN_UNAVAILABLE. Flag `unavailable`.
 */
export function isUnavailable(e: unknown): boolean {
  return e instanceof PosError && unavailableCodes.has(e.code);
}
