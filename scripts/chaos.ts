/**
 * Chaos run of store-and-forward (issues 5 and 8): the runtime against the host simulator, a
 * stream of sales, network cuts and SIGKILLs at random (also at the crash points), restarts; the
 * journal's disk full at random moments, tills that vanish mid-sale, garbage on the control
 * socket, a second runtime started on the same journal; at the end the till's view, the journal
 * and the host's ledger must agree.
 *
 *   npm run chaos -- --kills N [--seed S] [--sales M] [--crash-points LIST]
 *     [--disk-full P] [--disk-full-ms N] [--vanish P] [--garbage P] [--second-runtime P]
 *     [--keep] [--quiet] [--help]
 *
 * Prints one JSON line with the counts (sales, approved_online, approved_offline, reversed,
 * kills, lost, duplicated, disk_full_episodes, vanished, garbage_connections,
 * second_runtimes_refused ...); exit status 1 when anything was lost, duplicated, left pending
 * or otherwise wrong.
 */
import { parseArgs } from 'node:util';
import { chaosFailed, DEFAULT_CRASH_POINTS, DEFAULT_FAULTS, runChaos } from '../test/integration/chaosRun.js';

const HELP = `npm run chaos -- [options]
  --kills N            SIGKILLs to reach at least (default 10)
  --sales M            sales to make at least (default max(30, 8 * kills))
  --seed S             seed of every random draw (default: random, printed)
  --crash-points LIST  POSTERM_CRASH_POINTS for the runtime (default ${DEFAULT_CRASH_POINTS})
  --disk-full P        per 100 ms in the runtime: a journal disk-full episode starts (default ${DEFAULT_FAULTS.diskFull}; 0: none)
  --disk-full-ms N     longest disk-full episode in ms (default ${DEFAULT_FAULTS.diskFullMs})
  --vanish P           per sale: the till sends it and vanishes (default ${DEFAULT_FAULTS.vanish})
  --garbage P          per 100 ms: a connection writes garbage to the control socket (default ${DEFAULT_FAULTS.garbage})
  --second-runtime P   per sale: a second runtime starts on the same journal (default ${DEFAULT_FAULTS.secondRuntime})
  --keep               keep the temp folder (journal, logs)
  --quiet              no progress lines on stderr
Prints one JSON line; exit status 1 when anything was lost, duplicated, pending or wrong.
`;

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '10' },
    seed: { type: 'string' },
    sales: { type: 'string' },
    'crash-points': { type: 'string', default: DEFAULT_CRASH_POINTS },
    'disk-full': { type: 'string' },
    'disk-full-ms': { type: 'string' },
    vanish: { type: 'string' },
    garbage: { type: 'string' },
    'second-runtime': { type: 'string' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const int = (text: string | undefined, name: string, min: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`chaos: --${name} must be a whole number >= ${min}\n`);
    process.exit(2);
  }
  return n;
};

const probability = (text: string | undefined, name: string): number | undefined => {
  if (text === undefined) return undefined;
  const p = Number(text);
  if (text.trim() === '' || !(p >= 0 && p <= 1)) {
    process.stderr.write(`chaos: --${name} must be a probability 0..1\n`);
    process.exit(2);
  }
  return p;
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
  diskFullProbability: probability(values['disk-full'], 'disk-full'),
  diskFullMaxMs: int(values['disk-full-ms'], 'disk-full-ms', 20),
  vanishProbability: probability(values.vanish, 'vanish'),
  garbageProbability: probability(values.garbage, 'garbage'),
  secondRuntimeProbability: probability(values['second-runtime'], 'second-runtime'),
  keepDir: values.keep,
  progress: values.quiet ? undefined : (line) => process.stderr.write(`chaos: ${line}\n`),
});
const { problems, ...counts } = report;
process.stdout.write(`${JSON.stringify({ ...counts, problems: problems.slice(0, 20) })}\n`);
process.exitCode = chaosFailed(report) ? 1 : 0;
