/**
 * `posterm settlement status|timeline|track`: where each sale's money is and why it was late
 * (issue 10 section 5), through the running runtime's control API like the other commands.
 */
import { PosError } from '../errors.js';
import type { CliCommand } from './command.js';
import { ExitCode } from './command.js';
import {
  formatSettlementStatus,
  formatSettlementTimeline,
  formatTrackReport,
  type Lang,
} from './settlementFormat.js';
import { parse, socketOf, withClient } from './txnCommands.js';

function langOf(v: unknown): Lang {
  if (v === undefined || v === 'en') return 'en';
  if (v === 'zh') return 'zh';
  throw new PosError('CLI_USAGE', `--lang must be zh or en, got '${String(v)}'`, { key: 'lang' });
}

export const settlement: CliCommand = {
  summary: "settlement tracking: each sale's way to the merchant's account, delays and their causes",
  usage: `posterm settlement status [--lang zh|en] [--json]      every sale tracked: masked card, amount (yuan), mode,
                                                   stage, expected and actual arrival, delay and main cause
posterm settlement timeline RRN [--lang zh|en] [--json]  one sale's timeline, delay segments, causes and remedies
posterm settlement track [--lang zh|en] [--json]       ask the host now (0800/951) about every sale not arrived
  common: [--profile NAME|FILE] [--socket PATH]. Times are the host's (the profile's timeZone, named
  in the output). Exit 1: status with a sale overdue, held, failed or unknown to the host; track
  with errors or the host unreachable.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { lang: { type: 'string' } });
    const lang = langOf(values.lang);
    const sub = positionals[0] ?? 'status';
    const socket = socketOf(values);
    const write = (json: unknown, text: string) =>
      io.stdout.write(values.json ? `${JSON.stringify(json)}\n` : text);
    if (sub === 'status') {
      const s = await withClient(socket, (c) => c.settlementStatus());
      write(s, formatSettlementStatus(s, lang));
      const bad = s.rows.some((r) => ['overdue', 'held', 'failed', 'unknown-to-host'].includes(r.stage));
      return bad ? ExitCode.Failed : ExitCode.Ok;
    }
    if (sub === 'timeline') {
      const rrn = positionals[1];
      if (!rrn || !/^[0-9A-Za-z]{12}$/.test(rrn))
        throw new PosError('CLI_USAGE', 'RRN must be 12 characters');
      const tl = await withClient(socket, (c) => c.settlementTimeline({ rrn }));
      write(tl, formatSettlementTimeline(tl, lang));
      return ExitCode.Ok;
    }
    if (sub === 'track') {
      const r = await withClient(socket, (c) => c.settlementTrack());
      write(r, formatTrackReport(r, lang));
      return r.errors.length === 0 && !r.unreachable ? ExitCode.Ok : ExitCode.Failed;
    }
    throw new PosError('CLI_USAGE', `unknown settlement command '${sub}' (status, timeline, track)`);
  },
};
