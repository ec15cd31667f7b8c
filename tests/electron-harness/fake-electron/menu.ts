/**
 * Menu and MenuItem, written from lib/browser/api/menu.ts and menu-item.ts, menu-item-roles.ts
 * and default-menu.ts:
 * - buildFromTemplate takes an array; every item needs a label, a role or type 'separator'
 *   (otherwise a TypeError), roles and types must be known ones, a submenu item needs a submenu;
 * - a role item without click runs the role's action (quit → app.quit(), toggleDevTools, reload…);
 * - a disabled or invisible item cannot be clicked (the native menu never calls it);
 * - the application menu: if the app has not set one when 'will-finish-launching' fires, Electron
 *   installs its default menu (File, Edit, View with Reload / Force Reload / Toggle Developer Tools,
 *   Window, Help). setApplicationMenu(null) removes it.
 * Tests click items by label or role through the control channel.
 */
import { onCommand, report } from './control.ts';

const ROLES = new Set([
  'undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll', 'reload', 'forceReload',
  'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'toggleSpellChecker', 'togglefullscreen', 'window', 'minimize',
  'close', 'help', 'about', 'services', 'hide', 'hideOthers', 'unhide', 'quit', 'showSubstitutions',
  'toggleSmartQuotes', 'toggleSmartDashes', 'toggleTextReplacement', 'startSpeaking', 'stopSpeaking', 'zoom', 'front',
  'appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'shareMenu', 'recentDocuments', 'toggleTabBar', 'selectNextTab',
  'selectPreviousTab', 'showAllTabs', 'mergeAllWindows', 'clearRecentDocuments', 'moveTabToNewWindow', 'windowMenu',
]);
const TYPES = new Set(['normal', 'separator', 'submenu', 'checkbox', 'radio', 'header', 'palette']);

export interface MenuItemOptions {
  label?: string;
  role?: string;
  type?: string;
  click?: (...args: unknown[]) => void;
  enabled?: boolean;
  visible?: boolean;
  checked?: boolean;
  accelerator?: string;
  id?: string;
  submenu?: MenuItemOptions[] | Menu;
  [key: string]: unknown;
}

/** Role actions that matter to the app; others are recorded as clicked. */
const roleActions: Record<string, () => void> = {};
export function setRoleAction(role: string, action: () => void): void {
  roleActions[role] = action;
}

export class MenuItem {
  label: string;
  role: string | undefined;
  type: string;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  accelerator: string | undefined;
  id: string | undefined;
  submenu: Menu | undefined;
  click: (...args: unknown[]) => void;
  private readonly userClick: ((...args: unknown[]) => void) | undefined;

  constructor(options: MenuItemOptions) {
    if (options.role !== undefined && !ROLES.has(options.role)) throw new Error(`Invalid role: ${options.role}`);
    const type = options.type ?? (options.submenu ? 'submenu' : 'normal');
    if (!TYPES.has(type)) throw new Error(`Unknown menu item type: ${type}`);
    if (type === 'submenu' && !options.submenu) throw new Error('Invalid submenu');
    if (options.click !== undefined && typeof options.click !== 'function') throw new TypeError('click must be a function');
    this.label = options.label ?? '';
    this.role = options.role;
    this.type = type;
    this.enabled = options.enabled ?? true;
    this.visible = options.visible ?? true;
    this.checked = options.checked ?? false;
    this.accelerator = options.accelerator;
    this.id = options.id;
    this.submenu = options.submenu === undefined ? undefined : options.submenu instanceof Menu ? options.submenu : Menu.buildFromTemplate(options.submenu);
    this.userClick = options.click;
    this.click = (...args: unknown[]) => {
      if (this.type === 'checkbox') this.checked = !this.checked;
      if (this.userClick) this.userClick(this, undefined, undefined, ...args);
      else if (this.role && roleActions[this.role]) roleActions[this.role]!();
    };
  }
}

export class Menu {
  readonly items: MenuItem[] = [];

  append(item: MenuItem): void {
    this.items.push(item);
  }

  insert(position: number, item: MenuItem): void {
    this.items.splice(position, 0, item);
  }

  getMenuItemById(id: string): MenuItem | null {
    for (const item of this.items) {
      if (item.id === id) return item;
      const found = item.submenu?.getMenuItemById(id);
      if (found) return found;
    }
    return null;
  }

  popup(): void {}
  closePopup(): void {}

  static buildFromTemplate(template: unknown): Menu {
    if (!Array.isArray(template)) throw new TypeError('Invalid template for Menu: Menu template must be an array');
    const valid = template.every(
      (item: unknown) =>
        item !== null &&
        typeof item === 'object' &&
        (Object.prototype.hasOwnProperty.call(item, 'label') || Object.prototype.hasOwnProperty.call(item, 'role') || (item as MenuItemOptions).type === 'separator'),
    );
    if (!valid) throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
    const menu = new Menu();
    for (const item of template as Array<MenuItemOptions | MenuItem>) menu.append(item instanceof MenuItem ? item : new MenuItem(item));
    return menu;
  }

  static setApplicationMenu(menu: Menu | null): void {
    applicationMenu = menu;
    applicationMenuSource = 'app';
    report('menu.application-set', { items: menu ? describeMenu(menu) : null });
  }

  static getApplicationMenu(): Menu | null {
    return applicationMenu;
  }

  static sendActionToFirstResponder(): void {}
}

let applicationMenu: Menu | null = null;
let applicationMenuSource: 'none' | 'default' | 'app' = 'none';

/** default-menu.ts, installed at 'will-finish-launching' when the app has set none. */
export function installDefaultApplicationMenu(platform: string): void {
  if (applicationMenuSource !== 'none') return;
  const template: MenuItemOptions[] = [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const, label: 'App', submenu: [{ role: 'quit' }] }] : []),
    { role: 'fileMenu', label: 'File', submenu: [{ role: platform === 'darwin' ? 'close' : 'quit', label: platform === 'darwin' ? 'Close Window' : 'Quit' }] },
    { role: 'editMenu', label: 'Edit', submenu: [{ role: 'undo', label: 'Undo' }, { role: 'redo', label: 'Redo' }, { type: 'separator' }, { role: 'cut', label: 'Cut' }, { role: 'copy', label: 'Copy' }, { role: 'paste', label: 'Paste' }, { role: 'selectAll', label: 'Select All' }] },
    {
      role: 'viewMenu',
      label: 'View',
      submenu: [
        { role: 'reload', label: 'Reload' },
        { role: 'forceReload', label: 'Force Reload' },
        { role: 'toggleDevTools', label: 'Toggle Developer Tools' },
        { type: 'separator' },
        { role: 'resetZoom', label: 'Actual Size' },
        { role: 'zoomIn', label: 'Zoom In' },
        { role: 'zoomOut', label: 'Zoom Out' },
        { type: 'separator' },
        { role: 'togglefullscreen', label: 'Toggle Full Screen' },
      ],
    },
    { role: 'windowMenu', label: 'Window', submenu: [{ role: 'minimize', label: 'Minimize' }, { role: 'close', label: 'Close' }] },
    { role: 'help', label: 'Help', submenu: [{ label: 'Learn More' }] },
  ];
  applicationMenu = Menu.buildFromTemplate(template);
  applicationMenuSource = 'default';
  report('menu.application-set', { items: describeMenu(applicationMenu), default: true });
}

export interface DescribedItem {
  label: string;
  role: string | null;
  type: string;
  enabled: boolean;
  visible: boolean;
  submenu?: DescribedItem[];
}

export function describeMenu(menu: Menu): DescribedItem[] {
  return menu.items.map((item) => ({
    label: item.label,
    role: item.role ?? null,
    type: item.type,
    enabled: item.enabled,
    visible: item.visible,
    ...(item.submenu ? { submenu: describeMenu(item.submenu) } : {}),
  }));
}

/** Finds an item by label (exact, or a RegExp source when `pattern` is set) or role, depth first. */
export function findItem(menu: Menu, query: { label?: string; pattern?: string; role?: string }): MenuItem | null {
  const regex = query.pattern ? new RegExp(query.pattern) : null;
  for (const item of menu.items) {
    const matches =
      (query.label !== undefined && item.label === query.label) || (regex !== null && regex.test(item.label)) || (query.role !== undefined && item.role === query.role);
    if (matches) return item;
    const inner = item.submenu ? findItem(item.submenu, query) : null;
    if (inner) return inner;
  }
  return null;
}

/** What the native menu does on a click: nothing for disabled or hidden items. */
export function clickItem(menu: Menu | null, query: { label?: string; pattern?: string; role?: string }): { label: string; role: string | null } {
  if (!menu) throw new Error('there is no menu');
  const item = findItem(menu, query);
  if (!item) throw new Error(`no menu item matches ${JSON.stringify(query)}; items: ${JSON.stringify(describeMenu(menu).map((i) => i.label))}`);
  if (!item.enabled || !item.visible) throw new Error(`menu item "${item.label}" is disabled or hidden`);
  item.click();
  return { label: item.label, role: item.role ?? null };
}

/** menu-item-roles.ts: the accelerators roles bring when the item sets none. */
const ROLE_ACCELERATORS: Record<string, string> = {
  quit: 'CmdOrCtrl+Q',
  close: 'CmdOrCtrl+W',
  undo: 'CmdOrCtrl+Z',
  redo: 'Shift+CmdOrCtrl+Z',
  cut: 'CmdOrCtrl+X',
  copy: 'CmdOrCtrl+C',
  paste: 'CmdOrCtrl+V',
  selectAll: 'CmdOrCtrl+A',
  reload: 'CmdOrCtrl+R',
  forceReload: 'Shift+CmdOrCtrl+R',
  toggleDevTools: 'Alt+CmdOrCtrl+I',
  minimize: 'CmdOrCtrl+M',
};

function normalizeAccelerator(accelerator: string): string {
  return accelerator
    .split('+')
    .map((part) => (/^(CommandOrControl|CmdOrCtrl)$/i.test(part) ? 'CmdOrCtrl' : part))
    .sort()
    .join('+')
    .toLowerCase();
}

function byAccelerator(menu: Menu, wanted: string): MenuItem | null {
  for (const item of menu.items) {
    const accelerator = item.accelerator ?? (item.role ? ROLE_ACCELERATORS[item.role] : undefined);
    // Windows gives the quit role no accelerator (Alt+F4 closes the window instead).
    const applies = !(item.role === 'quit' && item.accelerator === undefined && process.platform === 'win32');
    if (accelerator && applies && normalizeAccelerator(accelerator) === wanted && item.enabled && item.visible) return item;
    const inner = item.submenu ? byAccelerator(item.submenu, wanted) : null;
    if (inner) return inner;
  }
  return null;
}

onCommand('menu.application', () => (applicationMenu ? describeMenu(applicationMenu) : null));
onCommand('menu.clickItem', (args) => clickItem(applicationMenu, args as { label?: string; pattern?: string; role?: string }));
/** A key press in the focused window reaches the application menu's accelerators. */
onCommand('menu.accelerator', (args) => {
  if (!applicationMenu) throw new Error('there is no application menu, so no accelerator works');
  const item = byAccelerator(applicationMenu, normalizeAccelerator(String(args.accelerator)));
  if (!item) throw new Error(`no application menu item answers ${String(args.accelerator)}`);
  item.click();
  return { label: item.label, role: item.role ?? null };
});
