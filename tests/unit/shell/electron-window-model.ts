/**
 * Electron's BrowserWindow as far as the window manager uses it, written from Electron's docs
 * (base-window.md, browser-window.md): a `show: false` window stays hidden until `show()`;
 * `maximize()` also shows it; `destroy()` emits no `close`, only `closed`. Used through
 * `vi.mock('electron')` (the only module tests may replace).
 */
import { EventEmitter } from 'node:events';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly session = { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} };
  setWindowOpenHandler(): void {}
  reloads = 0;
  reload(): void {
    this.reloads += 1;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  visible: boolean;
  maximized = false;
  destroyed = false;
  bounds: Rect;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    this.bounds = { x: (options.x as number) ?? 0, y: (options.y as number) ?? 0, width: options.width as number, height: options.height as number };
    this.visible = options.show !== false;
    FakeBrowserWindow.all.push(this);
  }
  /** Every address loaded, in order. */
  readonly loaded: string[] = [];
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  maximize(): void {
    this.maximized = true;
    this.visible = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  /** The user drags or resizes the window. */
  userSetsBounds(bounds: Rect): void {
    this.bounds = bounds;
    this.emit('resize');
    this.emit('move');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

export const electronWindowModule = {
  BrowserWindow: FakeBrowserWindow,
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  shell: { openExternal: () => Promise.resolve() },
};
