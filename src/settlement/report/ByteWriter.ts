/**
 * Output written as UTF-8 bytes into one buffer that grows by doubling: the report formats that
 * are large for 100,000 sales (JSON, the table's rows) write into it directly, with no string per
 * row and no join of 100,000 strings.
 */
export class ByteWriter {
  protected buf: Buffer;
  protected len = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }

  /** Makes room for n more bytes. */
  protected room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.len + n, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    this.room(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** ASCII text (keys, punctuation, digits, names of the code's own enums). */
  raw(s: string): void {
    this.room(s.length);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** Bytes made once and written many times (a padded label). */
  put(bytes: Uint8Array): void {
    this.room(bytes.length);
    const b = this.buf;
    let p = this.len;
    // A loop beats Buffer#set for the few bytes of a cell.
    for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i];
    this.len = p;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.len++] = c;
  }

  /** n copies of one byte (padding). */
  fill(c: number, n: number): void {
    this.room(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.len++] = c;
  }

  /** The decimal digits of a safe non-negative integer. */
  digits(n: number): void {
    this.room(16);
    const b = this.buf;
    let p = this.len + ByteWriter.digitCount(n);
    this.len = p;
    let v = n;
    do {
      b[--p] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** Number of bytes digits(n) writes. */
  static digitCount(n: number): number {
    let count = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) count++;
    return count;
  }

  /** Drops the spaces at the end, back to `from` at most (String#trimEnd of a line of ASCII padding). */
  trimSpaces(from: number): void {
    while (this.len > from && this.buf[this.len - 1] === 0x20) this.len--;
  }

  get length(): number {
    return this.len;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** Bytes of a text made once per key (a padded label, a quoted name) and written many times. */
export class BytesOf<K> {
  private readonly map = new Map<K, Buffer>();
  constructor(private readonly make: (key: K) => string) {}
  get(key: K): Buffer {
    let b = this.map.get(key);
    if (b === undefined) {
      b = Buffer.from(this.make(key));
      this.map.set(key, b);
    }
    return b;
  }
}
