/**
 * Every way out of the desktop app, wired to the drain (SPEC L12, L13, L27). Plain code over
 * small interfaces so the order of events can be tested without Electron; the composition root
 * (../main.ts) connects it to `app`, the windows, `powerMonitor`, the signals and the updater.
 *
 * - `before-quit` is cancelled synchronously unless the drain has finished; the drain runs with
 *   reason quit (joining any drain under way) and, once it is over, `app.quit()` is called again
 *   on a later tick, which then goes through. The updater's own quit (`before-quit-for-update`)
 *   is let through only while our install runs; one arriving on its own (Squirrel.Mac finishing
 *   late) starts the update route instead (L37).
 * - Restart: drain with reason restart, release the single-instance lock, relaunch, then exit —
 *   also when relaunch throws. With a downloaded update a restart IS the update route (L37).
 * - OS logoff/shutdown: the short OS budget (reason `os-shutdown`); SIGTERM/SIGINT/SIGHUP: reason
 *   `signal`, the same short budget (L38). When reasons join, `joinExit` (shared/lifecycle.ts)
 *   decides, as it does in the drain: a later quit or the OS going down cancels a pending relaunch.
 * - Update: drain with reason update, back up the store, stop the gateway, destroy the windows,
 *   release the single-instance lock, `quitAndInstall()`. A failed or vetoed install brings the
 *   gateway and a window back — never while a drain runs.
 * - Nothing installs on a plain exit: install-on-quit is off, and armed only for a `quit` exit
 *   after the pre-update backup (one install route, so every install has its backup).
 * - An exit asked for while the gateway is still starting is queued and drained once it runs.
 * - Every trigger above, and `/restart` typed in a chat or a window's `app.restart` (the runtime
 *   hands them to main.ts, which calls `requestExit`), goes through `requestExit`: the one route,
 *   so the phase and the tray always show that Baton is leaving.
 * - Watchdog (the drain coordinator's, or ours after the drain): windows destroyed, then exit.
 */
import { EXIT_CODES, exitActionFor, joinExit, SIGNAL_EXITS, type ExitAction, type ExitReason, type QuitSignal } from '../../../shared/lifecycle.ts';
import type { DrainResult } from '../../core/lifecycle/drain-coordinator.ts';
import type { AppPort, WindowPort } from '../../core/ports.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import { describeError } from '../../../shared/errors.ts';

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
  /** False while stopped (before the first start, after a stop, during a restart's gap). */
  readonly started: boolean;
  /** Starts the core's drain, or joins the one under way; only `requestExit` below calls it. */
  drain(reason: ExitReason): Promise<DrainResult>;
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
  /**
   * Moves the update policy to installing; its install effect calls `requestExit('update')`. Used
   * when a restart finds an update ready, and when the updater's own quit arrives unasked.
   */
  beginUpdateInstall?: () => void;
  /** The install did not take over; the update policy goes back to ready and the user is told. */
  onInstallFailed: (message: string) => void;
  /** False: the gateway is still starting, exits are queued until `gatewayStarted()` (default true). */
  startsRunning?: boolean;
  /** Runs `task` on a later tick (default setImmediate). */
  later?: (task: () => void) => void;
  /** Timers for the post-drain fallbacks; injectable for tests. */
  setTimer?: (task: () => void, ms: number) => { cancel(): void };
  /** How long the process may live after quitAndInstall before the install counts as failed. */
  installTimeoutMs?: number;
  /** How long `app.quit()` / stopping the gateway may take after the drain before exiting anyway. */
  exitFallbackMs?: number;
  log?: Log;
}

/** `starting`: the gateway is not up yet; exit requests wait for it (see `gatewayStarted`). */
export type LifecyclePhase = 'starting' | 'running' | 'draining' | 'installing' | 'exiting';

function noTimeForInstall(reason: ExitReason | null): boolean {
  return reason === 'os-shutdown' || reason === 'signal';
}

export const DEFAULT_INSTALL_TIMEOUT_MS = 20_000;
export const DEFAULT_EXIT_FALLBACK_MS = 5_000;

function defaultTimer(task: () => void, ms: number): { cancel(): void } {
  const timer = setTimeout(task, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}

export class DesktopLifecycle implements AppPort {
  private readonly options: DesktopLifecycleOptions;
  private readonly later: (task: () => void) => void;
  private readonly setTimer: (task: () => void, ms: number) => { cancel(): void };
  private readonly log: Log;
  private phaseValue: LifecyclePhase;
  /** Why Baton is leaving: the first trigger's reason, joined with later ones by `joinExit`. */
  private reason: ExitReason | null = null;
  private exitAction: ExitAction | null = null;
  private updaterQuitting = false;
  private installTimer: { cancel(): void } | null = null;
  private recovery: Promise<void> | null = null;
  /** An updater error that arrived while draining for the update: the install has already failed. */
  private installErrorDuringDrain: string | null = null;
  /** An exit asked for during startup, run once the gateway is up. */
  private queued: { reason: ExitReason; settle: (result: Promise<DrainResult | null>) => void; done: Promise<DrainResult | null> } | null = null;

  constructor(options: DesktopLifecycleOptions) {
    this.options = options;
    this.later = options.later ?? ((task) => void setImmediate(task));
    this.setTimer = options.setTimer ?? defaultTimer;
    this.log = options.log ?? defaultLog;
    this.phaseValue = options.startsRunning === false ? 'starting' : 'running';
  }

  get phase(): LifecyclePhase {
    return this.phaseValue;
  }

  /** True from the first exit request on: nothing may hold the exit back any more. */
  get leaving(): boolean {
    return (this.phaseValue !== 'running' && this.phaseValue !== 'starting') || this.updaterQuitting || this.queued !== null;
  }

  /**
   * The gateway is up: an exit queued during startup now drains (as the headless host does,
   * electron/host/main.ts), instead of force-exiting in the middle of recovery or a migration.
   */
  gatewayStarted(): void {
    if (this.phaseValue !== 'starting') return;
    this.phaseValue = 'running';
    const queued = this.queued;
    this.queued = null;
    if (queued) {
      this.log(`Running the ${queued.reason} exit asked for during startup.`);
      queued.settle(this.requestExit(queued.reason));
    }
  }

  // ── triggers ────────────────────────────────────────────────────────────────────────────

  /** The desktop's one exit route: starts the drain for `reason`, or joins the one under way (one drain, one exit). */
  requestExit(reason: ExitReason): Promise<DrainResult | null> {
    // L37: with a downloaded update, a restart is the update route (drain, backup, install,
    // "Updated to vX"); restarting around it would leave it for install-on-quit or a later run.
    if (reason === 'restart' && this.options.updateReady() && this.phaseValue !== 'exiting' && this.phaseValue !== 'installing') {
      this.log('An update is ready: the restart installs it.');
      reason = 'update';
      this.options.beginUpdateInstall?.();
    }
    if (noTimeForInstall(reason)) {
      // Whatever else is under way, nothing may install while the OS ends the session.
      this.disarmInstallOnQuit();
    }
    if (this.phaseValue === 'starting') return this.queue(reason);
    // Already on the way out (an install under way counts): nothing to drain any more.
    if (this.phaseValue === 'exiting' || this.phaseValue === 'installing') {
      if (noTimeForInstall(reason)) this.reason = reason;
      return Promise.resolve(null);
    }
    // The gateway is coming back after a failed install: drain the new one once it is up.
    if (this.recovery) return this.recovery.then(() => this.requestExit(reason));
    if (this.phaseValue === 'running') {
      this.phaseValue = 'draining';
      this.reason = reason;
    } else {
      this.reason = this.reason === null ? reason : joinExit(this.reason, reason);
    }
    let drain: Promise<DrainResult>;
    try {
      drain = this.options.gateway.drain(reason);
    } catch (error) {
      drain = Promise.reject(error);
    }
    return drain.catch((error: unknown) => {
      this.log(`The drain failed (${describeError(error)}); forcing the exit.`);
      this.forceExit();
      return null;
    });
  }

  /** `app.on('before-quit')`: synchronous by Electron's contract. */
  onBeforeQuit(event: PreventableEvent): void {
    // The updater's quit during our install and our own quit after the drain go through untouched.
    if (this.updaterQuitting || this.phaseValue === 'exiting') return;
    event.preventDefault();
    void this.requestExit('quit');
  }

  /**
   * `autoUpdater.on('before-quit-for-update')`. Honoured only while our install runs. On macOS
   * Squirrel can finish fetching long after `update-downloaded` and then quit the app by itself
   * (MacUpdater re-arms quitAndInstall on the native download): in any other phase that quit is
   * turned into the update route — its `before-quit` is cancelled because a drain now runs.
   */
  onBeforeQuitForUpdate(): void {
    if (this.phaseValue === 'installing' || (this.phaseValue === 'exiting' && this.exitAction === 'install-update')) {
      this.updaterQuitting = true;
      return;
    }
    this.log("The updater asked to quit outside an install: installing through the drain instead.");
    if (this.phaseValue === 'running') this.options.beginUpdateInstall?.();
    void this.requestExit('update');
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
    void this.requestExit('quit');
  }

  /** Tray Restart, the renderer's restart. */
  restart(): Promise<DrainResult | null> {
    return this.requestExit('restart');
  }

  /**
   * OS logoff/shutdown (powerMonitor `shutdown`, Windows `session-end`): the short budget. The
   * drain's write-ahead (L9) runs synchronously inside this call, before its first await, which is
   * all Windows grants once `session-end` handlers return.
   */
  onSessionEnd(): void {
    void this.requestExit('os-shutdown');
  }

  /**
   * Windows `query-session-end`: while turns run, ask Windows to wait (Electron's documented
   * preventDefault for "the user is at risk of losing data") and drain with the OS budget; the app
   * quits by itself after the drain. Returns whether the session end was held up.
   */
  onQueryEndSession(event: PreventableEvent): boolean {
    const hold = this.options.gateway.runningTurns() > 0 && this.phaseValue !== 'exiting';
    if (hold) event.preventDefault();
    void this.requestExit('os-shutdown');
    return hold;
  }

  /**
   * SIGTERM/SIGINT/SIGHUP reach a desktop app from the session manager or a service manager that
   * follows up with SIGKILL soon: recorded as `signal`, with the OS budget (drain-budget.ts).
   */
  onSignal(signal: QuitSignal): void {
    this.log(`Received ${signal}; draining with the OS shutdown budget.`);
    void this.requestExit(SIGNAL_EXITS[signal]);
  }

  // ── AppPort: the drain is over ──────────────────────────────────────────────────────────

  async performExit(action: ExitAction): Promise<void> {
    if (this.phaseValue === 'exiting' || this.phaseValue === 'installing') return;
    // An update that joined an OS shutdown or a signal has no time to install: quit instead.
    if (action === 'install-update' && noTimeForInstall(this.reason)) {
      this.log('No time to install the update while the system shuts down; it stays for the next launch.');
      action = 'quit';
    }
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
    this.relaunchAndExit(EXIT_CODES.quit);
  }

  /** L12: the watchdog's last resort. Windows go first so nothing can veto the exit. */
  forceExit(action?: ExitAction): void {
    this.log('Forcing the exit.');
    // The watchdog can fire before performExit: the action the drain was heading for.
    if (this.exitAction === null && action) this.exitAction = action;
    // A forced exit never installs: only an orderly quit after its backup may.
    if (this.exitAction !== 'quit') this.disarmInstallOnQuit();
    try {
      this.options.windows.destroyAll();
    } catch (error) {
      this.log(`Could not destroy the windows: ${describeError(error)}`);
    }
    const finished = this.phaseValue === 'exiting';
    // A forced restart still wants its relaunch: the turn journal recovers what was cut short.
    if (this.exitAction === 'relaunch' || (this.exitAction === null && this.reason !== null && exitActionFor(this.reason) === 'relaunch')) {
      this.relaunchAndExit(finished ? EXIT_CODES.quit : EXIT_CODES.forced);
      return;
    }
    this.phaseValue = 'exiting';
    this.options.app.exit(finished ? EXIT_CODES.quit : EXIT_CODES.forced);
  }

  // ── update install ──────────────────────────────────────────────────────────────────────

  private async install(): Promise<void> {
    this.phaseValue = 'installing';
    if (this.installErrorDuringDrain !== null) {
      const message = this.installErrorDuringDrain;
      this.installErrorDuringDrain = null;
      // The drained gateway takes no new turns: stopped here, it is started afresh by the recovery.
      await this.stopGateway();
      this.failInstall(message);
      return;
    }
    try {
      // The store is still open here: take the backup before anything of the new version runs.
      const file = await this.options.gateway.backupNow('pre-update');
      this.log(`Backed up the store before the update: ${file}`);
    } catch (error) {
      await this.stopGateway();
      this.failInstall(`the store could not be backed up first (${describeError(error)})`);
      return;
    }
    await this.stopGateway();
    try {
      this.options.windows.destroyAll();
    } catch (error) {
      this.log(`Could not destroy the windows: ${describeError(error)}`);
    }
    this.phaseValue = 'exiting';
    // L13: the lock goes first, so the new version the installer starts is not turned away.
    this.releaseLock();
    this.installTimer = this.setTimer(() => this.failInstall('the installer did not take over'), this.options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS);
    try {
      this.options.installer.quitAndInstall();
    } catch (error) {
      this.failInstall(describeError(error));
    }
  }

  /**
   * The updater reported an error, or the quit for the install was vetoed; false when no install
   * runs. While draining for the update the error belongs to that install: it is kept and the
   * install fails once the drain is over — the gateway is never restarted under a running drain.
   */
  installFailed(message: string): boolean {
    if (this.phaseValue === 'draining' && this.reason === 'update') {
      this.log(`The updater failed during the drain (${message}); the install will not run.`);
      this.installErrorDuringDrain ??= message;
      return true;
    }
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

  /**
   * Brings the gateway and a window back after a failed install; idempotent while it runs. Acts
   * only when the lifecycle is back to running with the gateway stopped: an updater error that
   * reaches the policy during a drain must not restart the gateway under that drain.
   */
  recoverFromFailedInstall(): Promise<void> {
    if (this.recovery) return this.recovery;
    if (this.phaseValue !== 'running' || this.options.gateway.started) {
      this.log(`No gateway restart: the lifecycle is ${this.phaseValue} and the gateway is ${this.options.gateway.started ? 'running' : 'stopped'}.`);
      return Promise.resolve();
    }
    this.recovery = (async () => {
      try {
        await this.options.gateway.restart();
        this.options.windows.show();
      } catch (error) {
        this.log(`Could not restart the gateway after the failed install: ${describeError(error)}`);
        this.forceExit();
      } finally {
        this.recovery = null;
      }
    })();
    return this.recovery;
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  private queue(reason: ExitReason): Promise<DrainResult | null> {
    if (this.queued) {
      this.queued.reason = joinExit(this.queued.reason, reason);
      return this.queued.done;
    }
    this.log(`Exit (${reason}) asked for while starting: it runs once the gateway is up.`);
    let settle!: (result: Promise<DrainResult | null>) => void;
    const done = new Promise<DrainResult | null>((resolve) => (settle = resolve));
    this.queued = { reason, settle, done };
    return done;
  }

  /**
   * Install-on-quit is off unless armed here: only for a quit exit, only after the pre-update
   * backup. Restart, update and forced exits never arm it (an `app.exit(0)` also emits `'quit'`,
   * which electron-updater would take as its cue), and an OS shutdown or signal has no time for a
   * backup or an installer racing the power-off.
   */
  private async prepareQuitInstall(): Promise<void> {
    if (!this.options.updateReady() || noTimeForInstall(this.reason)) return;
    try {
      await this.options.gateway.backupNow('pre-update');
    } catch (error) {
      this.log(`No backup before the update (${describeError(error)}); not installing it on this quit.`);
      return;
    }
    // Checked again: a shutdown may have joined while the backup ran.
    if (noTimeForInstall(this.reason)) return;
    this.options.installer.setInstallOnQuit(true);
  }

  private disarmInstallOnQuit(): void {
    try {
      this.options.installer.setInstallOnQuit(false);
    } catch (error) {
      this.log(`Could not switch install-on-quit off: ${describeError(error)}`);
    }
  }

  private async stopGateway(): Promise<void> {
    try {
      await this.options.gateway.stop();
    } catch (error) {
      this.log(`Stopping the gateway failed: ${describeError(error)}`);
    }
  }

  private releaseLock(): void {
    try {
      this.options.app.releaseSingleInstanceLock();
    } catch (error) {
      this.log(`Could not release the single-instance lock: ${describeError(error)}`);
    }
  }

  private relaunchAndExit(code: number): void {
    this.phaseValue = 'exiting';
    // L13: the lock goes first, so the new instance is not turned away as a second launch.
    this.releaseLock();
    try {
      this.options.app.relaunch();
    } catch (error) {
      this.log(`Relaunch failed (${describeError(error)}); exiting anyway.`);
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
