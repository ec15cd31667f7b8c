/** Issue 8 findings 13 and 16: the tray icon stays visible on dark panels; no DevTools menu in the shipped app. */
import zlib from 'node:zlib';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { trayIcon } from '../../../electron/shell/tray/tray-icon.ts';
import { appMenuTemplate } from '../../../electron/shell/window/app-menu.ts';

/** The colours of the visible pixels of a 16×16 RGBA PNG (filter type 0 or Sub/Up/… decoded). */
function visibleColours(dataUrl: string): Set<string> {
  const png = Buffer.from(dataUrl.split(',')[1]!, 'base64');
  const chunks: Buffer[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') chunks.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(chunks));
  const stride = 16 * 4;
  let previous = Buffer.alloc(stride);
  const colours = new Set<string>();
  for (let row = 0; row < 16; row++) {
    const filter = raw[row * (stride + 1)]!;
    const line = Buffer.from(raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? line[i - 4]! : 0;
      const up = previous[i]!;
      const upLeft = i >= 4 ? previous[i - 4]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      line[i] = (line[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < 16; x++) if (line[x * 4 + 3]! > 0) colours.add(line.subarray(x * 4, x * 4 + 3).toString('hex'));
    previous = line;
  }
  return colours;
}

describe('tray icon (L28)', () => {
  it('macOS: a template image (black + alpha, recoloured by the menu bar)', () => {
    const icon = trayIcon('darwin', true);
    expect(icon.template).toBe(true);
    expect(visibleColours(icon.dataUrl)).toEqual(new Set(['000000']));
  });

  it('Linux: a light mark for the dark panels (GNOME top bar)', () => {
    const icon = trayIcon('linux', false);
    expect(icon.template).toBe(false);
    expect(visibleColours(icon.dataUrl)).toEqual(new Set(['ffffff']));
  });

  it('Windows: light on a dark taskbar, dark on a light one', () => {
    expect(visibleColours(trayIcon('win32', true).dataUrl)).toEqual(new Set(['ffffff']));
    expect(visibleColours(trayIcon('win32', false).dataUrl)).toEqual(new Set(['000000']));
  });
});

function roles(menu: MenuItemConstructorOptions[]): string[] {
  return menu.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);
}

function findLabel(menu: MenuItemConstructorOptions[], label: RegExp): MenuItemConstructorOptions | undefined {
  for (const item of menu) {
    if (item.label && label.test(item.label)) return item;
    if (Array.isArray(item.submenu)) {
      const found = findLabel(item.submenu, label);
      if (found) return found;
    }
  }
  return undefined;
}

describe('application menu (L27)', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`${platform}, packaged: Quit goes through app.quit (the drain); Edit roles; no reload or DevTools`, () => {
      let quits = 0;
      const menu = appMenuTemplate({ platform, isPackaged: true, appName: 'Baton', quit: () => void quits++ });
      const quit = findLabel(menu, /^Quit/);
      expect(quit?.role).toBeUndefined();
      (quit?.click as () => void)();
      expect(quits).toBe(1);
      expect(roles(menu)).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo', 'redo']));
      expect(roles(menu)).not.toEqual(expect.arrayContaining(['toggleDevTools']));
      for (const role of ['reload', 'forceReload', 'toggleDevTools']) expect(roles(menu)).not.toContain(role);
    });
  }

  it('an unpackaged build keeps the developer View menu', () => {
    expect(roles(appMenuTemplate({ platform: 'linux', isPackaged: false, appName: 'Baton', quit: () => {} }))).toContain('toggleDevTools');
  });
});
