/**
 * A queue of received chunks that hands out byte ranges without re-concatenating what it holds:
 * a range inside one chunk is a zero-copy view, a range across chunks is copied once.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private offset = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.offset = 0;
    this.total = 0;
  }

  /** Byte at position `index` from the start (caller guarantees index < length). */
  byteAt(index: number): number {
    let i = index + this.offset;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError(`byteAt(${index}) past the end of ${this.total} bytes`);
  }

  /** The first `n` bytes, without consuming them (caller guarantees n <= length). */
  peek(n: number): Buffer {
    const head = this.chunks[0];
    if (head !== undefined && head.length - this.offset >= n) {
      return head.subarray(this.offset, this.offset + n);
    }
    return this.copyOut(n);
  }

  /** Removes and returns the first `n` bytes (caller guarantees n <= length). */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Drops the first `n` bytes. */
  skip(n: number): void {
    let left = Math.min(n, this.total);
    this.total -= left;
    while (left > 0) {
      const head = this.chunks[0]!;
      const avail = head.length - this.offset;
      if (avail > left) {
        this.offset += left;
        return;
      }
      left -= avail;
      this.chunks.shift();
      this.offset = 0;
    }
  }

  /**
   * Position of the first occurrence of `pattern` at or after `from`, or -1. Finds patterns that
   * straddle chunk boundaries.
   */
  indexOf(pattern: Buffer, from = 0): number {
    let base = 0; // position of the current chunk's first readable byte
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const start = c === 0 ? this.offset : 0;
      const len = chunk.length - start;
      const localFrom = Math.max(0, from - base);
      if (localFrom < len) {
        const hit = chunk.indexOf(pattern, start + localFrom);
        if (hit >= 0) return base + hit - start;
        // A match that begins in this chunk and ends in a later one.
        const tailStart = Math.max(start + localFrom, chunk.length - pattern.length + 1);
        for (let p = tailStart; p < chunk.length; p++) {
          const pos = base + p - start;
          if (pos + pattern.length <= this.total && this.matchesAt(pattern, pos)) return pos;
        }
      }
      base += len;
    }
    return -1;
  }

  private matchesAt(pattern: Buffer, pos: number): boolean {
    for (let k = 0; k < pattern.length; k++) if (this.byteAt(pos + k) !== pattern[k]) return false;
    return true;
  }

  private copyOut(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    let offset = this.offset;
    for (const chunk of this.chunks) {
      const piece = Math.min(chunk.length - offset, n - written);
      chunk.copy(out, written, offset, offset + piece);
      written += piece;
      offset = 0;
      if (written === n) break;
    }
    // Keep the merged bytes as the new head so later peeks of the same range are free.
    this.skipChunksCovering(n, out);
    return out;
  }

  private skipChunksCovering(n: number, merged: Buffer): void {
    let left = n;
    while (left > 0) {
      const head = this.chunks[0]!;
      const avail = head.length - this.offset;
      if (avail > left) {
        // The offset only applies to the head chunk, and `merged` is about to become the head:
        // cut the merged bytes off this chunk instead, or they would be read twice.
        this.chunks[0] = head.subarray(this.offset + left);
        break;
      }
      left -= avail;
      this.chunks.shift();
      this.offset = 0;
    }
    this.chunks.unshift(merged);
    this.offset = 0;
  }
}
