/**
 * The journal's own CPU cost per commit, without the disk: enqueues and purchases (begin, sent,
 * approved: three commits) on a tmpfs directory, where fsync costs next to nothing. Prints one
 * JSON line. Used to check that writing fewer pages did not cost CPU (docs/benchmarks.md).
 *
 *   npx tsx scripts/bench/journalCpu.ts [DIR]     (default /dev/shm)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/journal/index.js';
import { enqueueSample, SAMPLE_CARD, SAMPLE_FIELDS } from './sampleAdvice.js';

const dir = mkdtempSync(join(process.argv[2] ?? '/dev/shm', 'posterm-cpu-'));
const journal = Journal.open({ path: join(dir, 'journal.db'), key: randomBytes(32) });
try {
  for (let i = 0; i < 500; i++) enqueueSample(journal);
  let t = performance.now();
  for (let i = 0; i < 5000; i++) enqueueSample(journal);
  const enqueues = 5000 / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < 3000; i++) {
    const txn = journal.begin({
      kind: 'purchase',
      amountMinor: 1000,
      card: SAMPLE_CARD,
      fields: SAMPLE_FIELDS,
    });
    journal.markSent(txn.id);
    journal.recordAnswer(txn.id, { responseCode: '00', rrn: String(300_000_000_000 + i), authCode: 'A1' });
  }
  const purchases = 3000 / ((performance.now() - t) / 1000);
  console.log(
    JSON.stringify({
      enqueue_per_s: Math.round(enqueues),
      purchases_per_s: Math.round(purchases),
      dir: 'tmpfs',
    }),
  );
} finally {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
}
