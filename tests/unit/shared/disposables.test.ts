import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DisposableStore } from '../../../shared/disposables.ts';

describe('DisposableStore (issue 9: explicit disposal)', () => {
  it('undoes everything once, newest first', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(() => order.push('a'));
    store.add({ dispose: () => order.push('b') });
    store.dispose();
    store.dispose();
    expect(order).toEqual(['b', 'a']);
    expect(store.isDisposed).toBe(true);
  });

  it('removes the listeners it added and disposes late additions at once', () => {
    const emitter = new EventEmitter();
    const store = new DisposableStore();
    let calls = 0;
    store.on(emitter, 'ping', () => calls++);
    emitter.emit('ping');
    store.dispose();
    emitter.emit('ping');
    expect(calls).toBe(1);
    expect(emitter.listenerCount('ping')).toBe(0);
    let late = false;
    store.add(() => (late = true));
    expect(late).toBe(true);
  });

  it('runs every disposer even when some throw, then reports all failures', () => {
    const store = new DisposableStore();
    let ran = false;
    store.add(() => (ran = true));
    store.add(() => {
      throw new Error('one');
    });
    store.add(() => {
      throw new Error('two');
    });
    expect(() => store.dispose()).toThrow(AggregateError);
    expect(ran).toBe(true);
  });
});
