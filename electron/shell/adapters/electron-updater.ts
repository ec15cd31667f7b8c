/**
 * electron-updater behind the UpdateDriver and InstallPort (one adapter for the update API).
 * Events go to the update policy; downloads are started by the policy (autoDownload off), so the
 * state the renderer sees is always the policy's.
 *
 * autoInstallOnAppQuit is ON, deliberately: an ordinary quit with a downloaded update installs it,
 * as users of other desktop apps expect. It is safe because the quit itself only happens after the
 * drain (DesktopLifecycle cancels before-quit until the drain is over) and the store is backed up
 * first; an OS shutdown or signal switches it off for that exit (no time for an installer).
 */
import electronUpdater from 'electron-updater';
import { autoUpdater as nativeUpdater } from 'electron';
import type { UpdateEvent } from '../../core/update/update-policy.ts';
import type { UpdaterPort } from '../../core/ports.ts';
import type { InstallPort } from '../lifecycle/desktop-lifecycle.ts';
import type { UpdateDriver } from '../update/update-controller.ts';

const { autoUpdater } = electronUpdater;

export interface ElectronUpdaterOptions {
  /** Update events for the policy. */
  dispatch: (event: UpdateEvent) => void;
  /** An updater error while installing: the install failed. */
  onInstallError: (message: string) => boolean;
  /** electron-updater's `before-quit-for-update`: its own quit must never be cancelled. */
  onBeforeQuitForUpdate: () => void;
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

export interface ElectronUpdater {
  /** The core's UpdaterPort: what the update policy's effects call. */
  port: UpdaterPort;
  driver: UpdateDriver;
  installer: InstallPort;
}

export function electronUpdaterAdapter(options: ElectronUpdaterOptions): ElectronUpdater {
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.logger = options.logger;

  autoUpdater.on('update-available', (info) => options.dispatch({ type: 'update-available', version: info.version }));
  autoUpdater.on('update-not-available', () => options.dispatch({ type: 'update-not-available' }));
  autoUpdater.on('download-progress', (progress) => options.dispatch({ type: 'download-progress', fraction: progress.percent / 100 }));
  autoUpdater.on('update-downloaded', (info) => options.dispatch({ type: 'update-downloaded', version: info.version }));
  autoUpdater.on('error', (error: Error) => {
    if (options.onInstallError(error.message)) return;
    options.dispatch({ type: 'error', message: error.message });
  });
  nativeUpdater.on('before-quit-for-update', () => options.onBeforeQuitForUpdate());

  const port: UpdaterPort = {
    async checkForUpdates() {
      const result = await autoUpdater.checkForUpdates();
      // null: the updater is inactive (an unpackaged build); nothing will follow.
      if (result === null) options.dispatch({ type: 'update-not-available' });
    },
    async downloadUpdate() {
      await autoUpdater.downloadUpdate();
    },
    // Not silent (the installer may need to ask on Windows), and run the app again afterwards.
    quitAndInstall: () => autoUpdater.quitAndInstall(false, true),
  };
  return {
    port,
    driver: port,
    installer: {
      quitAndInstall: () => port.quitAndInstall(),
      setInstallOnQuit: (enabled) => {
        autoUpdater.autoInstallOnAppQuit = enabled;
      },
    },
  };
}
