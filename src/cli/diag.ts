/**
 * `posterm diag`: runs the field diagnostics (src/diagnostics/) and prints them as a table or
 * JSON. Exit codes: 0 all pass, 1 warnings, 2 a failure, 3 diag itself could not run (bad
 * usage included, so that 2 always means "a check failed").
 */
import { parseArgs } from 'node:util';
import type { DiagReport, DiagResult } from '../diagnostics/DiagResult.js';
import { isPosError } from '../errors.js';
import type { Lang } from '../text/lang.js';
import type { CliCommand, CliIo } from './command.js';

const usage = `usage: posterm diag [--profile NAME|FILE] [--json] [--lang en|zh] [--card]
       posterm diag --watch [SECONDS] [--interval SECONDS] [--profile P] [--json]
       posterm diag --bundle FILE [--log-file LOG] [--profile P] [--json] [--lang en|zh]

Checks in order, each pass / warn / fail / skipped (with the failed check it needed), its
duration, what was measured and, when not a pass, what to do: profile and keys, the serial
port and the reader, DNS / TCP / TLS to each host endpoint, sign-on (key check values) and
echo test, the MAC of a real answer (--card), the clock (against the host's time, NTP, time
zone), the journal (integrity, pending reversals, queue age, disk, key), settlement (holiday
calendar ahead; sales held, failed, unknown to the host, overdue).

While the runtime runs (its control socket answers), the reader, host and journal facts come
from the runtime; diag opens neither the serial port nor the journal. The network checks
always run from diag itself.

  --profile P   terminal profile name or file (default emulator)
  --json        one JSON object (the report) instead of the table
  --lang L      hints in en (default) or zh
  --card        present a card when asked: a balance inquiry (no money moves) whose answer's
                MAC is checked (host.mac); without it host.mac is skipped
  --watch [S]   repeat the link checks (standalone: DNS + TCP connect per host, and an echo
                test after a good sign-on; runtime running: TCP connect only) every second,
                live per host: sent, lost, loss %, round trip last/p50/p99, jitter, link
                flaps; stops on Ctrl-C or after S seconds with a summary. Exit: 0 nothing
                lost, 2 a probe or the sign-on failed. Not a TTY: one line per round.
  --interval S  seconds between the rounds of --watch (default 1)
  --bundle F    also write a support bundle F (tar.gz): the diag JSON, the profile without
                keys, versions, journal counts per state, the last 500 lines of --log-file;
                all redacted (keys removed, PANs masked, track data removed). Prints the
                bundle id (8 hex of its SHA-256) to read out to support.
  --log-file L  the runtime's log file, for --bundle

exit: 0 all pass, 1 warnings, 2 a failure, 3 diag could not run.
Not in this version: the settlement checks, serial frame counters, the MAC check.`;

export const DiagExit = { Pass: 0, Warn: 1, Fail: 2, NotRun: 3 } as const;

function summary(ev: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(ev)) {
    if (v === undefined || v === null) continue;
    if (k === 'items' || k === 'files' || k === 'chain' || k === 'quickCheck' || k === 'frames') {
      if (Array.isArray(v) && v.length === 0) continue;
    }
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    parts.push(`${k}=${text.length > 60 ? `${text.slice(0, 57)}...` : text}`);
  }
  return parts.join(' ');
}

const MARK: Record<DiagResult['result'], string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skipped: 'SKIP',
};

export function formatReport(r: DiagReport, lang: Lang): string {
  const idWidth = Math.max(...r.results.map((x) => x.id.length)) + 2;
  const lines = [`posterm diag: profile ${r.profile ?? '?'}, ${r.mode}`, ''];
  for (const x of r.results) {
    const dur = `${x.durationMs.toFixed(0)} ms`.padStart(8);
    const what = x.result === 'skipped' ? `(${x.skippedBecause ?? ''})` : summary(x.evidence);
    lines.push(`${x.id.padEnd(idWidth)}${MARK[x.result]} ${dur}  ${what}`);
    if (x.hint) lines.push(`${' '.repeat(idWidth)}  -> ${x.hint[lang]}`);
  }
  const s = r.summary;
  lines.push('', `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

/** `--watch` takes an optional SECONDS: the next word when it is a number. */
function splitWatch(argv: string[]): { rest: string[]; watch?: string } {
  const rest: string[] = [];
  let watch: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--watch') {
      watch = /^\d+(\.\d+)?$/.test(argv[i + 1] ?? '') ? argv[++i] : '';
    } else if (a.startsWith('--watch=')) {
      watch = a.slice('--watch='.length);
    } else rest.push(a);
  }
  return { rest, watch };
}

function seconds(text: string, what: string): number {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0)
    throw new Error(`${what} must be a number of seconds above 0`);
  return Number(text);
}

async function runWatch(
  o: { profile?: string; json?: boolean; watch: string; interval?: string },
  io: CliIo,
): Promise<number> {
  let durationMs: number | undefined;
  let intervalMs = 1000;
  try {
    if (o.watch !== '') durationMs = seconds(o.watch, '--watch') * 1000;
    if (o.interval !== undefined) intervalMs = seconds(o.interval, '--interval') * 1000;
  } catch (e) {
    io.stderr.write(`posterm diag: ${(e as Error).message}\n`);
    return DiagExit.NotRun;
  }
  const { loadProfile } = await import('../profile/loadProfile.js');
  const { watchLinks } = await import('../diagnostics/watchLinks.js');
  const { WatchDisplay, formatWatchSummary } = await import('./diagWatch.js');
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const profile = loadProfile(o.profile ?? 'emulator');
    const tty = (io.stdout as NodeJS.WriteStream).isTTY === true;
    const display = new WatchDisplay(io.stdout, tty);
    if (!o.json) {
      display.header(
        `posterm diag --watch: profile ${profile.name}, every ${intervalMs / 1000} s${
          durationMs ? ` for ${durationMs / 1000} s` : ''
        }; Ctrl-C stops`,
      );
    }
    const summary = await watchLinks({
      profile,
      intervalMs,
      durationMs,
      signal: ac.signal,
      onRound: o.json ? undefined : (r) => display.round(r),
    });
    io.stdout.write(o.json ? `${JSON.stringify(summary, null, 2)}\n` : formatWatchSummary(summary));
    return summary.exitCode;
  } catch (e) {
    const what = isPosError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
    io.stderr.write(`posterm diag: could not run: ${what}\n`);
    return DiagExit.NotRun;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

const diag: CliCommand = {
  summary: 'field diagnostics: profile, reader, network, host, clock, journal (exit 0/1/2/3)',
  usage,
  async run(argv: string[], io: CliIo) {
    let values: {
      profile?: string;
      json?: boolean;
      lang?: string;
      interval?: string;
      bundle?: string;
      'log-file'?: string;
      card?: boolean;
    };
    let watch: string | undefined;
    try {
      const split = splitWatch(argv);
      watch = split.watch;
      values = parseArgs({
        args: split.rest,
        options: {
          profile: { type: 'string' },
          json: { type: 'boolean' },
          lang: { type: 'string' },
          interval: { type: 'string' },
          bundle: { type: 'string' },
          'log-file': { type: 'string' },
          card: { type: 'boolean' },
        },
      }).values;
    } catch (e) {
      io.stderr.write(`posterm diag: ${(e as Error).message}\n${usage}\n`);
      return DiagExit.NotRun;
    }
    const lang = values.lang ?? 'en';
    if (lang !== 'en' && lang !== 'zh') {
      io.stderr.write(`posterm diag: --lang must be en or zh\n`);
      return DiagExit.NotRun;
    }
    if (watch !== undefined && values.bundle !== undefined) {
      io.stderr.write(`posterm diag: --watch and --bundle are separate runs\n`);
      return DiagExit.NotRun;
    }
    if (watch !== undefined) return runWatch({ ...values, watch }, io);
    if (values.interval !== undefined) {
      io.stderr.write(`posterm diag: --interval goes with --watch\n`);
      return DiagExit.NotRun;
    }
    if (values['log-file'] !== undefined && values.bundle === undefined) {
      io.stderr.write(`posterm diag: --log-file goes with --bundle\n`);
      return DiagExit.NotRun;
    }
    let report: DiagReport;
    try {
      const { diagnose } = await import('../diagnostics/diagnose.js');
      report = await diagnose({
        profile: values.profile,
        card: values.card,
        onCardWait: (s) =>
          io.stderr.write(
            `host.mac: present a card on the reader within ${s} s / 请在 ${s} 秒内挥卡、插卡或刷卡\n`,
          ),
      });
    } catch (e) {
      const what = isPosError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
      io.stderr.write(`posterm diag: could not run: ${what}\n`);
      return DiagExit.NotRun;
    }
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, lang));
    if (values.bundle !== undefined) {
      try {
        const { writeSupportBundle } = await import('../diagnostics/supportBundle.js');
        const b = await writeSupportBundle({
          file: values.bundle,
          profile: values.profile ?? 'emulator',
          report,
          logFile: values['log-file'],
        });
        // on stderr with --json, so that stdout stays one JSON object
        (values.json ? io.stderr : io.stdout).write(
          `support bundle ${b.file} (${b.bytes} bytes: ${b.members.join(', ')})\nbundle id ${b.id}  <- read this id to support / 请将此编号告知技术支持\n`,
        );
      } catch (e) {
        const what = isPosError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
        io.stderr.write(`posterm diag: could not write the bundle: ${what}\n`);
        return DiagExit.NotRun;
      }
    }
    return report.exitCode;
  },
};

export default diag;
