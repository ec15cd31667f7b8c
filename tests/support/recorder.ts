/**
 * The one way tests wait: record what happens, then wait for what is expected to be recorded.
 * Never a sleep and never a poll; a waiter is woken by the push that satisfies it.
 */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: Array<() => boolean> = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((settled) => !settled());
  };

  /** Everything recorded so far, in order (the name the scripted agents' tests read). */
  get all(): readonly T[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  /** The first item at or after position `from` that matches, waiting for it if needed. */
  waitFor(match: (item: T) => boolean, from?: number): Promise<T>;
  /** The matching items once there are at least `count` of them. */
  waitFor(count: number, filter?: (item: T) => boolean): Promise<T[]>;
  waitFor(first: number | ((item: T) => boolean), second?: number | ((item: T) => boolean)): Promise<T | T[]> {
    // Each item is shown to a waiter's predicate once, in order: tests may count in their predicate.
    if (typeof first === 'number') {
      const filter = typeof second === 'function' ? second : () => true;
      const matching: T[] = [];
      let next = 0;
      return this.until(() => {
        while (next < this.items.length) {
          const item = this.items[next++]!;
          if (filter(item)) matching.push(item);
        }
        return matching.length >= first ? { value: [...matching] } : undefined;
      });
    }
    let next = typeof second === 'number' ? second : 0;
    return this.until(() => {
      while (next < this.items.length) {
        const item = this.items[next++]!;
        if (first(item)) return { value: item };
      }
      return undefined;
    });
  }

  /** Waits for the next matching item after everything recorded so far. */
  next(match: (item: T) => boolean): Promise<T> {
    return this.waitFor(match, this.items.length);
  }

  count(match: (item: T) => boolean): number {
    return this.items.filter(match).length;
  }

  /**
   * Resolves with the value of the first answer of `ready`, asked now and after every push. The
   * value is resolved directly in the push that satisfies it: tests register their next listener
   * right after the await, before a transport delivers its next frame.
   */
  private until<R>(ready: () => { value: R } | undefined): Promise<R> {
    const now = ready();
    if (now !== undefined) return Promise.resolve(now.value);
    return new Promise((resolve) => {
      this.waiters.push(() => {
        const answer = ready();
        if (answer === undefined) return false;
        resolve(answer.value);
        return true;
      });
    });
  }
}
