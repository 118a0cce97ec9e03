/**
 * Terminal display width of text: East Asian wide and fullwidth characters (Chinese, fullwidth
 * punctuation such as ,;()) take two columns, combining marks and zero-width characters none,
 * everything else one (ambiguous-width characters count as narrow, as most terminals show them).
 * Pure; used by every table the CLI prints.
 */

/** [first, last] code points that take two columns (Unicode East_Asian_Width W and F). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid];
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

function isZeroWidth(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp < 0xa0) ||
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  );
}

/** Columns one code point takes: 0, 1 or 2. */
export function charWidth(cp: number): number {
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (isZeroWidth(cp)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Widths of short non-ASCII texts (labels repeat on every row of a table). */
const widthCache = new Map<string, number>();
const CACHE_MAX = 10_000;

export function displayWidth(text: string): number {
  const cached = widthCache.get(text);
  if (cached !== undefined) return cached;
  const w = measure(text);
  if (w !== text.length && text.length <= 32) {
    if (widthCache.size >= CACHE_MAX) widthCache.clear();
    widthCache.set(text, w);
  }
  return w;
}

function measure(text: string): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      w++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    w += charWidth(cp);
  }
  return w;
}

/** Cut to at most `width` columns; a cut text ends with '…'. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Pad on the right to `width` columns (cut first when longer, unless `cut` is false). */
export function padEndWidth(text: string, width: number, cut = true): string {
  const w = displayWidth(text);
  if (w <= width || !cut) return text + ' '.repeat(Math.max(0, width - w));
  const t = truncateToWidth(text, width);
  return t + ' '.repeat(Math.max(0, width - displayWidth(t)));
}

/** Pad on the left to `width` columns (cut first when longer, unless `cut` is false). */
export function padStartWidth(text: string, width: number, cut = true): string {
  const w = displayWidth(text);
  if (w <= width || !cut) return ' '.repeat(Math.max(0, width - w)) + text;
  const t = truncateToWidth(text, width);
  return ' '.repeat(Math.max(0, width - displayWidth(t))) + t;
}

/**
 * Lines of at most `width` columns: breaks at spaces, or between any two wide characters
 * (Chinese has no spaces); a word longer than a line is cut.
 */
export function wrapToWidth(text: string, width: number): string[] {
  const key = `${width}\u0000${text}`;
  let lines = wrapCache.get(key);
  if (!lines) {
    if (wrapCache.size >= CACHE_MAX) wrapCache.clear();
    lines = wrap(text, width);
    wrapCache.set(key, lines);
  }
  return [...lines];
}

/** Remedies and cause texts repeat on every item needing action. */
const wrapCache = new Map<string, string[]>();

function wrap(text: string, width: number): string[] {
  const tokens =
    text.match(
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe6f\uff00-\uffe6]|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe6f\uff00-\uffe6]+|\s+/gu,
    ) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const tok of tokens) {
    if (/^\s+$/.test(tok)) {
      if (line !== '') line += ' ';
      continue;
    }
    if (displayWidth(line + tok) > width && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = '';
    }
    line += displayWidth(tok) > width ? truncateToWidth(tok, width) : tok;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}
