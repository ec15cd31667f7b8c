/**
 * `app`, as a state machine written from Electron's contract:
 * - shell/browser/browser.cc (Browser::Quit, Exit, NotifyAndShutdown, Shutdown,
 *   OnWindowCloseCancelled, OnWindowAllClosed, DidFinishLaunching),
 * - shell/browser/api/electron_api_app.cc (App::OnQuit emits 'quit' with the exit code and
 *   cleans up the process singleton; App::Relaunch; the single-instance lock),
 * - lib/browser/init.ts (name from productName ?? name, userData from it, 'quit' → process 'exit',
 *   process.exit mapped to app.exit, the default 'window-all-closed' quit, the default menu at
 *   will-finish-launching, the default uncaught-exception dialog),
 * - shell/browser/electron_browser_main_parts_posix.cc (SIGINT/SIGTERM/SIGHUP → Browser::Quit
 *   until the app installs its own handlers),
 * - shell/browser/relauncher.cc (relaunch: a helper waits for this process to exit, then starts
 *   the recorded command line; modelled by the test-side launcher, which gets the record here).
 *
 * The rules that matter most for Baton:
 * - quit(): 'before-quit' (preventable; a prevented one leaves the app not quitting) → every
 *   window asked to close ('close' preventable; one cancelled close cancels the quit) → once all
 *   windows are gone 'will-quit' (preventable) → 'quit'(exitCode) → the process ends.
 * - exit(code): no 'before-quit', no 'will-quit', windows destroyed without 'close', but 'quit'
 *   is still emitted, with `code` (browser.cc Exit → Shutdown → App::OnQuit). electron-updater's
 *   install-on-quit listens to exactly that.
 * - 'window-all-closed' only when neither quitting nor exiting.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeControl, onCommand, report } from './control.ts';
import { ElectronEvent } from './electron-event.ts';
import { harness } from './platform.ts';
import { SingleInstanceLock } from './single-instance.ts';
import { windowsRuntime } from './windows/index.ts';

/** What register.mjs hands over: the real exit, saved before process.exit is mapped to app.exit. */
let realExit: (code?: number) => never = process.exit.bind(process) as (code?: number) => never;
const finishers: Array<() => Promise<void> | void> = [];

interface WindowLike extends EventEmitter {
  tryClose(): boolean;
  destroy(): void;
  isDestroyed(): boolean;
}

function allWindows(): WindowLike[] {
  return (windowsRuntime.allWindows() as unknown as WindowLike[]).filter((window) => !window.isDestroyed());
}

function readPackageJson(appDir: string): { name?: string; productName?: string; version?: string; desktopName?: string } {
  return JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { name?: string; productName?: string; version?: string };
}

function defaultAppData(): string {
  const home = os.homedir();
  switch (harness.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support');
    case 'win32':
      return process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
    default:
      return process.env.XDG_CONFIG_HOME ?? path.join(home, '.config');
  }
}

function defaultCache(): string {
  const home = os.homedir();
  switch (harness.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Caches');
    case 'win32':
      return process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
    default:
      return process.env.XDG_CACHE_HOME ?? path.join(home, '.cache');
  }
}

const BEFORE_READY_ONLY = 'must be called before the app is ready';

class CommandLine {
  private readonly switches = new Map<string, string>();
  appendSwitch(name: string, value = ''): void {
    this.switches.set(name, String(value));
  }
  appendArgument(): void {}
  hasSwitch(name: string): boolean {
    return this.switches.has(name);
  }
  getSwitchValue(name: string): string {
    return this.switches.get(name) ?? '';
  }
  removeSwitch(name: string): void {
    this.switches.delete(name);
  }
}

export class App extends EventEmitter {
  private ready = false;
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private isQuitting = false;
  private isExiting = false;
  private isShutdown = false;
  private exitCode = 0;
  private nameValue: string;
  private versionValue: string;
  private desktopName: string;
  private readonly paths = new Map<string, string>();
  private appPath: string;
  private readonly lock: SingleInstanceLock;
  readonly commandLine = new CommandLine();
  userAgentFallback = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) baton Chrome/140.0.0.0 Electron/45.4.1 Safari/537.36';

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
    // lib/browser/init.ts: version, then name = productName ?? name, then userData from the name.
    const pkg = readPackageJson(harness.appDir);
    // BATON_HARNESS_VERSION: the version an "installed update" runs as (the update feed's artifacts set it).
    this.versionValue = process.env.BATON_HARNESS_VERSION || pkg.version || '0.0.0';
    this.nameValue = `${pkg.productName ?? pkg.name ?? 'Electron'}`.trim();
    this.desktopName = pkg.desktopName ?? `${this.nameValue}.desktop`;
    this.appPath = harness.appDir;
    this.paths.set('userData', path.join(this.getPath('appData'), this.nameValue));
    this.paths.set('userCache', path.join(defaultCache(), this.nameValue));
    this.lock = new SingleInstanceLock((second) => {
      report('second-instance', { argv: second.argv });
      this.emit('second-instance', new ElectronEvent(), second.argv, second.cwd, second.additionalData);
    });
    // The native WindowList's observers (browser.cc): a close cancelled later (the page's
    // beforeunload kept the window) cancels a quit; the last window gone drives OnWindowAllClosed.
    windowsRuntime.events.on('close-cancelled', () => this.onWindowCloseCancelled());
    windowsRuntime.events.on('all-windows-closed', () => this.checkAllClosed());
    windowsRuntime.events.on('record', (record: Record<string, unknown>) => report('windows.record', record));
    // lib/browser/init.ts: quit when all windows are closed and nobody else listens.
    this.on('window-all-closed', () => {
      if (this.listenerCount('window-all-closed') === 1) this.quit();
    });
    // lib/browser/init.ts: the 'quit' event becomes the process's 'exit' event.
    this.on('quit', (_event: unknown, code: number) => {
      process.emit('exit', code);
    });
  }

  // ── identity and paths ───────────────────────────────────────────────────────────────────

  get name(): string {
    return this.nameValue;
  }
  set name(value: string) {
    this.nameValue = value;
  }
  getName(): string {
    return this.nameValue;
  }
  setName(value: string): void {
    this.nameValue = value;
  }
  getVersion(): string {
    return this.versionValue;
  }
  setVersion(value: string): void {
    this.versionValue = value;
  }
  setDesktopName(value: string): void {
    this.desktopName = value;
  }
  getDesktopName(): string {
    return this.desktopName;
  }
  get isPackaged(): boolean {
    return harness.packaged;
  }
  getAppPath(): string {
    return this.appPath;
  }
  setAppPath(value: string): void {
    this.appPath = value;
  }
  getLocale(): string {
    return 'en-US';
  }
  getSystemLocale(): string {
    return 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return ['en-US'];
  }

  /** shell/browser/electron_browser_client / chrome paths, per platform. */
  getPath(name: string): string {
    const set = this.paths.get(name);
    if (set) return set;
    const home = os.homedir();
    switch (name) {
      case 'home':
        return home;
      case 'appData':
        return defaultAppData();
      case 'sessionData':
        return this.getPath('userData');
      case 'temp':
        return os.tmpdir();
      case 'exe':
        return process.execPath;
      case 'module':
        return process.execPath;
      case 'cache':
        return defaultCache();
      case 'desktop':
        return path.join(home, 'Desktop');
      case 'documents':
        return path.join(home, 'Documents');
      case 'downloads':
        return path.join(home, 'Downloads');
      case 'music':
        return path.join(home, 'Music');
      case 'pictures':
        return path.join(home, 'Pictures');
      case 'videos':
        return path.join(home, 'Videos');
      case 'logs':
        // Electron: ~/Library/Logs/<name> on macOS, <userData>/logs elsewhere.
        return harness.platform === 'darwin' ? path.join(home, 'Library', 'Logs', this.nameValue) : path.join(this.getPath('userData'), 'logs');
      case 'crashDumps':
        return path.join(this.getPath('userData'), 'Crashpad');
      case 'recent':
        if (harness.platform !== 'win32') break;
        return path.join(home, 'AppData', 'Roaming', 'Microsoft', 'Windows', 'Recent');
      default:
        break;
    }
    throw new Error(`Failed to get '${name}' path`);
  }

  setPath(name: string, value: string): void {
    if (!path.isAbsolute(value)) throw new Error(`Path must be absolute: ${value}`);
    if (name === 'sessionData' && this.ready) throw new Error(`setPath('sessionData') ${BEFORE_READY_ONLY}`);
    this.paths.set(name, value);
  }

  setAppLogsPath(value?: string): void {
    this.paths.set('logs', value ?? path.join(this.getPath('userData'), 'logs'));
  }

  // ── readiness ────────────────────────────────────────────────────────────────────────────

  isReady(): boolean {
    return this.ready;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * Called by register.mjs once the entry module's import() has settled (Electron 45 with an ESM
   * entry: lib/browser/init.ts imports it, node_bindings.cc JoinAppCode pumps the loop until it
   * is evaluated, then browser.cc DidFinishLaunching runs). 'will-finish-launching' comes first,
   * and Chromium (the windows layer's browser) is already running, as in Electron.
   */
  async markReady(): Promise<void> {
    if (this.ready) return;
    // BrowserMainParts::PreMainMessageLoopRun: Electron's Chromium is up before 'ready'.
    await windowsRuntime.whenBrowserReady();
    this.emit('will-finish-launching');
    this.ready = true;
    windowsRuntime.setAppReady(true);
    this.resolveReady();
    report('ready', { name: this.nameValue, version: this.versionValue, userData: this.getPath('userData'), platform: harness.platform });
    this.emit('ready', new ElectronEvent(), {});
  }

  // ── quitting ─────────────────────────────────────────────────────────────────────────────

  /** browser.cc Browser::Quit. */
  quit(): void {
    report('app.quit-called', { quitting: this.isQuitting });
    if (this.isQuitting) return;
    const event = new ElectronEvent();
    this.emit('before-quit', event);
    this.isQuitting = !event.defaultPrevented;
    report('before-quit', { prevented: event.defaultPrevented });
    if (!this.isQuitting) return;
    const windows = allWindows();
    if (windows.length === 0) {
      this.notifyAndShutdown();
      return;
    }
    // WindowList::CloseAllWindows: each window is asked; a cancelled close cancels the quit.
    for (const window of windows) {
      if (window.isDestroyed()) continue;
      const closed = window.tryClose();
      if (!closed) this.onWindowCloseCancelled();
    }
    this.checkAllClosed();
  }

  /** browser.cc Browser::Exit: windows destroyed without asking, then Shutdown → 'quit'(code). */
  exit(code = 0): void {
    report('app.exit-called', { code });
    this.exitCode = Number.isInteger(code) ? code : 0;
    this.isQuitting = true;
    this.isExiting = true;
    const windows = allWindows();
    if (windows.length === 0) {
      this.shutdown();
      return;
    }
    for (const window of windows) if (!window.isDestroyed()) window.destroy();
    this.checkAllClosed();
  }

  /** Browser::OnWindowCloseCancelled. */
  private onWindowCloseCancelled(): void {
    if (this.isQuitting) {
      this.isQuitting = false;
      report('quit-cancelled', { by: 'window close prevented' });
    }
  }

  /** Browser::OnWindowAllClosed. */
  private onWindowAllClosed(): void {
    if (this.isExiting) this.shutdown();
    else if (this.isQuitting) this.notifyAndShutdown();
    else {
      report('window-all-closed');
      this.emit('window-all-closed');
    }
  }

  private checkAllClosed(): void {
    if (this.isShutdown) return;
    if (allWindows().length === 0) this.onWindowAllClosed();
  }

  /** Browser::NotifyAndShutdown. */
  private notifyAndShutdown(): void {
    if (this.isShutdown) return;
    const event = new ElectronEvent();
    this.emit('will-quit', event);
    report('will-quit', { prevented: event.defaultPrevented });
    if (event.defaultPrevented) {
      this.isQuitting = false;
      return;
    }
    this.shutdown();
  }

  /** Browser::Shutdown → App::OnQuit: 'quit' with the exit code, the singleton cleaned up, then the end. */
  private shutdown(): void {
    if (this.isShutdown) return;
    this.isShutdown = true;
    this.isQuitting = true;
    report('quit', { code: this.exitCode });
    this.emit('quit', new ElectronEvent(), this.exitCode);
    this.lock.release();
    void this.finish(this.exitCode);
  }

  /** The message loop has ended: Chromium goes, the process exits with the code. */
  private async finish(code: number): Promise<void> {
    for (const finisher of finishers) {
      try {
        await finisher();
      } catch {
        // the process is ending anyway
      }
    }
    await Promise.race([windowsRuntime.shutdown().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3000))]);
    report('process-exit', { code });
    await closeControl();
    // init.ts already turned 'quit' into the process 'exit' event; do not emit it twice.
    const reallyExit = (process as unknown as { reallyExit?: (code: number) => never }).reallyExit;
    if (reallyExit) reallyExit.call(process, code);
    realExit(code);
  }

  // ── relaunch and single instance ─────────────────────────────────────────────────────────

  /**
   * electron_api_app.cc App::Relaunch + relauncher.cc: by default the same executable and
   * arguments; the helper starts them once this process has exited. The test-side launcher does
   * that from this record (and finds out when the executable is gone by then, as an AppImage's
   * .mount_* directory is).
   */
  relaunch(options: { args?: string[]; execPath?: string } = {}): void {
    const execPath = options.execPath ?? process.execPath;
    const args = options.args ?? process.argv.slice(1);
    report('relaunch', { execPath, args, cwd: process.cwd() });
  }

  requestSingleInstanceLock(additionalData?: unknown): boolean {
    const held = this.lock.request(this.getPath('userData'), additionalData);
    report('single-instance-lock', { held });
    return held;
  }

  hasSingleInstanceLock(): boolean {
    return this.lock.held;
  }

  releaseSingleInstanceLock(): void {
    const held = this.lock.held;
    this.lock.release();
    if (held) report('single-instance-lock-released');
  }

  /** Harness side: Browser::is_quitting() and friends, for the OS models. */
  harnessQuitState(): { quitting: boolean; exiting: boolean; shutdown: boolean } {
    return { quitting: this.isQuitting, exiting: this.isExiting, shutdown: this.isShutdown };
  }

  // ── the rest of the surface Baton and its libraries touch ────────────────────────────────

  focus(): void {
    report('app.focus');
  }
  hide(): void {}
  show(): void {}
  setBadgeCount(): boolean {
    return true;
  }
  getBadgeCount(): number {
    return 0;
  }
  isEmojiPanelSupported(): boolean {
    return false;
  }
  enableSandbox(): void {
    if (this.ready) throw new Error(`app.enableSandbox() ${BEFORE_READY_ONLY}`);
  }
  disableHardwareAcceleration(): void {
    if (this.ready) throw new Error(`app.disableHardwareAcceleration() ${BEFORE_READY_ONLY}`);
  }
  setAboutPanelOptions(): void {}
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: false };
  }
  setLoginItemSettings(): void {}
  isAccessibilitySupportEnabled(): boolean {
    return false;
  }
  getGPUFeatureStatus(): Record<string, string> {
    return {};
  }
  addRecentDocument(): void {}
  clearRecentDocuments(): void {}
}

export const app = new App();

// Windows-only and macOS-only members exist only there (electron_api_app.cc #if BUILDFLAG(IS_WIN) / IS_MAC).
if (harness.platform === 'win32') {
  Object.assign(app, {
    setAppUserModelId(id: string) {
      report('app.setAppUserModelId', { id });
    },
    setUserTasks: () => true,
    setJumpList: () => 'ok',
  });
}
if (harness.platform === 'darwin') {
  Object.assign(app, {
    dock: { setMenu() {}, setBadge() {}, getBadge: () => '', hide() {}, show: () => Promise.resolve(), bounce: () => 0, cancelBounce() {}, isVisible: () => true, setIcon() {} },
  });
}

/** register.mjs: the process's own exit, kept before `process.exit` becomes `app.exit` (init.ts). */
export function installProcessExit(exit: (code?: number) => never): void {
  realExit = exit;
  process.exit = ((code?: number) => {
    app.exit(typeof code === 'number' ? code : 0);
    // app.exit ends the process asynchronously; callers of process.exit expect never to return.
    return undefined as never;
  }) as typeof process.exit;
}

/** Run before the process ends (close Chromium, unmount a fake AppImage). */
export function beforeProcessExit(finisher: () => Promise<void> | void): void {
  finishers.push(finisher);
}

/**
 * shell/browser/electron_browser_main_parts_posix.cc: SIGINT, SIGTERM and SIGHUP start a graceful
 * Browser::Quit; the handler is reset afterwards, so a second signal ends the process. As soon as
 * any JavaScript listener for the signal is added (the app's, or a library's such as when-exit,
 * which conf/electron-store load), Node installs its own handler through libuv's sigaction and
 * Electron's is gone for good; with no JS listener left, the default action (termination) applies.
 */
export function installElectronSignalHandlers(): void {
  const electronHandlers = new Map<string, () => void>();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const electronHandler = () => {
      process.removeListener(signal, electronHandler);
      electronHandlers.delete(signal);
      report('signal', { signal, handledBy: 'electron' });
      app.quit();
    };
    electronHandlers.set(signal, electronHandler);
    process.on(signal, electronHandler);
  }
  process.on('newListener', (event: string | symbol, listener: unknown) => {
    if (typeof event !== 'string') return;
    const electronHandler = electronHandlers.get(event);
    if (electronHandler && listener !== electronHandler) {
      process.removeListener(event, electronHandler);
      electronHandlers.delete(event);
      report('signal.electron-handler-replaced', { signal: event });
    }
  });
}

/**
 * lib/browser/init.ts: an uncaught exception in main does not end the process; when the app has
 * no handler of its own, Electron shows a (synchronous, blocking) error box.
 */
export function installDefaultUncaughtExceptionHandler(showErrorBox: (title: string, content: string) => void): void {
  process.on('uncaughtException', (error: Error) => {
    report('uncaught-exception', { message: error.message, appHandles: process.listeners('uncaughtException').length > 1 });
    if (process.listeners('uncaughtException').length > 1) return;
    const stack = error.stack ? error.stack : `${error.name}: ${error.message}`;
    showErrorBox('A JavaScript error occurred in the main process', `Uncaught Exception:\n${stack}`);
  });
}

/** Test commands about the app itself. */
onCommand('app.quit', () => app.quit());
onCommand('app.state', () => ({ ready: app.isReady(), windows: allWindows().length, ...app.harnessQuitState() }));
onCommand('windows.info', () => windowsRuntime.info());
