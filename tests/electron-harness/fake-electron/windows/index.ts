/**
 * The windows layer of the fake `electron` (H2): BrowserWindow and webContents backed by real
 * Chromium pages, protocol, session, ipcMain, MessageChannelMain, shell, screen.
 *
 * Interface with the rest of the fake (H1's app):
 * - `windowsRuntime.setAppReady(true)` when `app` emits ready (BrowserWindow, protocol.handle and
 *   session need it; protocol.registerSchemesAsPrivileged refuses it).
 * - `windowsRuntime.allWindows()` for app.quit()/exit(): each window's `tryClose(): boolean`
 *   (false = 'close' prevented → the quit is cancelled) or `destroy()`.
 * - `windowsRuntime.events`: 'close-cancelled' (window) when a close is cancelled later (the
 *   page's beforeunload kept it), 'window-closed' (window), 'all-windows-closed' (for
 *   app's window-all-closed), 'window-created' (window), 'record' (record), 'changed'.
 * - `windowsRuntime.whenAllClosed()` resolves once no window is left.
 * - `windowsRuntime.info()` is what a test needs to attach (CDP endpoint, windows and their CDP
 *   target ids, records); also written to $BATON_HARNESS_WINDOWS_FILE on every change.
 * - `windowsRuntime.shutdown()` closes Chromium; call it before the process exits.
 */
import { onCommand } from '../control.ts';
import { BrowserWindow } from './browser-window.ts';
import { chromiumContext, shutdownChromium } from './chromium-host.ts';
import { ipcMain } from './ipc-main.ts';
import { MessageChannelMain, MessagePortMain } from './message-ports.ts';
import { protocol } from './protocol.ts';
import { registry, type WindowRecord, type WindowsInfo } from './registry.ts';
import { screen } from './screen.ts';
import { session } from './session.ts';
import { shell } from './shell.ts';
import { WebContents, WebFrameMain } from './web-contents.ts';

export const webContents = {
  getAllWebContents: () => WebContents.getAllWebContents(),
  fromId: (id: number) => WebContents.fromId(id),
  getFocusedWebContents: () => BrowserWindow.getFocusedWindow()?.webContents ?? null,
};

export { BrowserWindow, ipcMain, MessageChannelMain, MessagePortMain, protocol, screen, session, shell, WebContents, WebFrameMain };
export type { WindowRecord, WindowsInfo };

let browserStarted: Promise<void> | null = null;

function startBrowser(): Promise<void> {
  browserStarted ??= chromiumContext().then(
    () => undefined,
    (error: Error) => registry.record('harness.chromium-error', { message: error.message }),
  );
  return browserStarted;
}

// Inside a harness process (register.mjs makes it Electron's 'browser' process before loading
// the fake), Chromium starts while the app's entry module loads, as Electron's does.
if ((process as { type?: string }).type === 'browser') void startBrowser();

export const windowsRuntime = {
  allWindows(): BrowserWindow[] {
    return BrowserWindow.getAllWindows();
  },
  setAppReady(ready: boolean): void {
    registry.appReady = ready;
    if (ready) startBrowser();
  },
  /**
   * Resolves once Chromium runs. Electron's browser process has its Chromium up before it emits
   * `ready` (BrowserMainParts::PreMainMessageLoopRun), so the fake app should await this before
   * emitting ready: otherwise the browser's start-up time counts against the first window (and
   * against a shell's show-fallback timer).
   */
  whenBrowserReady(): Promise<void> {
    return startBrowser();
  },
  isAppReady(): boolean {
    return registry.appReady;
  },
  events: registry,
  whenAllClosed(): Promise<void> {
    if (BrowserWindow.getAllWindows().length === 0) return Promise.resolve();
    return new Promise((resolve) => registry.once('all-windows-closed', () => resolve()));
  },
  info(): WindowsInfo {
    return registry.info();
  },
  record(kind: string, detail: Record<string, unknown> = {}): void {
    registry.record(kind, detail);
  },
  async shutdown(): Promise<void> {
    registry.writeNow();
    await shutdownChromium();
  },
};

// ── what a person does to a window, as harness commands (tests/electron-harness/launcher.ts) ──

function windowFor(args: Record<string, unknown>): BrowserWindow {
  const windows = BrowserWindow.getAllWindows();
  const window = args.id === undefined ? windows[0] : windows.find((candidate) => candidate.id === args.id);
  if (!window) throw new Error(args.id === undefined ? 'The app has no window' : `No window ${String(args.id)}`);
  return window;
}

/** The close button (or Alt+F4 / Cmd+W): the same 'close' path as BrowserWindow.close(). */
onCommand('window.close', (args) => ({ closed: windowFor(args).tryClose() }));
/** Dragging or resizing the window. */
onCommand('window.setBounds', (args) => {
  windowFor(args).userSetBounds(args.bounds as Partial<{ x: number; y: number; width: number; height: number }>);
  return windowFor(args).getBounds();
});
onCommand('window.minimize', (args) => windowFor(args).minimize());
onCommand('window.maximize', (args) => windowFor(args).maximize());
/** The renderer process dies (render-process-gone). */
onCommand('window.crashRenderer', async (args) => windowFor(args).webContents.forcefullyCrashRenderer());
