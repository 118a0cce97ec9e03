/**
 * The first `k` items in `order`, as `[...items].sort(order).slice(0, k)` gives them (equal items
 * keep their order), in one pass: a report needs the 10 or 40 first of 100,000 rows, and a full
 * sort of them costs more than building them.
 */
export function firstInOrder<T>(items: Iterable<T>, k: number, order: (a: T, b: T) => number): T[] {
  const top: T[] = [];
  if (k <= 0) return top;
  for (const x of items) {
    if (top.length === k && order(x, top[k - 1]) >= 0) continue;
    let i = top.length;
    while (i > 0 && order(x, top[i - 1]) < 0) i--;
    top.splice(i, 0, x);
    if (top.length > k) top.pop();
  }
  return top;
}
