/**
 * Chaos run of store-and-forward (issue 5): the runtime against the host simulator, a stream
 * of sales, network cuts and SIGKILLs at random (also at the crash points), restarts; at the end
 * the till's view, the journal and the host's ledger must agree.
 *
 *   npm run chaos -- --kills N [--seed S] [--sales M] [--crash-points LIST] [--keep] [--quiet]
 *
 * Prints one JSON line with the counts (sales, approved_online, approved_offline, reversed,
 * kills, lost, duplicated, ...); exit status 1 when anything was lost, duplicated, left pending
 * or otherwise wrong.
 */
import { parseArgs } from 'node:util';
import { chaosFailed, DEFAULT_CRASH_POINTS, runChaos } from '../test/integration/chaosRun.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '10' },
    seed: { type: 'string' },
    sales: { type: 'string' },
    'crash-points': { type: 'string', default: DEFAULT_CRASH_POINTS },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const int = (text: string | undefined, name: string, min: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`chaos: --${name} must be a whole number >= ${min}\n`);
    process.exit(2);
  }
  return n;
};

const kills = int(values.kills, 'kills', 0)!;
const seed = int(values.seed, 'seed', 0) ?? Math.floor(Math.random() * 1_000_000);
const sales = int(values.sales, 'sales', 1) ?? Math.max(30, kills * 8);
if (!values.quiet) process.stderr.write(`chaos: seed ${seed}, at least ${kills} kills and ${sales} sales\n`);

const report = await runChaos({
  kills,
  sales,
  seed,
  crashPoints: values['crash-points'],
  keepDir: values.keep,
  progress: values.quiet ? undefined : (line) => process.stderr.write(`chaos: ${line}\n`),
});
const { problems, ...counts } = report;
process.stdout.write(`${JSON.stringify({ ...counts, problems: problems.slice(0, 20) })}\n`);
process.exitCode = chaosFailed(report) ? 1 : 0;
