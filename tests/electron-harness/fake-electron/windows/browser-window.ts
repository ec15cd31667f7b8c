/**
 * BrowserWindow (docs/api/browser-window.md, base-window.md; shell/browser/native_window.cc,
 * native_window_views.cc, api/electron_api_base_window.cc, window_list.cc).
 *
 * - Constructing one before `app` is ready throws, as Electron does.
 * - close(): 'close' (preventable: a prevented close leaves the window and counts as a cancelled
 *   close, which cancels a running app.quit — NativeWindow::NotifyWindowCloseButtonClicked →
 *   WindowList::WindowCloseCancelled), then the page's beforeunload, then 'closed'.
 *   `tryClose()` is the same, returning synchronously whether 'close' went through, for the
 *   fake app's quit().
 * - destroy(): no 'close' and no beforeunload, 'closed' at once (NativeWindow::CloseImmediately).
 * - show/hide/minimize/restore/maximize/unmaximize/setBounds keep the state Electron reports and
 *   emit its events; maximize() also shows a hidden window (as on Linux and Windows). Bounds are
 *   clamped to minWidth/minHeight; the page's viewport follows the content size.
 * - 'ready-to-show' after the page's first contentful paint, only while the window is not shown
 *   (electron_api_browser_window.cc: DidFirstVisuallyNonEmptyPaint returns early when visible).
 */
import { EventEmitter } from 'node:events';

/**
 * The fake `app` (../app.ts imports this layer, so a static import back would make the result
 * depend on which module loads first); it is long loaded when a window can be constructed.
 */
let app: { emit(event: string, ...args: unknown[]): boolean } | null = null;
void import('../app.ts').then((module) => {
  app = module.app;
});
import { registry } from './registry.ts';
import { screen, type Rectangle } from './screen.ts';
import { WebContents, type WebPreferences } from './web-contents.ts';

export interface BrowserWindowOptions {
  x?: number; y?: number; width?: number; height?: number;
  minWidth?: number; minHeight?: number; maxWidth?: number; maxHeight?: number;
  show?: boolean; title?: string; center?: boolean; resizable?: boolean;
  webPreferences?: WebPreferences;
  [key: string]: unknown;
}

let nextWindowId = 1;

class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class BrowserWindow extends EventEmitter {
  readonly id: number;
  readonly webContents: WebContents;
  private visible = false;
  private minimized = false;
  private maximized = false;
  private fullScreen = false;
  private destroyed = false;
  private closing = false;
  private bounds: Rectangle;
  private normalBounds: Rectangle;
  private readonly minSize: { width: number; height: number };
  private title: string;
  private readyToShowSent = false;

  constructor(options: BrowserWindowOptions = {}) {
    if (!registry.appReady) throw new Error('Cannot create BrowserWindow before app is ready');
    super();
    this.id = nextWindowId++;
    this.title = options.title ?? 'Electron';
    this.minSize = { width: options.minWidth ?? 0, height: options.minHeight ?? 0 };
    const width = Math.max(options.width ?? 800, this.minSize.width);
    const height = Math.max(options.height ?? 600, this.minSize.height);
    const area = screen.getPrimaryDisplay().workArea;
    const placed = options.x !== undefined && options.y !== undefined;
    this.bounds = {
      x: placed ? options.x! : area.x + Math.round((area.width - width) / 2),
      y: placed ? options.y! : area.y + Math.round((area.height - height) / 2),
      width, height,
    };
    this.normalBounds = { ...this.bounds };
    this.webContents = new WebContents(options.webPreferences ?? {}, () => ({ width: this.bounds.width, height: this.bounds.height }));
    this.webContents.on('harness-first-paint', () => {
      // Electron emits ready-to-show (on the next tick) only for a window not shown yet.
      if (this.destroyed || this.visible) return;
      setImmediate(() => {
        if (this.destroyed) return;
        this.readyToShowSent = true;
        registry.record('window.ready-to-show', { windowId: this.id, visible: this.visible });
        this.emit('ready-to-show', new PreventableEvent());
      });
    });
    this.webContents.on('destroyed', () => {
      // The page went away under the window (renderer gone for good, or closed by Chromium).
      if (!this.destroyed) this.finishClose();
    });
    registry.windows.push(this);
    const { webPreferences, ...rest } = options;
    registry.record('window.created', { windowId: this.id, options: JSON.parse(JSON.stringify(rest)) as unknown, webPreferences: JSON.parse(JSON.stringify(webPreferences ?? {})) as unknown, bounds: { ...this.bounds } });
    this.webContents.session.windowCreated(webPreferences ?? {});
    // api/electron_api_web_contents.cc / electron_api_browser_window.cc: the app hears of both.
    app?.emit('web-contents-created', new PreventableEvent(), this.webContents);
    app?.emit('browser-window-created', new PreventableEvent(), this);
    registry.emit('window-created', this);
    registry.changed();
    if (options.show !== false) this.show();
  }

  static getAllWindows(): BrowserWindow[] {
    return (registry.windows as unknown as BrowserWindow[]).filter((window) => !window.isDestroyed());
  }

  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((window) => window.isVisible() && !window.isMinimized()) ?? null;
  }

  static fromWebContents(contents: WebContents): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((window) => window.webContents === contents) ?? null;
  }

  static fromId(id: number): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((window) => window.id === id) ?? null;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
  }

  // ── closing ──

  close(): void {
    this.assertAlive();
    this.tryClose();
  }

  /**
   * 'close' then, if not prevented, beforeunload and 'closed'. Returns false when 'close' was
   * prevented (the window stays; registry emits 'close-cancelled' for app.quit). A beforeunload
   * that keeps the page also cancels, later: registry emits 'close-cancelled' then.
   */
  tryClose(): boolean {
    if (this.destroyed) return true;
    if (this.closing) return true;
    const event = new PreventableEvent();
    this.emit('close', event);
    registry.record('window.close', { windowId: this.id, prevented: event.defaultPrevented });
    if (event.defaultPrevented) {
      registry.emit('close-cancelled', this);
      return false;
    }
    this.closing = true;
    void this.webContents.runBeforeUnload().then((proceed) => {
      this.closing = false;
      if (this.destroyed) return;
      if (!proceed) {
        registry.emit('close-cancelled', this);
        return;
      }
      this.finishClose();
    });
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.finishClose();
  }

  private finishClose(): void {
    this.destroyed = true;
    this.visible = false;
    void this.webContents.destroyPage();
    const index = registry.windows.indexOf(this);
    if (index >= 0) registry.windows.splice(index, 1);
    this.emit('closed');
    registry.record('window.closed', { windowId: this.id });
    registry.emit('window-closed', this);
    registry.changed();
    if (registry.windows.length === 0) registry.emit('all-windows-closed');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  // ── visibility ──

  show(): void {
    this.assertAlive();
    const wasVisible = this.visible;
    this.visible = true;
    if (this.minimized) this.restore();
    this.webContents.focus();
    if (!wasVisible) {
      registry.record('window.show', { windowId: this.id, readyToShow: this.readyToShowSent });
      this.emit('show');
      this.emit('focus');
    }
  }

  showInactive(): void {
    this.assertAlive();
    if (this.visible) return;
    this.visible = true;
    registry.record('window.show', { windowId: this.id, readyToShow: this.readyToShowSent });
    this.emit('show');
  }

  hide(): void {
    this.assertAlive();
    if (!this.visible) return;
    this.visible = false;
    registry.record('window.hide', { windowId: this.id });
    this.emit('blur');
    this.emit('hide');
  }

  isVisible(): boolean {
    return !this.destroyed && this.visible;
  }

  focus(): void {
    this.assertAlive();
    if (!this.visible) this.show();
    this.webContents.focus();
    this.emit('focus');
  }

  blur(): void {
    this.emit('blur');
  }

  isFocused(): boolean {
    return this.isVisible() && !this.minimized;
  }

  minimize(): void {
    this.assertAlive();
    if (this.minimized) return;
    this.minimized = true;
    // Minimizing a hidden window shows it minimized (it is then on the taskbar).
    if (!this.visible) registry.record('window.show', { windowId: this.id, readyToShow: this.readyToShowSent, minimized: true });
    this.visible = true;
    this.emit('minimize');
    registry.changed();
  }

  restore(): void {
    this.assertAlive();
    const wasMinimized = this.minimized;
    this.minimized = false;
    if (!this.visible) registry.record('window.show', { windowId: this.id, readyToShow: this.readyToShowSent, restored: true });
    this.visible = true;
    if (wasMinimized) this.emit('restore');
    registry.changed();
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  maximize(): void {
    this.assertAlive();
    if (!this.maximized) {
      this.normalBounds = { ...this.bounds };
      this.maximized = true;
      this.applyBounds(screen.getDisplayMatching(this.bounds).workArea, false);
      this.emit('maximize');
    }
    // Maximizing a hidden window shows it (NativeWindowViews::Maximize on Linux and Windows).
    if (!this.visible) this.show();
    registry.changed();
  }

  unmaximize(): void {
    this.assertAlive();
    if (!this.maximized) return;
    this.maximized = false;
    this.applyBounds(this.normalBounds, false);
    this.emit('unmaximize');
    registry.changed();
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  setFullScreen(flag: boolean): void {
    this.fullScreen = flag;
    this.emit(flag ? 'enter-full-screen' : 'leave-full-screen');
  }

  isFullScreen(): boolean {
    return this.fullScreen;
  }

  isNormal(): boolean {
    return !this.minimized && !this.maximized && !this.fullScreen;
  }

  // ── geometry ──

  getBounds(): Rectangle {
    return { ...this.bounds };
  }

  getContentBounds(): Rectangle {
    return { ...this.bounds };
  }

  getNormalBounds(): Rectangle {
    return this.isNormal() ? { ...this.bounds } : { ...this.normalBounds };
  }

  getSize(): [number, number] {
    return [this.bounds.width, this.bounds.height];
  }

  getPosition(): [number, number] {
    return [this.bounds.x, this.bounds.y];
  }

  setBounds(bounds: Partial<Rectangle>): void {
    this.assertAlive();
    const next = { ...this.bounds, ...bounds };
    if (this.maximized) {
      this.maximized = false;
      this.emit('unmaximize');
    }
    this.applyBounds(next, true);
    this.normalBounds = { ...this.bounds };
  }

  setSize(width: number, height: number): void {
    this.setBounds({ width, height });
  }

  setPosition(x: number, y: number): void {
    this.setBounds({ x, y });
  }

  setContentBounds(bounds: Partial<Rectangle>): void {
    this.setBounds(bounds);
  }

  center(): void {
    const area = screen.getDisplayMatching(this.bounds).workArea;
    this.setBounds({ x: area.x + Math.round((area.width - this.bounds.width) / 2), y: area.y + Math.round((area.height - this.bounds.height) / 2) });
  }

  setMinimumSize(width: number, height: number): void {
    this.minSize.width = width;
    this.minSize.height = height;
    this.applyBounds(this.bounds, true);
  }

  getMinimumSize(): [number, number] {
    return [this.minSize.width, this.minSize.height];
  }

  private applyBounds(requested: Rectangle, userResize: boolean): void {
    const next = {
      x: Math.round(requested.x), y: Math.round(requested.y),
      width: Math.max(Math.round(requested.width), this.minSize.width),
      height: Math.max(Math.round(requested.height), this.minSize.height),
    };
    const moved = next.x !== this.bounds.x || next.y !== this.bounds.y;
    const resized = next.width !== this.bounds.width || next.height !== this.bounds.height;
    this.bounds = next;
    if (resized) {
      this.webContents.resizeViewport({ width: next.width, height: next.height });
      if (userResize) this.emit('will-resize', new PreventableEvent(), { ...next }, { edge: 'bottom-right' });
      this.emit('resize');
      if (userResize) this.emit('resized');
    }
    if (moved) {
      this.emit('move');
      if (userResize) this.emit('moved');
    }
    registry.changed();
  }

  // ── misc ──

  setTitle(title: string): void {
    this.title = title;
  }

  getTitle(): string {
    return this.title;
  }

  setMenu(_menu: unknown): void {}
  removeMenu(): void {}
  setMenuBarVisibility(_visible: boolean): void {}
  setAutoHideMenuBar(_hide: boolean): void {}
  setSkipTaskbar(_skip: boolean): void {}
  setProgressBar(_progress: number): void {}
  flashFrame(_flag: boolean): void {}
  setIcon(_icon: unknown): void {}
  setBackgroundColor(_color: string): void {}
  setAlwaysOnTop(_flag: boolean): void {}
  moveTop(): void {}

  async loadURL(url: string, options?: unknown): Promise<void> {
    return this.webContents.loadURL(url, options);
  }

  async loadFile(file: string): Promise<void> {
    return this.webContents.loadFile(file);
  }

  /**
   * What a person does to the window through the window manager (harness commands): drag or
   * resize it (will-resize, resize, resized / move, moved — the app hears it like a user action),
   * press its close button (the same 'close' path as close()), minimize it.
   */
  userSetBounds(bounds: Partial<Rectangle>): void {
    this.assertAlive();
    if (this.maximized) this.unmaximize();
    this.applyBounds({ ...this.bounds, ...bounds }, true);
    this.normalBounds = { ...this.bounds };
  }

  /** For the windows info file (windows-client.ts). */
  describe(): {
    id: number; webContentsId: number; targetId: string | null; url: string; visible: boolean; minimized: boolean; maximized: boolean;
    bounds: Rectangle; destroyed: boolean;
  } {
    return {
      id: this.id, webContentsId: this.webContents.id, targetId: this.webContents.targetId, url: this.webContents.getURL(),
      visible: this.visible, minimized: this.minimized, maximized: this.maximized, bounds: { ...this.bounds }, destroyed: this.destroyed,
    };
  }
}
