/**
 * Issue 8 finding 12: a notification click after a garbage collection still opens the window.
 * `electron` is replaced by a Notification model: an EventEmitter that, like Electron's, is
 * referenced only weakly while on screen (the model keeps a WeakRef, never the object).
 */
import { EventEmitter } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';

const model = vi.hoisted(() => ({ lastShown: null as WeakRef<object> | null }));

vi.mock('electron', () => ({
  Notification: class extends EventEmitter {
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      model.lastShown = new WeakRef(this);
    }
  },
}));

const { Notifier } = await import('../../../electron/shell/adapters/notifier.ts');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Lets the current job end (WeakRef targets stay alive until then), then collects. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

describe('notifications (L20, L29)', () => {
  it('a shown notification survives a garbage collection, and its click still opens the window', async () => {
    const notifier = new Notifier(() => {});
    let opened = 0;
    notifier.notify({ title: 'Refactor', body: 'The agent finished its turn.' }, () => void opened++);
    await collect();
    const notification = model.lastShown?.deref() as EventEmitter | undefined;
    expect(notification).toBeDefined();
    notification!.emit('click');
    expect(opened).toBe(1);
    expect(notifier.pending).toBe(0);
  });

  it('a closed notification is let go', () => {
    const notifier = new Notifier(() => {});
    notifier.notify({ title: 't', body: 'b' }, () => {});
    expect(notifier.pending).toBe(1);
    (model.lastShown?.deref() as EventEmitter).emit('close');
    expect(notifier.pending).toBe(0);
  });
});
