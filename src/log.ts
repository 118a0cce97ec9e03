/**
 * Logging: pino with redaction as a first-class option. Card data never reaches a log:
 * known sensitive keys are censored wherever they appear (two levels deep), and PAN-like
 * digit runs in messages are masked by the formatter.
 */
import { type Logger as PinoLogger, pino } from 'pino';
import { maskPansInText } from './mask.js';

/** The small logger interface every layer takes (pino satisfies it). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const SENSITIVE = ['pan', 'track2', 'track3', 'pinBlock', 'pin', 'cvv', 'iccData', 'field55', 'card'];

export const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LogOptions {
  level?: string;
  /** Destination file descriptor or path; stderr by default. */
  destination?: number | string;
}

export function createLogger(name: string, opts: LogOptions = {}): PinoLogger {
  const dest = pino.destination({ dest: opts.destination ?? 2, sync: true, mkdir: true });
  return pino(
    {
      name,
      level: opts.level ?? process.env.POSTERM_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[hidden]' },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPansInText(a) : a)) as typeof args;
          method.apply(this, masked);
        },
      },
    },
    dest,
  );
}

/** A logger that drops everything (tests, CLI one-shots). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
