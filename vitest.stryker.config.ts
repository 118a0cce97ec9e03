/**
 * The test set StrykerJS runs against each mutant (npm run mutate; stryker.config.json): the unit
 * tests of the money paths, in one worker without isolation. Stryker's vitest runner forces
 * `pool: 'threads'`; a fresh worker per file that loads better-sqlite3 aborts the process on exit,
 * so isolation is off. Integration tests are left out: they run the runtime in child processes,
 * where no mutant is active. The report's Chromium test is left out: it takes about 10 s per
 * mutant it covers, and the report (presentation) is outside the mutation scope. `timeZone.test.ts`
 * holds the tests of src/txn/localTime.ts (fields 12/13).
 */
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/txn/**/*.test.ts',
      'test/journal/**/*.test.ts',
      'test/host/**/*.test.ts',
      'test/iso8583/**/*.test.ts',
      'test/settlement/**/*.test.ts',
      'test/emulator/simCrypto.test.ts',
      'test/timeZone.test.ts',
    ],
    exclude: [
      ...configDefaults.exclude,
      'test/settlement/report/reportHtmlBrowser.test.ts',
      // mocks better-sqlite3 (vi.mock), which modules shared between files (isolate: false) ignore
      'test/journal/openIoError.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 20_000,
    isolate: false,
    poolOptions: { threads: { isolate: false } },
  },
});
