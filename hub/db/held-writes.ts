/**
 * Rows held back until the end of a transaction and then written together (multi-row INSERTs,
 * set-based UPDATEs), so a run that touches ten thousand cases makes a few hundred statements
 * instead of ten thousand. A `WriteScope` owns the queues: it flushes them before the
 * commit, and a rollback (of the whole transaction or of a nested savepoint) drops what was held
 * since it began, so nothing held is written unless everything around it is.
 */
export class HeldWrites<T> {
  private items: T[] = [];

  /**
   * `write` writes what was held; `dropped`, when given, is told what is still held after a
   * rollback dropped the rest (to mend an index of the held items kept beside the queue).
   */
  constructor(
    private readonly owner: WriteScope,
    private readonly write: (items: T[]) => void,
    private readonly dropped?: (remaining: readonly T[]) => void,
  ) {
    owner.register(this);
  }

  hold(item: T): void {
    this.owner.assertOpen();
    this.items.push(item);
  }

  /** Writes what is held now (before a statement that must see it). */
  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.owner.flushed();
    this.write(items);
  }

  /** @internal */
  mark(): number {
    return this.items.length;
  }

  /** @internal */
  dropTo(mark: number): void {
    if (mark >= this.items.length) return;
    this.items.length = mark;
    this.dropped?.(this.items);
  }
}

/** What a scope needs of a queue, whatever it holds. */
interface Queue {
  flush(): void;
  mark(): number;
  dropTo(mark: number): void;
}

/**
 * The held writes of one connection. `run` is called inside a database transaction (or a
 * savepoint nested in one); when the outermost `run` is about to return, its queues are flushed in
 * the order they were registered, inside that transaction.
 *
 * A queue flushed inside a nested `run` writes rows held by the runs around it too; if that
 * nested run then fails, its savepoint takes those rows with it and nothing can hold them again.
 * The outermost run then fails rather than commit without them.
 */
export class WriteScope {
  private readonly queues: Queue[] = [];
  private depth = 0;
  private flushes = 0;
  /** Rows held by an outer run were rolled back with a nested one. */
  private lost = false;

  /** @internal */
  register(queue: Queue): void {
    this.queues.push(queue);
  }

  /** @internal */
  assertOpen(): void {
    if (this.depth === 0) throw new Error('a write was held outside a transaction; it would never be written');
  }

  /** @internal */
  flushed(): void {
    this.flushes++;
  }

  run<R>(work: () => R): R {
    const marks = this.queues.map((q) => q.mark());
    const flushes = this.flushes;
    if (this.depth === 0) this.lost = false;
    this.depth++;
    try {
      const result = work();
      if (this.depth === 1) {
        if (this.lost) throw new Error('writes held by this transaction were rolled back with a savepoint inside it; the transaction cannot commit without them');
        for (const q of this.queues) q.flush();
      }
      return result;
    } catch (err) {
      this.queues.forEach((q, i) => q.dropTo(marks[i]!));
      if (this.depth > 1 && this.flushes !== flushes) this.lost = true;
      throw err;
    } finally {
      this.depth--;
    }
  }
}
