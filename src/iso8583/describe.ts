/**
 * describe(): a human-readable view of a message, one line per field, card data masked unless
 * `reveal` is set. Never throws on odd values: it is used to print what went wrong.
 */
import type { Dialect } from './compileDialect.js';
import { isHex } from './encoding.js';
import { maskField } from './maskField.js';
import type { IsoMessage } from './message.js';
import { subfields } from './subfields.js';
import { parseTlv } from './tlv.js';

const NAME_WIDTH = 30;

function label(name: string, width: number): string {
  const dots = Math.max(2, width - name.length - 1);
  return `${name} ${'.'.repeat(dots)}`;
}

function tlvLines(dialect: Dialect, hex: string, reveal: boolean): { tags: string[]; lines: string[] } {
  const tags: string[] = [];
  const lines: string[] = [];
  if (!isHex(hex)) throw new Error('not hex');
  for (const t of parseTlv(Buffer.from(hex, 'hex'))) {
    tags.push(t.tag);
    if (reveal) {
      const name = dialect.tlvTags[t.tag] ?? 'tag';
      lines.push(
        `      ${t.tag.padEnd(4)} ${label(name, NAME_WIDTH - 7)}: ${t.value.toString('hex').toUpperCase()}`,
      );
    }
  }
  return { tags, lines };
}

export function describe(dialect: Dialect, msg: IsoMessage, opts: { reveal?: boolean } = {}): string {
  const reveal = opts.reveal === true;
  const out = [`MTI ${String(msg.mti)} (${dialect.name})`];
  const nums = Object.keys(msg.fields ?? {})
    .map(Number)
    .filter((n) => Number.isInteger(n) && msg.fields[n] !== undefined)
    .sort((a, b) => a - b);
  for (const n of nums) {
    const value = String(msg.fields[n]);
    const def = dialect.fields[n];
    const name = def?.name ?? '(not in dialect)';
    const head = `${String(n).padStart(3)} ${label(name, NAME_WIDTH)}: `;
    const extra: string[] = [];
    let shown = reveal ? value : maskField(dialect, n, value);
    if (def?.tlv) {
      try {
        const { tags, lines } = tlvLines(dialect, value, reveal);
        if (!reveal) shown += ` tags ${tags.join(' ')}`;
        extra.push(...lines);
      } catch {
        shown += ' (not valid TLV)';
      }
    }
    if (def?.subfields) {
      try {
        const parts = subfields(dialect, n, value);
        for (const s of def.subfields) {
          if (parts[s.id] !== undefined)
            extra.push(`      ${s.id} ${label(s.name, NAME_WIDTH - 7)}: ${parts[s.id]}`);
        }
        const rest = parts[`${n}.rest`];
        if (rest !== undefined)
          extra.push(`      ${n}.rest ${label('further digits', NAME_WIDTH - 10)}: ${rest}`);
      } catch {
        extra.push('      (does not split into subfields)');
      }
    }
    out.push(head + shown, ...extra);
  }
  return out.join('\n');
}
