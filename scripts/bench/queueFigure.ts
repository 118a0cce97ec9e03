/** The shape of one figure of `npm run bench:queue` (shared by its figure modules). */
export interface BenchContext {
  /** a fresh scratch directory on the disk under test */
  dir: string;
  /** how long each figure should run */
  durationMs: number;
}

/** One measured figure: returns the JSON fields it contributes. */
export type QueueFigure = (ctx: BenchContext) => Promise<Record<string, number | string>>;
