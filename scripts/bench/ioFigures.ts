/**
 * The I/O figures bench:queue and bench:online print beside their rates (see ioTrace.ts): per
 * operation fsyncs and WAL bytes, checkpoint bytes into the main database per 1,000 operations,
 * and the bytes and fsyncs of a year at 500 sales a day.
 */
import { perOperation, straceAvailable, traceProbe } from './ioTrace.js';
import { startSimProcess } from './simProcess.js';

/** Operations traced: enough for several checkpoints (one per 1,000 WAL frames by default). */
export const IO_OPS = 2000;

const MISSING = 'strace not installed (apt-get install strace): I/O figures left out';

export function enqueueIoFigures(): Record<string, number | string> {
  if (!straceAvailable()) return missing();
  const f = perOperation(traceProbe('enqueue', IO_OPS).op, IO_OPS);
  return {
    fsyncs_per_enqueue: f.fsyncs,
    wal_bytes_per_enqueue: f.walBytes,
    db_bytes_per_1000_enqueues: f.dbBytesPer1000,
    enqueue_bytes_per_year_at_500_per_day: f.bytesPerYearAt500PerDay,
  };
}

/** Each traced run gets a host simulator of its own, which has seen none of its STANs. */
export async function purchaseIoFigures(): Promise<Record<string, number | string>> {
  if (!straceAvailable()) return missing();
  const purchase = await withFreshSim((port) => traceProbe('purchase', IO_OPS, { simPort: port }));
  const tillPurchase = await withFreshSim((port) => traceProbe('till-purchase', IO_OPS, { simPort: port }));
  const f = perOperation(purchase.op, IO_OPS);
  const till = perOperation(tillPurchase.op, IO_OPS);
  const steps = traceProbe('steps', IO_OPS);
  const out: Record<string, number | string> = {
    fsyncs_per_purchase: f.fsyncs,
    wal_bytes_per_purchase: f.walBytes,
    db_bytes_per_1000_purchases: f.dbBytesPer1000,
    purchase_bytes_per_year_at_500_per_day: f.bytesPerYearAt500PerDay,
    fsyncs_per_year_at_500_per_day: f.fsyncsPerYearAt500PerDay,
    // as a till sends it (till id: the answer is stored with the sale, a fourth commit)
    fsyncs_per_till_purchase: till.fsyncs,
    wal_bytes_per_till_purchase: till.walBytes,
    db_bytes_per_1000_till_purchases: till.dbBytesPer1000,
    till_purchase_bytes_per_year_at_500_per_day: till.bytesPerYearAt500PerDay,
  };
  for (const step of ['begin', 'markSent', 'recordAnswer']) {
    if (steps[step]) out[`wal_bytes_${step}`] = perOperation(steps[step], IO_OPS).walBytes;
  }
  return out;
}

async function withFreshSim<T>(fn: (port: number) => T): Promise<T> {
  const sim = await startSimProcess();
  try {
    return fn(sim.port);
  } finally {
    sim.stop();
  }
}

function missing(): Record<string, string> {
  process.stderr.write(`${MISSING}\n`);
  return { io: MISSING };
}
