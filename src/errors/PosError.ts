/**
 * One coded error type for the whole runtime.
 *
 * `code` is one of the catalogue's codes (./codes.ts) and starts with the layer that raised it.
 * `message` is safe to log: it never holds card data. `context` carries where it happened
 * (field number, byte offset, profile key ...), also without card data.
 */
import type { ErrorCode, PosErrorLayer } from './codes.js';

/** A catalogued code: a typo or a code missing from ERROR_CODES fails the type check. */
export type PosErrorCode = ErrorCode;

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
