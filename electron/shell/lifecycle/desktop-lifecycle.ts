/**
 * Every way out of the desktop app, wired to the drain (SPEC L12, L13, L27). Plain code over
 * small interfaces so the order of events can be tested without Electron; the composition root
 * (../main.ts) connects it to `app`, the windows, `powerMonitor`, the signals and the updater.
 *
 * - `before-quit` is cancelled synchronously unless the drain has finished; the drain runs with
 *   reason quit (joining any drain under way) and, once it is over, `app.quit()` is called again
 *   on a later tick, which then goes through. The updater's own quit (`before-quit-for-update`)
 *   is never cancelled.
 * - Restart: drain with reason restart, release the single-instance lock, `app.relaunch()`, then
 *   exit — also when relaunch throws.
 * - OS logoff/shutdown and SIGTERM/SIGINT/SIGHUP: the short OS budget (reason `os-shutdown`).
 * - Update: drain with reason update, back up the store, stop the gateway, destroy the windows,
 *   `quitAndInstall()`. A failed or vetoed install brings the gateway and a window back.
 * - Watchdog (the drain coordinator's, or ours after the drain): windows destroyed, then exit.
 */
import type { ExitAction, ExitReason } from '../../../shared/lifecycle.ts';
import type { DrainResult } from '../../core/lifecycle/drain-coordinator.ts';
import type { AppPort, WindowPort } from '../../core/ports.ts';

/** The parts of Electron's `app` the lifecycle drives. */
export interface ShellApp {
  quit(): void;
  exit(code: number): void;
  relaunch(): void;
  releaseSingleInstanceLock(): void;
}

/** The parts of the updater the lifecycle drives. */
export interface InstallPort {
  quitAndInstall(): void;
  /** electron-updater's `autoInstallOnAppQuit`, switched off for a quit that must not install. */
  setInstallOnQuit(enabled: boolean): void;
}

/** The gateway (core, protocol server, MCP servers) as one unit the lifecycle stops and starts. */
export interface GatewayControl {
  /** Starts a drain, or joins the one under way. */
  requestExit(reason: ExitReason): Promise<DrainResult>;
  runningTurns(): number;
  backupNow(label: string): Promise<string>;
  /** Closes the front-end connections, the MCP servers and the store. */
  stop(): Promise<void>;
  /** Opens a fresh core after a failed install. */
  restart(): Promise<void>;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface DesktopLifecycleOptions {
  app: ShellApp;
  windows: WindowPort;
  installer: InstallPort;
  gateway: GatewayControl;
  platform: NodeJS.Platform;
  /** Setting `hideToTrayWhileRunning` (L27). */
  hideToTrayWhileRunning: () => boolean;
  /** Whether a downloaded update waits to be installed. */
  updateReady: () => boolean;
  /** The install did not take over; the update policy goes back to ready and the user is told. */
  onInstallFailed: (message: string) => void;
  /** Runs `task` on a later tick (default setImmediate). */
  later?: (task: () => void) => void;
  /** Timers for the post-drain fallbacks; injectable for tests. */
  setTimer?: (task: () => void, ms: number) => { cancel(): void };
  /** How long the process may live after quitAndInstall before the install counts as failed. */
  installTimeoutMs?: number;
  /** How long `app.quit()` / stopping the gateway may take after the drain before exiting anyway. */
  exitFallbackMs?: number;
  log?: (message: string) => void;
}

export type LifecyclePhase = 'running' | 'draining' | 'installing' | 'exiting';

export const DEFAULT_INSTALL_TIMEOUT_MS = 20_000;
export const DEFAULT_EXIT_FALLBACK_MS = 5_000;
/** Exit code when the watchdog had to end a drain that did not finish (as the headless host). */
export const FORCED_EXIT_CODE = 70;

function defaultTimer(task: () => void, ms: number): { cancel(): void } {
  const timer = setTimeout(task, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DesktopLifecycle implements AppPort {
  private readonly options: DesktopLifecycleOptions;
  private readonly later: (task: () => void) => void;
  private readonly setTimer: (task: () => void, ms: number) => { cancel(): void };
  private readonly log: (message: string) => void;
  private phaseValue: LifecyclePhase = 'running';
  /** Why the shell started the drain (a drain the core started itself, e.g. /restart, leaves it null). */
  private reason: ExitReason | null = null;
  private exitAction: ExitAction | null = null;
  private updaterQuitting = false;
  private installTimer: { cancel(): void } | null = null;
  private recovery: Promise<void> | null = null;

  constructor(options: DesktopLifecycleOptions) {
    this.options = options;
    this.later = options.later ?? ((task) => void setImmediate(task));
    this.setTimer = options.setTimer ?? defaultTimer;
    this.log = options.log ?? ((message) => console.warn(message));
  }

  get phase(): LifecyclePhase {
    return this.phaseValue;
  }

  /** True from the first exit request on: nothing may hold the exit back any more. */
  get leaving(): boolean {
    return this.phaseValue !== 'running' || this.updaterQuitting;
  }

  // ── triggers ────────────────────────────────────────────────────────────────────────────

  /** Starts the drain for `reason`, or joins the one under way (one drain, one exit). */
  request(reason: ExitReason): Promise<DrainResult | null> {
    // Already on the way out (an install under way counts): nothing to drain any more.
    if (this.phaseValue === 'exiting' || this.phaseValue === 'installing') return Promise.resolve(null);
    // The gateway is coming back after a failed install: drain the new one once it is up.
    if (this.recovery) return this.recovery.then(() => this.request(reason));
    if (this.phaseValue === 'running') {
      this.phaseValue = 'draining';
      this.reason = reason;
    }
    let drain: Promise<DrainResult>;
    try {
      drain = this.options.gateway.requestExit(reason);
    } catch (error) {
      drain = Promise.reject(error);
    }
    return drain.catch((error: unknown) => {
      this.log(`The drain failed (${describe(error)}); forcing the exit.`);
      this.forceExit();
      return null;
    });
  }

  /** `app.on('before-quit')`: synchronous by Electron's contract. */
  onBeforeQuit(event: PreventableEvent): void {
    // The updater's quit and our own quit after the drain go through untouched.
    if (this.updaterQuitting || this.phaseValue === 'exiting') return;
    event.preventDefault();
    void this.request('quit');
  }

  /** `autoUpdater.on('before-quit-for-update')`: the installer is taking over; never cancel it. */
  onBeforeQuitForUpdate(): void {
    this.updaterQuitting = true;
  }

  /** A window's `close`: hide to the tray while turns run (setting), unless an exit is under way. */
  onWindowClose(event: PreventableEvent): 'hide' | 'close' {
    if (this.leaving) return 'close';
    if (this.options.hideToTrayWhileRunning() && this.options.gateway.runningTurns() > 0) {
      event.preventDefault();
      this.options.windows.hide();
      return 'hide';
    }
    return 'close';
  }

  /** `app.on('window-all-closed')`: quit on Windows/Linux, stay in the dock on macOS. */
  onWindowAllClosed(): void {
    if (this.leaving || this.options.platform === 'darwin') return;
    void this.request('quit');
  }

  /** Tray Restart, the renderer's restart. */
  restart(): Promise<DrainResult | null> {
    return this.request('restart');
  }

  /** OS logoff/shutdown (`query-session-end`, `session-end`, powerMonitor `shutdown`): the short budget. */
  onSessionEnd(): void {
    void this.request('os-shutdown');
  }

  /**
   * SIGTERM/SIGINT/SIGHUP reach a desktop app from the session manager or a service manager that
   * follows up with SIGKILL soon: they get the OS budget, not the full drain timeout.
   */
  onSignal(signal: NodeJS.Signals): void {
    this.log(`Received ${signal}; draining with the OS shutdown budget.`);
    void this.request('os-shutdown');
  }

  // ── AppPort: the drain is over ──────────────────────────────────────────────────────────

  async performExit(action: ExitAction): Promise<void> {
    if (this.phaseValue === 'exiting' || this.phaseValue === 'installing') return;
    this.exitAction = action;
    if (action === 'install-update') {
      await this.install();
      return;
    }
    this.phaseValue = 'exiting';
    this.armExitFallback();
    if (action === 'quit') {
      await this.prepareQuitInstall();
      await this.stopGateway();
      // "Quit again on a later tick": this before-quit is let through (phase is exiting).
      this.later(() => this.options.app.quit());
      return;
    }
    await this.stopGateway();
    this.relaunchAndExit(0);
  }

  /** L12: the watchdog's last resort. Windows go first so nothing can veto the exit. */
  forceExit(action?: ExitAction): void {
    this.log('Forcing the exit.');
    // A drain the core started itself (/restart typed in a chat) reaches the shell only here.
    if (this.exitAction === null && action) this.exitAction = action;
    try {
      this.options.windows.destroyAll();
    } catch (error) {
      this.log(`Could not destroy the windows: ${describe(error)}`);
    }
    const finished = this.phaseValue === 'exiting';
    // A forced restart still wants its relaunch: the turn journal recovers what was cut short.
    if (this.exitAction === 'relaunch' || (this.exitAction === null && this.reason === 'restart')) {
      this.relaunchAndExit(finished ? 0 : FORCED_EXIT_CODE);
      return;
    }
    this.phaseValue = 'exiting';
    this.options.app.exit(finished ? 0 : FORCED_EXIT_CODE);
  }

  // ── update install ──────────────────────────────────────────────────────────────────────

  private async install(): Promise<void> {
    this.phaseValue = 'installing';
    try {
      // The store is still open here: take the backup before anything of the new version runs.
      const file = await this.options.gateway.backupNow('pre-update');
      this.log(`Backed up the store before the update: ${file}`);
    } catch (error) {
      this.failInstall(`the store could not be backed up first (${describe(error)})`);
      return;
    }
    await this.stopGateway();
    try {
      this.options.windows.destroyAll();
    } catch (error) {
      this.log(`Could not destroy the windows: ${describe(error)}`);
    }
    this.phaseValue = 'exiting';
    this.installTimer = this.setTimer(() => this.failInstall('the installer did not take over'), this.options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS);
    try {
      this.options.installer.quitAndInstall();
    } catch (error) {
      this.failInstall(describe(error));
    }
  }

  /** The updater reported an error, or the quit for the install was vetoed; false when no install runs. */
  installFailed(message: string): boolean {
    if (this.phaseValue !== 'installing' && !(this.phaseValue === 'exiting' && this.exitAction === 'install-update')) return false;
    this.failInstall(message);
    return true;
  }

  private failInstall(message: string): void {
    this.installTimer?.cancel();
    this.installTimer = null;
    this.log(`The update could not be installed: ${message}`);
    this.updaterQuitting = false;
    this.phaseValue = 'running';
    this.reason = null;
    this.exitAction = null;
    this.options.onInstallFailed(message);
    void this.recoverFromFailedInstall();
  }

  /** Brings the gateway and a window back after a failed install; idempotent while it runs. */
  recoverFromFailedInstall(): Promise<void> {
    if (this.recovery) return this.recovery;
    this.recovery = (async () => {
      try {
        await this.options.gateway.restart();
        this.options.windows.show();
      } catch (error) {
        this.log(`Could not restart the gateway after the failed install: ${describe(error)}`);
        this.forceExit();
      } finally {
        this.recovery = null;
      }
    })();
    return this.recovery;
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  /**
   * autoInstallOnAppQuit is on, so an ordinary quit with a downloaded update installs it — after
   * the drain. Back the store up first; an OS shutdown or signal has no time for a backup or an
   * installer racing the power-off, so it skips the install this time.
   */
  private async prepareQuitInstall(): Promise<void> {
    if (!this.options.updateReady()) return;
    if (this.reason === 'os-shutdown' || this.reason === 'signal') {
      this.options.installer.setInstallOnQuit(false);
      return;
    }
    try {
      await this.options.gateway.backupNow('pre-update');
    } catch (error) {
      this.log(`No backup before the update (${describe(error)}); not installing it on this quit.`);
      this.options.installer.setInstallOnQuit(false);
    }
  }

  private async stopGateway(): Promise<void> {
    try {
      await this.options.gateway.stop();
    } catch (error) {
      this.log(`Stopping the gateway failed: ${describe(error)}`);
    }
  }

  private relaunchAndExit(code: number): void {
    this.phaseValue = 'exiting';
    // L13: the lock goes first, so the new instance is not turned away as a second launch.
    try {
      this.options.app.releaseSingleInstanceLock();
    } catch (error) {
      this.log(`Could not release the single-instance lock: ${describe(error)}`);
    }
    try {
      this.options.app.relaunch();
    } catch (error) {
      this.log(`Relaunch failed (${describe(error)}); exiting anyway.`);
    }
    this.options.app.exit(code);
  }

  /** After the drain only `app.quit()` remains; if a window or listener holds it up, exit anyway. */
  private armExitFallback(): void {
    this.setTimer(() => {
      this.log('The quit did not complete after the drain; exiting.');
      this.forceExit();
    }, this.options.exitFallbackMs ?? DEFAULT_EXIT_FALLBACK_MS);
  }
}
