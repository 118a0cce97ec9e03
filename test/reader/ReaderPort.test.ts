import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { parseTcpPath, readerPortOpener } from '../../src/reader/ReaderPort.js';

describe('ReaderPort paths', () => {
  it('parses tcp://host:port', () => {
    expect(parseTcpPath('tcp://127.0.0.1:5700')).toEqual({ host: '127.0.0.1', port: 5700 });
    expect(parseTcpPath('tcp://reader.local:1/')).toEqual({ host: 'reader.local', port: 1 });
    expect(parseTcpPath('tcp://[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseTcpPath('tcp://host')).toBeUndefined();
    expect(parseTcpPath('tcp://host:70000')).toBeUndefined();
    expect(parseTcpPath('/dev/ttyUSB0')).toBeUndefined();
  });

  it('refuses a malformed tcp path with a coded error and opens nothing', () => {
    let err: unknown;
    try {
      readerPortOpener({ path: 'tcp://nope' });
    } catch (e) {
      err = e;
    }
    expect(isPosError(err, 'READER_BAD_PATH')).toBe(true);
  });

  it('a missing device gives READER_OPEN_FAILED', async () => {
    const open = readerPortOpener({
      path: '/dev/ttyNOPE',
      binding: {
        open: () => Promise.reject(Object.assign(new Error('no such file'), { code: 'ENOENT' })),
      },
    });
    let err: unknown;
    try {
      await open({ onData: () => {}, onClose: () => {} });
    } catch (e) {
      err = e;
    }
    expect(isPosError(err, 'READER_OPEN_FAILED')).toBe(true);
    expect((err as Error).message).toContain('ENOENT');
  });
});
