/**
 * A till app's process for `npm run bench:start`: the exported client (`dist/client.js`, what
 * `import 'posterm/client'` loads) on one connection, in a process of its own, as a till app runs
 * it: it makes the sales through the socket, then the timed `status` calls. The benchmark forks it
 * with the control socket's path and an echo server's path. Messages from the benchmark:
 * - {call: 'status' | 'echo' | 'settle'}: one timed call, answered with its duration in ms.
 *   status is `client.status()`; echo sends the bytes of a status answer to the bare echo server
 *   and reads them back (the floor of a round trip between two Node processes on this machine,
 *   without posterm);
 * - {call: 'sales', n, warmup}: `warmup` untimed sales, then `n` timed ones, one at a time;
 *   answered {sold: k} after every 1,000 (the benchmark reads the runtime's RSS then), then
 *   {ms} for the `n`, or {error} at the first sale not approved.
 */
import { connect } from 'node:net';
import { PostermClient } from '../../dist/client.js';

const [socketPath, echoPath] = process.argv.slice(2);
const client = await PostermClient.connect(socketPath, { software: 'bench:start till' });
const echo = await new Promise((resolve, reject) => {
  const s = connect(echoPath, () => resolve(s));
  s.once('error', reject);
});
let echoWant = 0;
let echoDone;
echo.on('data', (chunk) => {
  echoWant -= chunk.length;
  if (echoWant <= 0) echoDone?.();
});
const echoBytes = Buffer.alloc(Number(process.env.BENCH_ECHO_BYTES ?? 330), 0x5a);

async function echoCall() {
  echoWant = echoBytes.length;
  const done = new Promise((r) => {
    echoDone = r;
  });
  echo.write(echoBytes);
  await done;
}

async function sales(n, warmup) {
  const sale = async (i) => {
    const r = await client.sale({ amountMinor: 100 + (i % 50) * 100 }, { timeoutMs: 30_000 });
    if (r.outcome !== 'approved') throw new Error(`sale ${i} not approved: ${JSON.stringify(r)}`);
  };
  for (let i = 0; i < warmup; i++) await sale(0);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await sale(i);
    if ((i + 1) % 1000 === 0) process.send({ sold: i + 1 });
  }
  return performance.now() - t0;
}

process.on('message', async (m) => {
  if (m === 'close') {
    await client.close();
    echo.end();
    process.disconnect();
    return;
  }
  if (m.call === 'sales') {
    try {
      process.send({ ms: await sales(m.n, m.warmup) });
    } catch (e) {
      process.send({ error: String(e?.message ?? e) });
    }
    return;
  }
  const t0 = performance.now();
  if (m.call === 'echo') await echoCall();
  else if (m.call === 'settle') await client.settle({ timeoutMs: 60_000 });
  else await client.status({ timeoutMs: 10_000 });
  process.send(performance.now() - t0);
});
// the benchmark gone (it failed or was stopped): do not linger on the runtime's socket
process.once('disconnect', () => process.exit(0));
process.send('ready');
