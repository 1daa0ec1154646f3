// An async queue: one side pushes while it reads, the worker pool iterates it (waiting when
// it is empty) until it is closed. It lets the pool start drawing before the input is read.
export class JobQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.closed) throw new Error('JobQueue: push after close');
    this.items.push(item);
    this.notify();
  }

  /** No more items: the iteration ends once the queue is drained. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head]!;
        // Drop what was taken, so a long run does not keep every job it has handed out.
        this.items[this.head++] = undefined as T;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        yield item;
      } else if (this.closed) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}
