/**
 * The one main window (WindowPort) over BrowserWindow: locked-down webPreferences, the app://
 * renderer, no navigation, no new windows (external links to the OS browser after the allow-list
 * check), permissions denied, Windows session-end hooks, and the size/position/maximised state
 * restored through electron-store.
 */
import { BrowserWindow, screen, shell, type Rectangle, type WebContents } from 'electron';
import Store from 'electron-store';
import type { WindowPort } from '../../core/ports.ts';
import type { PreventableEvent } from '../lifecycle/desktop-lifecycle.ts';
import { APP_ENTRY_URL, externalLinkTarget, isAppUrl } from '../window/web-policy.ts';

interface WindowState {
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { bounds: { width: 1200, height: 800 }, maximized: false };

export interface WindowManagerOptions {
  preloadPath: string;
  dataDir: string;
  /** The window's close button: 'hide' keeps it for the tray (DesktopLifecycle.onWindowClose). */
  onClose: (event: PreventableEvent) => 'hide' | 'close';
  /** Windows logoff/shutdown (`query-session-end`, `session-end`). */
  onSessionEnd: () => void;
  log: (message: string) => void;
}

function onSomeDisplay(bounds: WindowState['bounds']): boolean {
  if (bounds.x === undefined || bounds.y === undefined) return false;
  const rect: Rectangle = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
  return screen.getAllDisplays().some(({ workArea }) =>
    rect.x < workArea.x + workArea.width && rect.x + rect.width > workArea.x && rect.y < workArea.y + workArea.height && rect.y + rect.height > workArea.y);
}

export class WindowManager implements WindowPort {
  private readonly options: WindowManagerOptions;
  private readonly state: Store<WindowState>;
  private window: BrowserWindow | null = null;

  constructor(options: WindowManagerOptions) {
    this.options = options;
    this.state = new Store<WindowState>({
      name: 'window-state',
      cwd: options.dataDir,
      defaults: DEFAULT_STATE,
      clearInvalidConfig: true,
    });
  }

  /** The window's webContents, for the IPC sender check. */
  owns(contents: WebContents): boolean {
    return this.window !== null && !this.window.isDestroyed() && this.window.webContents.id === contents.id;
  }

  show(): void {
    const window = this.window && !this.window.isDestroyed() ? this.window : this.create();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  hide(): void {
    if (this.window && !this.window.isDestroyed()) this.window.hide();
  }

  isVisible(): boolean {
    return this.window !== null && !this.window.isDestroyed() && this.window.isVisible() && !this.window.isMinimized();
  }

  destroyAll(): void {
    for (const window of BrowserWindow.getAllWindows()) if (!window.isDestroyed()) window.destroy();
    this.window = null;
  }

  /** Sends a message to the page (used by the tray's New chat). */
  get webContents(): WebContents | null {
    return this.window && !this.window.isDestroyed() ? this.window.webContents : null;
  }

  private create(): BrowserWindow {
    const saved = this.savedState();
    const window = new BrowserWindow({
      ...(onSomeDisplay(saved.bounds) ? saved.bounds : { width: saved.bounds.width, height: saved.bounds.height }),
      minWidth: 480,
      minHeight: 360,
      show: false,
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
        spellcheck: true,
        // Middle-click would open links outside setWindowOpenHandler's reach in older Chromium.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    this.window = window;
    if (saved.maximized) window.maximize();
    window.once('ready-to-show', () => window.show());
    this.lockDown(window.webContents);

    window.on('close', (event) => {
      this.remember(window);
      this.options.onClose(event);
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    // Windows logoff/shutdown arrives per window; never prevent it (that would block the logoff).
    window.on('query-session-end', () => this.options.onSessionEnd());
    window.on('session-end', () => this.options.onSessionEnd());

    void window.loadURL(APP_ENTRY_URL).catch((error: Error) => this.options.log(`The window could not load: ${error.message}`));
    return window;
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

  private savedState(): WindowState {
    const bounds = this.state.get('bounds');
    const maximized = this.state.get('maximized');
    const valid = typeof bounds === 'object' && bounds !== null && Number.isFinite(bounds.width) && Number.isFinite(bounds.height);
    return { bounds: valid ? bounds : DEFAULT_STATE.bounds, maximized: maximized === true };
  }

  private remember(window: BrowserWindow): void {
    try {
      const maximized = window.isMaximized();
      // Normal bounds, so un-maximising after a restart goes back to the size the user chose.
      this.state.set({ bounds: window.getNormalBounds(), maximized });
    } catch (error) {
      this.options.log(`Could not save the window state: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
