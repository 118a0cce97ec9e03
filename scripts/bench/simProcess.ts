/** The host simulator in a process of its own (as a real host would be), for benchmarks. */
import { spawn } from 'node:child_process';

export async function startSimProcess(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'host-sim', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += String(c);
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]).port);
    });
    child.once('exit', () => reject(new Error('host-sim exited before it listened')));
  });
  child.stdout!.resume();
  return { port, stop: () => child.kill('SIGTERM') };
}
