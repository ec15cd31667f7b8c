/**
 * electron-updater behind the UpdateDriver and InstallPort (one adapter for the update API).
 * Events go to the update policy; downloads are started by the policy (autoDownload off), so the
 * state the renderer sees is always the policy's.
 *
 * One install route (SPEC L37): install-on-quit is OFF. electron-updater's own quit handler
 * (BaseUpdater.addQuitHandler) installs silently on ANY `'quit'` with exit code 0 — and Electron's
 * `app.exit(0)`, which a restart ends with, emits `'quit'` too — without the pre-update backup, the
 * update marker or "Updated to vX". So updates install through the lifecycle's update route
 * (drain, backup, marker, quitAndInstall), and install-on-quit is armed by the lifecycle only for a
 * plain quit, only after that quit's backup (`setInstallOnQuit(true)`). Because electron-updater
 * registers its own quit handler only when the flag was on when the download finished — never,
 * here — arming registers this adapter's handler, which keeps electron-updater's rules (exit code
 * 0, nothing after quitAndInstall) and calls its public `install(isSilent, isForceRunAfter)`.
 */
import electronUpdater, { type AppUpdater } from 'electron-updater';
import type { UpdateEvent } from '../../core/update/update-policy.ts';
import type { UpdaterPort } from '../../core/ports.ts';
import type { InstallPort } from '../lifecycle/desktop-lifecycle.ts';
import type { UpdateDriver } from '../update/update-controller.ts';

export interface ElectronUpdaterOptions {
  /** Update events for the policy. */
  dispatch: (event: UpdateEvent) => void;
  /** An updater error while installing (or draining for an install): the install failed. */
  onInstallError: (message: string) => boolean;
  /** Electron's `before-quit-for-update`: the lifecycle decides whether it is honoured. */
  onBeforeQuitForUpdate: () => void;
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Electron's native `autoUpdater`, which emits `before-quit-for-update`. */
  nativeUpdater: { on(event: 'before-quit-for-update', listener: () => void): unknown };
  /** `app.on('quit', (event, exitCode) => …)`. */
  onAppQuit: (listener: (exitCode: number) => void) => void;
  /** Defaults to electron-updater's platform updater, created on first use (it needs Electron's app). */
  updater?: AppUpdater;
}

export interface ElectronUpdater {
  /** The core's UpdaterPort: what the update policy's effects call. */
  port: UpdaterPort;
  driver: UpdateDriver;
  installer: InstallPort;
}

/** BaseUpdater (Linux, Windows) can install from a quit handler; MacUpdater leaves that to Squirrel. */
function canInstallDirectly(updater: AppUpdater): updater is AppUpdater & { install(isSilent?: boolean, isForceRunAfter?: boolean): boolean } {
  return typeof (updater as { install?: unknown }).install === 'function';
}

export function electronUpdaterAdapter(options: ElectronUpdaterOptions): ElectronUpdater {
  const autoUpdater = options.updater ?? electronUpdater.autoUpdater;
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  // Explicit, because quitAndInstall(isSilent=false) ignores its isForceRunAfter argument and
  // takes this flag instead (BaseUpdater.quitAndInstall): the new version starts after installing.
  autoUpdater.autoRunAppAfterInstall = true;
  autoUpdater.logger = options.logger;

  autoUpdater.on('update-available', (info) => options.dispatch({ type: 'update-available', version: info.version }));
  autoUpdater.on('update-not-available', () => options.dispatch({ type: 'update-not-available' }));
  autoUpdater.on('download-progress', (progress) => options.dispatch({ type: 'download-progress', fraction: progress.percent / 100 }));
  autoUpdater.on('update-downloaded', (info) => options.dispatch({ type: 'update-downloaded', version: info.version }));
  autoUpdater.on('error', (error: Error) => {
    if (options.onInstallError(error.message)) return;
    options.dispatch({ type: 'error', message: error.message });
  });
  options.nativeUpdater.on('before-quit-for-update', () => options.onBeforeQuitForUpdate());

  let quitAndInstallCalled = false;
  let quitHandlerAdded = false;
  const installOnQuit = (exitCode: number) => {
    if (!autoUpdater.autoInstallOnAppQuit || quitAndInstallCalled) return;
    if (exitCode !== 0) {
      options.logger.info(`Not installing the update on this quit: exit code ${exitCode}.`);
      return;
    }
    if (!canInstallDirectly(autoUpdater)) return;
    options.logger.info('Installing the downloaded update on quit (the store was backed up first).');
    // Silent, no run-after: the user quit.
    autoUpdater.install(true, false);
  };

  const port: UpdaterPort = {
    async checkForUpdates() {
      const result = await autoUpdater.checkForUpdates();
      // null: the updater is inactive (an unpackaged build); nothing will follow.
      if (result === null) options.dispatch({ type: 'update-not-available' });
    },
    async downloadUpdate() {
      await autoUpdater.downloadUpdate();
    },
    // Not silent (the installer may need to ask on Windows); run-after comes from
    // autoRunAppAfterInstall (set above), not from the second argument.
    quitAndInstall: () => {
      quitAndInstallCalled = true;
      autoUpdater.quitAndInstall(false, true);
    },
  };
  return {
    port,
    driver: port,
    installer: {
      quitAndInstall: () => port.quitAndInstall(),
      setInstallOnQuit: (enabled) => {
        autoUpdater.autoInstallOnAppQuit = enabled;
        if (!enabled || quitHandlerAdded) return;
        if (!canInstallDirectly(autoUpdater)) {
          // Squirrel.Mac only fetches the update for quitAndInstall while this flag was off at
          // download: the update waits for "Restart to update" or the next launch.
          options.logger.info('On this platform the update installs through "Restart to update".');
          return;
        }
        quitHandlerAdded = true;
        options.onAppQuit(installOnQuit);
      },
    },
  };
}
