/**
 * `posterm diag`: runs the field diagnostics (src/diagnostics/) and prints them as a table or
 * JSON. Exit codes: 0 all pass, 1 warnings, 2 a failure, 3 diag itself could not run (bad
 * usage included, so that 2 always means "a check failed").
 */
import { parseArgs } from 'node:util';
import type { DiagReport, DiagResult } from '../diagnostics/DiagResult.js';
import { isPosError } from '../errors.js';
import type { CliCommand, CliIo } from './command.js';

const usage = `usage: posterm diag [--profile NAME|FILE] [--json] [--lang en|zh]

Checks in order, each pass / warn / fail / skipped (with the failed check it needed), its
duration, what was measured and, when not a pass, what to do: profile and keys, the serial
port and the reader, DNS / TCP / TLS to each host endpoint, sign-on (key check values) and
echo test, the clock (against the host's time, NTP, time zone), the journal (integrity,
pending reversals, queue age, disk, key).

While the runtime runs (its control socket answers), the reader, host and journal facts come
from the runtime; diag opens neither the serial port nor the journal. The network checks
always run from diag itself.

  --profile P   terminal profile name or file (default emulator)
  --json        one JSON object (the report) instead of the table
  --lang L      hints in en (default) or zh

exit: 0 all pass, 1 warnings, 2 a failure, 3 diag could not run.
Not in this version: --watch (live link loss and round trips) and --bundle (support bundle).`;

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

export function formatReport(r: DiagReport, lang: 'en' | 'zh'): string {
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

const diag: CliCommand = {
  summary: 'field diagnostics: profile, reader, network, host, journal (exit 0/1/2/3)',
  usage,
  async run(argv: string[], io: CliIo) {
    let values: { profile?: string; json?: boolean; lang?: string };
    try {
      values = parseArgs({
        args: argv,
        options: { profile: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' } },
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
    let report: DiagReport;
    try {
      const { diagnose } = await import('../diagnostics/diagnose.js');
      report = await diagnose({ profile: values.profile });
    } catch (e) {
      const what = isPosError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
      io.stderr.write(`posterm diag: could not run: ${what}\n`);
      return DiagExit.NotRun;
    }
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, lang));
    return report.exitCode;
  },
};

export default diag;
