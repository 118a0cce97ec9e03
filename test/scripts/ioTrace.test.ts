import { describe, expect, it } from 'vitest';
import { parseStraceIo, perOperation } from '../../scripts/bench/ioTrace.js';

const DB = '/tmp/x/journal.db';
// strace -f -y output: markers on /dev/null, the journal's writes and syncs, other files ignored
const TRACE = `
100 write(21</dev/null>, "posterm-io:op", 13) = 13
100 pwrite64(22</tmp/x/journal.db-wal>, "\\0\\0\\0\\2"..., 24, 32) = 24
100 pwrite64(22</tmp/x/journal.db-wal>, "\\r\\0\\0\\0"..., 1024, 56) = 1024
100 fdatasync(22</tmp/x/journal.db-wal>) = 0
101 pwrite64(23</tmp/x/journal.db>, "\\r\\0"..., 1024, 4096 <unfinished ...>
102 write(1<pipe:[99]>, "x", 1) = 1
101 <... pwrite64 resumed>) = 1024
100 fsync(23</tmp/x/journal.db>) = 0
100 ftruncate(23</tmp/x/journal.db>, 8192) = 0
100 pwrite64(24</tmp/x/other.db-wal>, "a"..., 1024, 0) = 1024
100 write(21</dev/null>, "posterm-io:-", 12) = 12
100 pwrite64(22</tmp/x/journal.db-wal>, "\\0"..., 1048, 0) = 1048
100 write(21</dev/null>, "posterm-io:next", 15) = 15
100 pwrite64(22</tmp/x/journal.db-wal>, "\\0"..., 1048, 0) = -1 ENOSPC (No space left on device)
100 fsync(25</tmp/x>) = 0
`;

describe('parseStraceIo', () => {
  it('counts WAL and database bytes, syncs and resizes per marker label, only on the journal', () => {
    expect(parseStraceIo(TRACE, DB)).toEqual({
      op: { walBytes: 1048, walWrites: 2, dbBytes: 1024, dbWrites: 1, syncs: 2, resizes: 1 },
      next: { walBytes: 0, walWrites: 0, dbBytes: 0, dbWrites: 0, syncs: 1, resizes: 0 },
    });
  });

  it('gives per-operation figures and a year at 500 a day', () => {
    const f = perOperation(
      { walBytes: 2000, walWrites: 4, dbBytes: 500, dbWrites: 1, syncs: 3, resizes: 0 },
      2,
    );
    expect(f).toEqual({
      fsyncs: 1.5,
      walBytes: 1000,
      walWrites: 2,
      dbBytesPer1000: 250_000,
      bytesPerYearAt500PerDay: 1250 * 500 * 365,
      fsyncsPerYearAt500PerDay: 1.5 * 500 * 365,
    });
  });
});
