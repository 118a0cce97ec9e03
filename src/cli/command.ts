import { PosError } from '../errors.js';
import { type ParseAmountOptions, parseAmount } from '../money.js';

/** What every CLI command module exports. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export interface CliCommand {
  /** One line for the help listing. */
  summary: string;
  /** Full usage text, printed for `posterm help NAME` and `--help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by all commands. */
export const ExitCode = {
  Ok: 0,
  /** The command ran but the outcome is negative (declined, check failed, bad input line). */
  Failed: 1,
  /** Wrong usage: unknown option, missing argument. */
  Usage: 2,
  /** Could not reach a device, host or runtime. */
  Unavailable: 3,
  /**
   * `posterm run` could not start: journal locked, corrupt or its key missing, a key file open
   * to others, the control socket's directory unusable ... (stderr: `posterm run: CODE: message`).
   */
  NotStarted: 4,
} as const;

/** An amount argument ("12.34" yuan) in minor units; a malformed one is wrong usage (CLI_USAGE). */
export function amountArg(text: string | undefined, opts?: ParseAmountOptions): number {
  try {
    return parseAmount(text ?? '', opts);
  } catch (e) {
    throw new PosError(
      'CLI_USAGE',
      `amount must look like 12.34 (yuan), got '${text ?? ''}'`,
      { key: 'amount' },
      { cause: e },
    );
  }
}
