/**
 * `posterm report settlement`: the settlement report of the profile's journal (issue 11,
 * docs/reports.md) as an 80-column table, JSON, a protobuf stream or an HTML page.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isPosError, PosError } from '../errors.js';
import { loadProfile } from '../profile/loadProfile.js';
import type { SettlementReportRequest, SettlementReportResponse } from '../runtime/RuntimeApi.js';
import { settlementReportSource } from '../runtime/settlementReportSource.js';
import { buildSettlementReport, type ReportSelection } from '../settlement/report/buildSettlementReport.js';
import { renderReport } from '../settlement/report/renderReport.js';
import { REPORT_FORMATS, type ReportFormat } from '../settlement/report/reportFormat.js';
import type { ReportLang } from '../settlement/report/reportText.js';
import { type CliCommand, ExitCode } from './command.js';
import { withClient } from './txnCommands.js';

/**
 * The report from the runtime that holds the journal, when one answers on the socket; undefined
 * when none runs (the journal is then read directly).
 */
async function fromRuntime(
  socket: string,
  req: SettlementReportRequest,
): Promise<SettlementReportResponse | undefined> {
  try {
    return await withClient(socket, (c) => c.settlementReport(req, { timeoutMs: 120_000 }));
  } catch (e) {
    if (isPosError(e) && e.code === 'CONTROL_UNREACHABLE') return undefined;
    throw e;
  }
}

const usage = `usage: posterm report settlement [--from DATE --to DATE | --batch N]
         [--format table|json|protobuf|html] [--lang zh|en] [--out FILE] [--profile NAME|FILE]

The settlement report of the terminal's own sales: where the money is (arrived, in transit, held,
failed, unknown to the host), what needs action and its remedy, expected arrivals per day, delay
by cause, and one row per sale. Asks the runtime on the profile's control socket (or --socket)
when one runs; otherwise reads the profile's journal itself.
  --from, --to  host dates YYYY-MM-DD, inclusive (either may be left out)
  --batch N     the sales of one batch (6 digits)
  --format F    table (default; 80 columns), json (schema in docs/reports.md), protobuf
                (length-delimited ReportRecord stream, src/proto/posterm/v1/report.proto),
                html (one offline page with charts, prints on A4)
  --lang L      en (default) or zh
  --out FILE    write there instead of standard output
  --as-of TIME  report as known at this ISO 8601 time (default: now)
  --socket PATH the runtime's control socket (default: the profile's control.socket)`;

function usageError(message: string, key?: string): PosError {
  return new PosError('CLI_USAGE', message, key ? { key } : undefined);
}

export const report: CliCommand = {
  summary: 'settlement report (table, JSON, protobuf, HTML): arrivals, holds, causes, forecast',
  usage,
  async run(argv, io) {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          from: { type: 'string' },
          to: { type: 'string' },
          batch: { type: 'string' },
          format: { type: 'string', default: 'table' },
          lang: { type: 'string', default: 'en' },
          out: { type: 'string' },
          profile: { type: 'string', default: 'emulator' },
          socket: { type: 'string' },
          'as-of': { type: 'string' },
        },
      });
    } catch (e) {
      throw usageError((e as Error).message);
    }
    const v = parsed.values as Record<string, string | undefined>;
    if (parsed.positionals[0] !== 'settlement' || parsed.positionals.length > 1)
      throw usageError(`report what? only 'posterm report settlement' exists`);
    const format = v.format as ReportFormat;
    if (!REPORT_FORMATS.includes(format))
      throw usageError(`--format must be ${REPORT_FORMATS.join(', ')}`, 'format');
    if (v.lang !== 'en' && v.lang !== 'zh') throw usageError('--lang must be zh or en', 'lang');
    if (v.batch !== undefined && (v.from !== undefined || v.to !== undefined))
      throw usageError('give --from/--to or --batch, not both', 'batch');
    const asOf = v['as-of'] === undefined ? Date.now() : Date.parse(v['as-of']);
    if (Number.isNaN(asOf)) throw usageError(`--as-of '${v['as-of']}' is not an ISO 8601 time`, 'as-of');
    const selection: ReportSelection = {
      ...(v.from !== undefined ? { from: v.from } : {}),
      ...(v.to !== undefined ? { to: v.to } : {}),
      ...(v.batch !== undefined ? { batch: v.batch } : {}),
    };
    const profile = loadProfile(v.profile ?? 'emulator');
    const lang = v.lang as ReportLang;
    const socket = v.socket ?? profile.control.socket;
    const asked = socket
      ? await fromRuntime(socket, { format, lang, ...selection, asOf: new Date(asOf).toISOString() })
      : undefined;
    let body: Uint8Array;
    if (asked) body = asked.content;
    else {
      const source = settlementReportSource(profile, selection, asOf);
      if (!source.journalFound)
        io.stderr.write(`posterm report: profile ${profile.name} has no journal yet: the report is empty\n`);
      body = renderReport(buildSettlementReport(source.input), format, lang);
    }
    if (v.out !== undefined) writeFileSync(v.out, body);
    else io.stdout.write(body);
    return ExitCode.Ok;
  },
};
