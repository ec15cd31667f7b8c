/**
 * Explicit disposal (issue 9, item 7), in the spirit of VS Code's DisposableStore: whoever adds a
 * listener, timer or subscription registers how to undo it here, and one `dispose()` undoes all of
 * them, newest first, exactly once. A failing disposer never stops the others; failures are
 * reported together after every disposer ran.
 */

/** Anything that can be undone: a function (what `on(...)` helpers return) or an object with dispose(). */
export type Disposable = (() => void) | { dispose(): void };

export class DisposableStore {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `item` for the next dispose(); an item added after dispose() is disposed at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      run(item);
      return item;
    }
    this.items.push(item);
    return item;
  }

  /** Adds `listener` to an EventEmitter-like `target` and keeps its removal. */
  on<A extends unknown[]>(
    target: { on(event: string, listener: (...args: A) => void): unknown; off(event: string, listener: (...args: A) => void): unknown },
    event: string,
    listener: (...args: A) => void,
  ): void {
    target.on(event, listener);
    this.add(() => void target.off(event, listener));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        run(item);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposers failed`);
  }
}

function run(item: Disposable): void {
  if (typeof item === 'function') item();
  else item.dispose();
}
