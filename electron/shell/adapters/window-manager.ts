/**
 * The one main window (WindowPort) over BrowserWindow: locked-down webPreferences, the app://
 * renderer, no navigation, no new windows (external links to the OS browser after the allow-list
 * check), permissions denied, Windows session-end hooks, and the size/position/maximised state
 * kept across launches (saved as it changes, and before every way the window goes away: close,
 * destroy for a restart or update, and app.exit, which emit no 'close').
 */
import { BrowserWindow, screen, shell, type Rectangle, type WebContents } from 'electron';
import type { WindowPort } from '../../core/ports.ts';
import type { PreventableEvent } from '../lifecycle/desktop-lifecycle.ts';
import { APP_ENTRY_URL, externalLinkTarget, isAppUrl } from '../window/web-policy.ts';
import { spellcheckEnabled, windowBackground, type WindowState, type WindowStateStorage } from '../window/window-state.ts';
import { describeError } from '../../../shared/errors.ts';

/** Resizing and moving fire many events: the state is written once they settle. */
export const WINDOW_STATE_SAVE_DELAY_MS = 500;
/** A page that never paints (a failed load) must not leave Baton without a window. */
export const SHOW_FALLBACK_MS = 3_000;

export interface WindowManagerOptions {
  preloadPath: string;
  /** Where the size, position and maximised state are kept (./window-state-store.ts). */
  state: WindowStateStorage;
  platform: NodeJS.Platform;
  /** Whether the OS prefers dark colours (nativeTheme.shouldUseDarkColors), for the first paint. */
  prefersDark: () => boolean;
  /** The window's close button: 'hide' keeps it for the tray (DesktopLifecycle.onWindowClose). */
  onClose: (event: PreventableEvent) => 'hide' | 'close';
  /** Windows `query-session-end`: may hold the session end while turns run (DesktopLifecycle). */
  onQueryEndSession: (event: PreventableEvent) => void;
  /** Windows `session-end`: the process is killed once the handlers return. */
  onSessionEnd: () => void;
  saveDelayMs?: number;
  showFallbackMs?: number;
  log: (message: string) => void;
}

function onSomeDisplay(bounds: WindowState['bounds']): boolean {
  if (bounds.x === undefined || bounds.y === undefined) return false;
  const rect: Rectangle = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
  return screen.getAllDisplays().some(({ workArea }) =>
    rect.x < workArea.x + workArea.width && rect.x + rect.width > workArea.x && rect.y < workArea.y + workArea.height && rect.y + rect.height > workArea.y);
}

/** How often a crashed page is reloaded within a minute before Baton stops trying. */
const RENDERER_RELOADS_PER_MINUTE = 3;

export class WindowManager implements WindowPort {
  private readonly options: WindowManagerOptions;
  private window: BrowserWindow | null = null;
  /** Shown once it has painted (`ready-to-show`), so there is no white flash. */
  private ready = false;
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(options: WindowManagerOptions) {
    this.options = options;
  }

  /** The window's webContents, for the IPC sender check. */
  owns(contents: WebContents): boolean {
    return this.window !== null && !this.window.isDestroyed() && this.window.webContents.id === contents.id;
  }

  /**
   * Shows the window, creating it when there is none. `openLane` (issue 10): the conversation a
   * new page opens first, given in its address (`#open=<laneKey>`); a page already there is told
   * over its gateway port instead (main.ts). True when a new window was created.
   */
  show(openLane?: string): boolean {
    const existing = this.window && !this.window.isDestroyed() ? this.window : null;
    const window = existing ?? this.create(openLane);
    // A window still loading is shown by its ready-to-show handler.
    if (!this.ready) return existing === null;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return existing === null;
  }

  hide(): void {
    if (this.window && !this.window.isDestroyed()) this.window.hide();
  }

  isVisible(): boolean {
    return this.window !== null && !this.window.isDestroyed() && this.window.isVisible() && !this.window.isMinimized();
  }

  /** Restart, update and forced exits destroy windows without 'close': save their state first. */
  destroyAll(): void {
    if (this.window && !this.window.isDestroyed()) this.remember(this.window);
    this.cancelSave();
    for (const window of BrowserWindow.getAllWindows()) if (!window.isDestroyed()) window.destroy();
    this.window = null;
  }

  /** Writes the current state now (before app.exit, which destroys windows without events). */
  saveState(): void {
    this.cancelSave();
    if (this.window && !this.window.isDestroyed()) this.remember(this.window);
  }

  /** Sends a message to the page (used by the tray's New chat). */
  /**
   * A renderer that crashed or was killed (out of memory, a GPU fault, the OS) leaves a blank
   * window, and Electron does not reload it by itself. The page reconnects to the gateway and shows
   * the same conversation, and what the person typed waits in the outbox (L32). A renderer that
   * keeps dying is not reloaded in a loop: after RENDERER_RELOADS_PER_MINUTE it is left as it is.
   */
  private reloadWhenRendererGone(window: BrowserWindow): void {
    const recent: number[] = [];
    window.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit' || window.isDestroyed()) return;
      const now = Date.now();
      while (recent.length > 0 && now - recent[0]! > 60_000) recent.shift();
      recent.push(now);
      if (recent.length > RENDERER_RELOADS_PER_MINUTE) {
        this.options.log(`The window's page stopped again (${details.reason}); not reloading it in a loop.`);
        return;
      }
      this.options.log(`The window's page stopped (${details.reason}); reloading it.`);
      window.webContents.reload();
    });
  }

  get webContents(): WebContents | null {
    return this.window && !this.window.isDestroyed() ? this.window.webContents : null;
  }

  private create(openLane?: string): BrowserWindow {
    const saved = this.options.state.load();
    const window = new BrowserWindow({
      ...(onSomeDisplay(saved.bounds) ? saved.bounds : { width: saved.bounds.width, height: saved.bounds.height }),
      minWidth: 480,
      minHeight: 360,
      show: false,
      backgroundColor: windowBackground(this.options.prefersDark()),
      title: 'Baton',
      webPreferences: {
        preload: this.options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: spellcheckEnabled(this.options.platform),
        // Middle-click would open links outside setWindowOpenHandler's reach in older Chromium.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    this.window = window;
    this.ready = false;
    const reveal = () => {
      clearTimeout(fallback);
      if (this.ready || this.window !== window || window.isDestroyed()) return;
      this.ready = true;
      // maximize() also shows the window, so it waits for the first paint too.
      if (saved.maximized) window.maximize();
      window.show();
      window.focus();
    };
    const fallback = setTimeout(reveal, this.options.showFallbackMs ?? SHOW_FALLBACK_MS);
    fallback.unref();
    window.once('ready-to-show', reveal);
    window.webContents.once('did-fail-load', reveal);
    this.lockDown(window.webContents);
    this.reloadWhenRendererGone(window);

    const saveSoon = () => this.scheduleSave(window);
    window.on('resize', saveSoon);
    window.on('move', saveSoon);
    window.on('maximize', saveSoon);
    window.on('unmaximize', saveSoon);
    window.on('close', (event) => {
      this.cancelSave();
      this.remember(window);
      this.options.onClose(event);
    });
    window.on('closed', () => {
      if (this.window === window) {
        this.window = null;
        this.ready = false;
      }
    });
    // Windows logoff/shutdown arrives per window (DesktopLifecycle decides whether to hold it).
    window.on('query-session-end', (event) => this.options.onQueryEndSession(event));
    window.on('session-end', () => {
      this.saveState();
      this.options.onSessionEnd();
    });

    const entry = openLane === undefined ? APP_ENTRY_URL : `${APP_ENTRY_URL}#open=${encodeURIComponent(openLane)}`;
    void window.loadURL(entry).catch((error: Error) => this.options.log(`The window could not load: ${error.message}`));
    return window;
  }

  private scheduleSave(window: BrowserWindow): void {
    this.cancelSave();
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      if (!window.isDestroyed()) this.remember(window);
    }, this.options.saveDelayMs ?? WINDOW_STATE_SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private cancelSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  /** R4: the page can neither navigate nor open windows; links leave for the OS browser. */
  private lockDown(contents: WebContents): void {
    const openExternally = (url: string) => {
      const target = externalLinkTarget(url);
      if (target === null) {
        this.options.log(`Blocked a link to ${url.slice(0, 200)}`);
        return;
      }
      void shell.openExternal(target).catch((error: Error) => this.options.log(`Could not open ${target}: ${error.message}`));
    };
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url)) return;
      event.preventDefault();
      openExternally(url);
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.session.setPermissionRequestHandler((_contents, permission, callback) => {
      this.options.log(`Denied a permission request: ${permission}`);
      callback(false);
    });
    contents.session.setPermissionCheckHandler(() => false);
  }

  private remember(window: BrowserWindow): void {
    try {
      // Normal bounds, so un-maximising after a restart goes back to the size the user chose.
      this.options.state.save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      this.options.log(`Could not save the window state: ${describeError(error)}`);
    }
  }
}
