/**
 * The workload ioTrace.ts runs under strace: a fixed number of journal operations between
 * markers written to /dev/null (`posterm-io:<label>` starts counting under that label,
 * `posterm-io:-` stops), so the trace can be cut into what each operation wrote and synced.
 *
 *   node --import tsx scripts/bench/ioProbe.ts enqueue|purchase|till-purchase|steps DIR N [SIM_PORT]
 */
import { randomBytes } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/journal/index.js';
import { startOnlineRig } from './onlineRig.js';
import { enqueueSample, SAMPLE_CARD, SAMPLE_FIELDS } from './sampleAdvice.js';

const WARMUP = 100;
const devNull = openSync('/dev/null', 'w');
const mark = (label: string) => writeSync(devNull, `posterm-io:${label}`);

async function main(): Promise<void> {
  const [mode, dir, nArg, portArg] = process.argv.slice(2);
  const n = Number(nArg);
  if (!dir || !Number.isInteger(n) || n < 1)
    throw new Error('usage: ioProbe enqueue|purchase|till-purchase|steps DIR N [PORT]');
  if (mode === 'enqueue') {
    const journal = Journal.open({ path: join(dir, 'journal.db'), key: randomBytes(32) });
    for (let i = 0; i < WARMUP; i++) enqueueSample(journal);
    mark('op');
    for (let i = 0; i < n; i++) enqueueSample(journal);
    mark('-');
    journal.close();
  } else if (mode === 'purchase' || mode === 'till-purchase') {
    const rig = await startOnlineRig(Number(portArg), dir);
    const till = (i: number) => (mode === 'till-purchase' ? `till-${i}` : undefined);
    for (let i = 0; i < WARMUP; i++) await rig.purchase(i, till(i));
    mark('op');
    for (let i = 0; i < n; i++) await rig.purchase(i, till(WARMUP + i));
    mark('-');
    await rig.stop();
  } else if (mode === 'steps') {
    // a purchase's three commits through the journal API alone, each under its own label
    const journal = Journal.open({ path: join(dir, 'journal.db'), key: randomBytes(32) });
    const fields = { ...SAMPLE_FIELDS, 3: '000000', 42: '123456789012345', 49: '156' };
    for (let i = 0; i < WARMUP + n; i++) {
      const on = i >= WARMUP;
      if (on) mark('begin');
      const t = journal.begin({ kind: 'purchase', amountMinor: 1000, card: SAMPLE_CARD, fields });
      if (on) mark('markSent');
      journal.markSent(t.id);
      if (on) mark('recordAnswer');
      journal.recordAnswer(t.id, {
        responseCode: '00',
        rrn: String(100_000_000_000 + i),
        authCode: '123456',
      });
      if (on) mark('-');
    }
    journal.close();
  } else {
    throw new Error(`unknown probe mode ${mode}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
