/**
 * A till app's process for `npm run bench:start`: the exported client (`dist/client.js`, what
 * `import 'posterm/client'` loads) on one connection, in a process of its own, as a till app runs
 * it. The benchmark forks it with the control socket's path and an echo server's path; each
 * message {call: 'status' | 'echo'} is one timed call, answered with its duration in ms:
 * - status: `client.status()`;
 * - echo: the bytes of a status answer sent to the bare echo server and read back (the floor of
 *   a round trip between two Node processes on this machine, without posterm).
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

process.on('message', async (m) => {
  if (m === 'close') {
    await client.close();
    echo.end();
    process.disconnect();
    return;
  }
  const t0 = performance.now();
  if (m.call === 'echo') await echoCall();
  else await client.status({ timeoutMs: 10_000 });
  process.send(performance.now() - t0);
});
process.send('ready');
