/** docs/diagnostics.md (the page a technician prints) lists every check id and every hint in both languages. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkIds } from '../../src/diagnostics/diagnose.js';
import { HINTS } from '../../src/diagnostics/hints.js';

const doc = readFileSync(new URL('../../docs/diagnostics.md', import.meta.url), 'utf8');

describe('docs/diagnostics.md', () => {
  it('names every check id', () => {
    for (const id of checkIds(['primary'])) {
      const shown = id.replace(/^host\.primary\.(tcp|tls)$/, 'host.*.$1');
      expect(doc, id).toContain(`\`${shown}\``);
    }
    expect(doc).toContain('`host.backup.dns`');
  });

  it('gives every hint in English and Chinese', () => {
    for (const [id, h] of Object.entries(HINTS)) {
      expect(doc, id).toContain(`| \`${id}\` | ${h.en} | ${h.zh} |`);
    }
  });
});
