import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADVICE_TRANSITIONS, TXN_TRANSITIONS, tableRows } from './transitionTable.js';

const doc = readFileSync(new URL('../../docs/journal.md', import.meta.url), 'utf8').split('\n');

/** The rows of the first `| from | call | to | notes |` table after a heading. */
function docTable(heading: string): string[] {
  const start = doc.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const header = doc.findIndex((l, i) => i > start && l.startsWith('| from | call | to | notes |'));
  const rows: string[] = [];
  for (let i = header + 2; i < doc.length && doc[i].startsWith('|'); i++) rows.push(doc[i]);
  return rows;
}

describe('docs/journal.md shows the transition table the model test uses', () => {
  it('transaction states', () => {
    expect(docTable('## Transaction states')).toEqual(tableRows(TXN_TRANSITIONS));
  });

  it('advice states', () => {
    expect(docTable('## Store-and-forward')).toEqual(tableRows(ADVICE_TRANSITIONS));
  });
});
