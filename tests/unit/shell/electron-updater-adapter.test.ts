/**
 * The electron-updater adapter against the REAL electron-updater (its DebUpdater, a BaseUpdater),
 * given an app adapter instead of Electron's app (electron-updater's own AppAdapter seam). L37:
 * nothing installs on a plain exit; install-on-quit runs only when the lifecycle armed it.
 */
import { EventEmitter } from 'node:events';
import { DebUpdater, type AppUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { describe, expect, it } from 'vitest';
import { electronUpdaterAdapter } from '../../../electron/shell/adapters/electron-updater.ts';

/** Electron's app as electron-updater sees it: `'quit'` carries the exit code (app.exit emits it too). */
class QuittingApp implements AppAdapter {
  readonly version = '1.0.0';
  readonly name = 'Baton';
  readonly isPackaged = true;
  readonly appUpdateConfigPath = '/nonexistent/app-update.yml';
  readonly userDataPath = '/tmp';
  readonly baseCachePath = '/tmp';
  readonly events = new EventEmitter();
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  relaunch(): void {}
  quit(): void {}
  onQuit(handler: (exitCode: number) => void): void {
    this.events.once('quit', handler);
  }
  /** What app.exit(code) / the end of app.quit() do: emit 'quit' with the code. */
  emitQuit(code: number): void {
    this.events.emit('quit', code);
  }
}

function setup() {
  const app = new QuittingApp();
  const updater: AppUpdater = new DebUpdater(null, app);
  const logs: string[] = [];
  const installErrors: string[] = [];
  const native = new EventEmitter();
  const adapter = electronUpdaterAdapter({
    updater,
    dispatch: () => {},
    onInstallError: (message) => (installErrors.push(message), true),
    onBeforeQuitForUpdate: () => logs.push('before-quit-for-update'),
    logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    nativeUpdater: native as unknown as { on(event: 'before-quit-for-update', listener: () => void): unknown },
    onAppQuit: (listener) => app.events.on('quit', listener),
  });
  return { app, updater, adapter, logs, installErrors, native };
}

/** What BaseUpdater.executeDownload does once a download is verified (protected in its typings). */
function downloadFinished(updater: AppUpdater): void {
  (updater as unknown as { addQuitHandler(): void }).addQuitHandler();
}

/** electron-updater's install() without a download reports this: proof that an install was attempted. */
const INSTALL_ATTEMPT = /No update filepath provided/;

describe('electron-updater adapter (L37)', () => {
  it('switches install-on-quit off and sets run-after-install explicitly', () => {
    const { updater } = setup();
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.autoRunAppAfterInstall).toBe(true);
    expect(updater.autoDownload).toBe(false);
  });

  it("an exit's 'quit'(0) installs nothing unless the lifecycle armed install-on-quit", () => {
    const { app, updater, installErrors } = setup();
    downloadFinished(updater);
    app.emitQuit(0);
    expect(installErrors).toEqual([]);
  });

  it('armed (a quit after its backup): the quit with exit code 0 installs through electron-updater', () => {
    const { app, updater, adapter, installErrors } = setup();
    downloadFinished(updater);
    adapter.installer.setInstallOnQuit(true);
    app.emitQuit(0);
    expect(installErrors).toHaveLength(1);
    expect(installErrors[0]).toMatch(INSTALL_ATTEMPT);
  });

  it('armed, then disarmed (an OS shutdown joined), or a non-zero exit: nothing installs', () => {
    const first = setup();
    first.adapter.installer.setInstallOnQuit(true);
    first.adapter.installer.setInstallOnQuit(false);
    first.app.emitQuit(0);
    expect(first.installErrors).toEqual([]);

    const second = setup();
    second.adapter.installer.setInstallOnQuit(true);
    second.app.emitQuit(70);
    expect(second.installErrors).toEqual([]);
  });

  it("Electron's before-quit-for-update goes to the lifecycle", () => {
    const { native, logs } = setup();
    native.emit('before-quit-for-update');
    expect(logs).toContain('before-quit-for-update');
  });
});
