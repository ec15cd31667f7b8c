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
import { BrowserWindow, ipcMain, MessageChannelMain, protocol, screen, session, shell, webContents } from './windows/index.ts';

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
