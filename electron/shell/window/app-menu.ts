/**
 * The application menu. Without one Electron installs its default menu (lib/browser/default-menu.ts),
 * whose View menu offers Reload, Force Reload and Toggle Developer Tools — in the shipped app too.
 * Baton's is minimal: Quit (through app.quit, so through the drain, L27), the Edit roles the
 * composer needs (copy/paste/undo and their shortcuts), a Window menu on macOS, and the developer
 * View menu only in an unpackaged build. Pure, so it is tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { menuAccelerator, SHORTCUTS, type ShortcutId } from '../../../shared/shortcuts.ts';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** `app.isPackaged`: developer items only when false. */
  isPackaged: boolean;
  appName: string;
  /** `app.quit()`: before-quit → the drain. */
  quit: () => void;
  /**
   * Issue 11: runs a window shortcut (shared/shortcuts.ts) from its menu entry. The entries show the
   * same accelerators without registering them, so the key itself reaches the window's one handler.
   */
  shortcut?: (id: ShortcutId) => void;
}

export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const quit: MenuItemConstructorOptions = {
    label: mac ? `Quit ${options.appName}` : 'Quit',
    accelerator: 'CmdOrCtrl+Q',
    click: () => options.quit(),
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'pasteAndMatchStyle' },
      { role: 'selectAll' },
    ],
  };
  const menu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: options.appName,
          submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, quit],
        },
        edit,
        { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] },
      ]
    : [{ label: 'File', submenu: [quit] }, edit];
  if (options.shortcut) {
    const run = options.shortcut;
    const entries = SHORTCUTS.map(
      (shortcut): MenuItemConstructorOptions => ({
        label: shortcut.label,
        accelerator: menuAccelerator(shortcut.keys[0]!),
        registerAccelerator: false,
        click: () => run(shortcut.id),
      }),
    );
    menu.splice(mac ? 2 : 1, 0, { label: 'Conversation', submenu: entries });
  }
  if (!options.isPackaged) {
    menu.push({ label: 'View', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] });
  }
  return menu;
}

/** The key press of a shortcut's first combination, as `webContents.sendInputEvent` takes it (keyDown, then keyUp). */
export function shortcutKeyPress(id: ShortcutId, platform: NodeJS.Platform): Array<{ type: 'keyDown' | 'keyUp'; keyCode: string; modifiers: Array<'control' | 'meta' | 'shift'> }> {
  const combo = SHORTCUTS.find((shortcut) => shortcut.id === id)!.keys[0]!;
  const parts = combo.split('+');
  const keyCode = parts.pop()!;
  const modifiers: Array<'control' | 'meta' | 'shift'> = [];
  if (parts.includes('Mod')) modifiers.push(platform === 'darwin' ? 'meta' : 'control');
  if (parts.includes('Shift')) modifiers.push('shift');
  return [
    { type: 'keyDown', keyCode, modifiers },
    { type: 'keyUp', keyCode, modifiers },
  ];
}
