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
