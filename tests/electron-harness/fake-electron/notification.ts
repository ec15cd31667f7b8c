/**
 * Notification, from shell/browser/api/electron_api_notification.cc and docs/api/notification.md:
 * the JS object is a gin wrapper the native notification does not keep alive. If the app drops
 * its last reference, the object can be garbage-collected before the person clicks, and the
 * 'click' then reaches nobody (electron#12690, #16922). The model holds only a WeakRef; a test
 * click can run gc() first (the harness runs with --expose-gc).
 */
import { EventEmitter } from 'node:events';
import { app } from './app.ts';
import { onCommand, report } from './control.ts';
import { ElectronEvent } from './electron-event.ts';

interface Shown {
  ref: WeakRef<Notification>;
  title: string;
  body: string;
  actions: NotificationAction[];
}

/** docs/api/structures/notification-action.md: a button (macOS shows them; other platforms ignore them). */
export interface NotificationAction {
  type: 'button';
  text: string;
}

const shown = new Map<number, Shown>();
let nextId = 1;

export interface NotificationOptions {
  title?: string;
  body?: string;
  silent?: boolean;
  actions?: NotificationAction[];
  [key: string]: unknown;
}

export class Notification extends EventEmitter {
  title: string;
  body: string;
  silent: boolean;
  actions: NotificationAction[];

  constructor(options: NotificationOptions = {}) {
    super();
    if (!app.isReady()) throw new Error('Cannot create Notification before app is ready');
    this.title = options.title ?? '';
    this.body = options.body ?? '';
    this.silent = options.silent ?? false;
    this.actions = options.actions ?? [];
  }

  static isSupported(): boolean {
    return true;
  }

  show(): void {
    const id = nextId++;
    shown.set(id, { ref: new WeakRef(this), title: this.title, body: this.body, actions: this.actions });
    report('notification.shown', { id, title: this.title, body: this.body, actions: this.actions.map((action) => action.text) });
    queueMicrotask(() => this.emit('show', new ElectronEvent()));
  }

  close(): void {
    this.emit('close', new ElectronEvent());
  }
}

async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the harness must run with --expose-gc');
  // A WeakRef target survives until the end of the job that created/deref'ed it: let a few turns pass.
  for (let round = 0; round < 3; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

onCommand('notification.list', () => [...shown.entries()].map(([id, entry]) => ({ id, title: entry.title, body: entry.body, actions: entry.actions.map((action) => action.text) })));
/** A press of one of the notification's buttons: 'action' with its index (docs/api/notification.md, macOS). */
onCommand('notification.action', (args) => {
  const id = Number(args.id);
  const index = Number(args.index);
  const entry = shown.get(id);
  if (!entry) throw new Error(`no notification ${id} was shown`);
  if (!(index >= 0 && index < entry.actions.length)) throw new Error(`notification ${id} has no action ${index}`);
  const notification = entry.ref.deref();
  if (!notification) return { delivered: false };
  notification.emit('action', new ElectronEvent(), index);
  return { delivered: true };
});
onCommand('notification.click', async (args) => {
  const id = Number(args.id);
  const entry = shown.get(id);
  if (!entry) throw new Error(`no notification ${id} was shown`);
  if (args.gc !== false) await collect();
  const notification = entry.ref.deref();
  if (!notification) {
    report('notification.lost', { id });
    return { delivered: false };
  }
  notification.emit('click', new ElectronEvent());
  return { delivered: true };
});
