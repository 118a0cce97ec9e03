/**
 * The machine's floor for a round trip between two freshly started Node processes, with no
 * posterm code: a bare echo server (echoServer.mjs) in a process of its own and this process
 * sending it 330 bytes (a `status` answer's size) and reading them back, one at a time, CALLS
 * times. Prints one JSON line: p50/p99 of the first half (cold: both processes still compiling
 * their paths) and of the second half (warm). Read beside bench:start's status figures.
 *
 *   node scripts/bench/echoCold.mjs [CALLS]   (default 4000)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const calls = Number(process.argv[2] ?? 4000);
const dir = mkdtempSync(join(tmpdir(), 'posterm-echo-'));
const path = join(dir, 'echo.sock');
const server = spawn(
  process.execPath,
  [join(dirname(fileURLToPath(import.meta.url)), 'echoServer.mjs'), path],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise((res, rej) => {
  server.stdout.once('data', res);
  server.once('exit', () => rej(new Error('the echo server exited before it listened')));
});
const socket = await new Promise((res, rej) => {
  const s = connect(path, () => res(s));
  s.once('error', rej);
});
const bytes = Buffer.alloc(330, 0x5a);
let want = 0;
let done;
socket.on('data', (chunk) => {
  want -= chunk.length;
  if (want <= 0) done();
});
const ms = [];
for (let i = 0; i < calls; i++) {
  want = bytes.length;
  const answered = new Promise((r) => {
    done = r;
  });
  const t0 = performance.now();
  socket.write(bytes);
  await answered;
  ms.push(performance.now() - t0);
}
socket.end();
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 1000) / 1000;
};
const half = calls >> 1;
console.log(
  JSON.stringify({
    calls,
    cold_p50_ms: pct(ms.slice(0, half), 50),
    cold_p99_ms: pct(ms.slice(0, half), 99),
    warm_p50_ms: pct(ms.slice(half), 50),
    warm_p99_ms: pct(ms.slice(half), 99),
    all_p99_ms: pct(ms, 99),
    node: process.version,
  }),
);
