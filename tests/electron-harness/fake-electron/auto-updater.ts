/**
 * The native `autoUpdater` (lib/browser/api/auto-updater/auto-updater-native.ts over
 * shell/browser/api/electron_api_auto_updater.cc and auto_updater_mac.mm).
 *
 * On Linux Electron has no native updater; electron-updater only uses this object as an event
 * emitter (BaseUpdater emits 'before-quit-for-update' on it before its own app.quit()).
 *
 * On macOS it is Squirrel.Mac, which electron-updater's MacUpdater drives: setFeedURL points at
 * MacUpdater's local proxy server, checkForUpdates makes Squirrel fetch the feed JSON and the zip
 * — *after* electron-updater has already said 'update-downloaded' — and only then does the native
 * 'update-downloaded' fire. quitAndInstall() emits 'before-quit-for-update', asks the windows to
 * close and quits; ShipIt installs after the process has gone and relaunches the app. The model
 * fetches for real over HTTP and lands the native download BATON_HARNESS_SQUIRREL_DELAY_MS later
 * (or fails it), so a scenario can click "Restart to update" before Squirrel is ready.
 */
import { EventEmitter } from 'node:events';
import { app } from './app.ts';
import { onCommand, report } from './control.ts';
import { ElectronEvent } from './electron-event.ts';
import { harness } from './platform.ts';

class NativeAutoUpdater extends EventEmitter {
  private feedURL = '';
  private feedHeaders: Record<string, string> = {};
  private downloaded = false;
  private downloading = false;
  private installArmed = false;

  setFeedURL(options: string | { url: string; headers?: Record<string, string> }): void {
    this.feedURL = typeof options === 'string' ? options : options.url;
    this.feedHeaders = typeof options === 'string' ? {} : (options.headers ?? {});
    report('squirrel.setFeedURL', { url: this.feedURL });
  }

  getFeedURL(): string {
    return this.feedURL;
  }

  checkForUpdates(): void {
    if (harness.platform !== 'darwin') throw new Error('autoUpdater is not supported on this platform (Electron has no native updater on Linux)');
    if (!this.feedURL) throw new Error('Update URL is not set');
    this.emit('checking-for-update', new ElectronEvent());
    if (this.downloading) return;
    this.downloading = true;
    report('squirrel.checkForUpdates');
    void this.squirrelDownload().finally(() => (this.downloading = false));
  }

  private async squirrelDownload(): Promise<void> {
    try {
      const response = await fetch(this.feedURL, { headers: this.feedHeaders });
      if (!response.ok) throw new Error(`Squirrel: the feed answered ${response.status}`);
      const feed = (await response.json()) as { url?: string };
      if (!feed.url) throw new Error('Squirrel: the feed has no url');
      this.emit('update-available', new ElectronEvent());
      const zip = await fetch(feed.url);
      if (!zip.ok) throw new Error(`Squirrel: download failed with status ${zip.status}`);
      await zip.arrayBuffer();
      if (harness.squirrelDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, harness.squirrelDelayMs));
      if (harness.squirrelFails) throw new Error('Squirrel: the update could not be verified');
      this.downloaded = true;
      report('squirrel.update-downloaded');
      this.emit('update-downloaded', new ElectronEvent(), '', 'release', new Date(), feed.url);
    } catch (error) {
      report('squirrel.error', { message: error instanceof Error ? error.message : String(error) });
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
  }

  quitAndInstall(): void {
    if (harness.platform !== 'darwin') throw new Error('autoUpdater.quitAndInstall is not supported on this platform');
    if (!this.downloaded) {
      this.emit('error', new Error('No update available, can\'t quit and install'));
      return;
    }
    report('squirrel.quitAndInstall');
    this.emit('before-quit-for-update', new ElectronEvent());
    // ShipIt swaps the bundle once the process has quit, then starts the new version (once, even
    // when the app cancelled this quit and quits later).
    if (!this.installArmed) {
      this.installArmed = true;
      app.once('quit', () => {
        report('squirrel.installed');
        app.relaunch();
      });
    }
    app.quit();
  }
}

export const autoUpdater = new NativeAutoUpdater();

/** Squirrel.Mac reports an error now (a failed signature check, a full disk): MacUpdater relays it. */
onCommand('squirrel.error', (args) => {
  autoUpdater.emit('error', new Error(String(args.message ?? 'Squirrel: the update could not be applied')));
});
