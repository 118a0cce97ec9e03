/**
 * The live display of `posterm diag --watch`: on a terminal (TTY) a few lines, one per host row,
 * redrawn in place each round; otherwise (a dumb terminal, a pipe, a log) one plain line per
 * round. The summary at the end is a small table.
 */
import type { WatchRound, WatchRow, WatchSummary } from '../diagnostics/watchLinks.js';

const n = (x: number | null) => (x === null ? '-' : x.toFixed(1));

export function formatWatchRow(r: WatchRow, nameWidth = 8): string {
  const s = r.stats;
  const state = s.up === null ? '' : s.up ? 'UP' : 'DOWN';
  return [
    r.name.padEnd(nameWidth),
    `${r.probe.padEnd(7)}`,
    `sent ${String(s.sent).padStart(4)}`,
    `lost ${String(s.lost).padStart(4)} ${`${s.lossPct.toFixed(1)}%`.padStart(6)}`,
    `rtt last/p50/p99 ${n(s.lastMs)}/${n(s.p50Ms)}/${n(s.p99Ms)} ms`,
    `jitter ${n(s.jitterMs)} ms`,
    `flaps ${s.flaps}`,
    state,
  ].join('  ');
}

/** One line for a round (non-TTY): each row's probe of this round. */
export function formatRoundLine(r: WatchRound): string {
  const parts = r.probes.map(
    (p) => `${p.row} ${p.ok ? `${(p.ms ?? 0).toFixed(1)} ms` : `LOST (${p.cause})`}`,
  );
  const loss = r.rows.map((x) => `${x.name} loss ${x.stats.lossPct.toFixed(1)}%`).join(', ');
  return `round ${r.n}: ${parts.join(' | ')}  [${loss}]`;
}

export class WatchDisplay {
  private drawn = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
  ) {}

  header(text: string): void {
    this.out.write(`${text}\n`);
  }

  round(r: WatchRound): void {
    if (!this.tty) {
      this.out.write(`${formatRoundLine(r)}\n`);
      return;
    }
    const width = Math.max(8, ...r.rows.map((x) => x.name.length + 1));
    const lines = [`round ${r.n}`, ...r.rows.map((x) => formatWatchRow(x, width))];
    // back to the first line drawn last time, then each line cleared and drawn again
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const l of lines) text += `\x1b[2K${l}\n`;
    this.out.write(text);
    this.drawn = lines.length;
  }
}

export function formatWatchSummary(s: WatchSummary): string {
  const lines = [
    '',
    `watch summary: ${s.rounds} rounds in ${s.elapsedS.toFixed(1)} s (every ${(s.intervalMs / 1000).toFixed(1)} s), ${s.mode}`,
  ];
  if (s.signOn) {
    lines.push(
      s.signOn.result === 'pass'
        ? 'sign-on: ok (echo probes over it)'
        : `sign-on: FAILED (${s.signOn.code ?? ''} ${s.signOn.cause ?? ''}): no echo probes`.replace(
            /\s+\)/,
            ')',
          ),
    );
  }
  const width = Math.max(8, ...s.rows.map((x) => x.name.length + 1));
  for (const r of s.rows) {
    lines.push(formatWatchRow(r, width));
    lines.push(`${' '.repeat(width)}  ${r.target}`);
    const lost = Object.entries(r.lostBy);
    if (lost.length > 0)
      lines.push(`${' '.repeat(width)}  lost by cause: ${lost.map(([c, k]) => `${c} ${k}`).join(', ')}`);
  }
  lines.push(`exit ${s.exitCode}: ${s.exitCode === 0 ? 'nothing lost' : 'a probe failed'}`);
  return `${lines.join('\n')}\n`;
}
