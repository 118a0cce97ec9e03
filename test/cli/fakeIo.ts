/** Fake CLI streams for calling main() in tests. */
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';

export interface FakeIo extends CliIo {
  out(): string;
  err(): string;
}

export function fakeIo(stdinText = ''): FakeIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => outChunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  return {
    stdout,
    stderr,
    stdin: Readable.from([Buffer.from(stdinText)]),
    out: () => Buffer.concat(outChunks).toString('utf8'),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}
