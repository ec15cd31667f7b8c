/**
 * The module `electron` resolves to inside a harness process (register.mjs maps `electron`,
 * `electron/main` and `electron/common` here for both `import` and `require`). Every export is a
 * model of Electron 45's main-process API written from its docs and source; each file names the
 * source it models. Windows, web contents, IPC, protocol, session, shell and screen live in
 * ./windows (backed by real Chromium pages).
 */
import { app } from './app.ts';
import { autoUpdater } from './auto-updater.ts';
import { dialog } from './dialog.ts';
import { Menu, MenuItem } from './menu.ts';
import { clipboard, crashReporter, globalShortcut, nativeTheme, powerSaveBlocker } from './misc.ts';
import { nativeImage, NativeImage } from './native-image.ts';
import { net } from './net.ts';
import { Notification } from './notification.ts';
import { powerMonitor } from './power-monitor.ts';
import { safeStorage } from './safe-storage.ts';
import { Tray } from './tray.ts';
import { BrowserWindow, ipcMain, MessageChannelMain, protocol, screen, session as windowsSession, shell, webContents } from './windows/index.ts';

/**
 * session.fromPartition(name) gives a separate session per partition (docs/api/session.md); the
 * windows layer models the windows' default one. electron-updater asks for its own
 * ('electron-updater', shell/browser/api/electron_api_session.cc FromPartition) only to pass it to
 * net.request, which the harness serves over Node's http: a plain per-partition object is enough.
 */
const partitions = new Map<string, object>();
const session = new Proxy(windowsSession, {
  get(target, property, receiver) {
    if (property !== 'fromPartition') return Reflect.get(target, property, receiver) as unknown;
    return (partition: string, options?: Record<string, unknown>) => {
      if (partition === '' || partition === 'persist:default') return target.fromPartition(partition);
      let found = partitions.get(partition);
      if (!found) {
        found = { partition, options: options ?? {}, on: () => undefined, clearCache: () => Promise.resolve(), getCacheSize: () => Promise.resolve(0) };
        partitions.set(partition, found);
      }
      return found;
    };
  },
});

export {
  app,
  autoUpdater,
  BrowserWindow,
  clipboard,
  crashReporter,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  MenuItem,
  MessageChannelMain,
  nativeImage,
  NativeImage,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  webContents,
};

/** `require('electron')` and `import electron from 'electron'` see the same object. */
const electronModule: Record<string, unknown> = {
  app,
  autoUpdater,
  BrowserWindow,
  clipboard,
  crashReporter,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  MenuItem,
  MessageChannelMain,
  nativeImage,
  NativeImage,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  webContents,
};
export default electronModule;
