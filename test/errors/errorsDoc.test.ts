/** docs/errors.md is generated from the catalogue (npm run docs:errors) and must not drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../../scripts/errors-doc.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import { RESPONSE_CODE_TEXT } from '../../src/iso8583/views/cupPosResponseCodes.js';

describe('docs/errors.md', () => {
  const doc = renderErrorsDoc();

  it('is what npm run docs:errors writes (run it after changing src/errors/codes.ts)', () => {
    expect(readFileSync(ERRORS_DOC_PATH, 'utf8')).toBe(doc);
  });

  it('has a section per code with its meaning and action in both languages', () => {
    for (const [code, e] of Object.entries(ERROR_CODES) as [ErrorCode, (typeof ERROR_CODES)[ErrorCode]][]) {
      const at = doc.indexOf(`\n### ${code}\n`);
      expect(at, code).toBeGreaterThan(0);
      const section = doc.slice(at, doc.indexOf('\n#', at + 1));
      for (const text of [e.en, e.zh, e.action.en, e.action.zh]) expect(section, code).toContain(text);
    }
  });

  it('lists the field 39 response codes from their one table', () => {
    for (const [rc, t] of Object.entries(RESPONSE_CODE_TEXT)) {
      expect(doc).toContain(`| \`${rc}\` | ${t.en} | ${t.zh} |`);
    }
  });
});
