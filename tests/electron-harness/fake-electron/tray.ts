/**
 * Tray, from shell/browser/api/electron_api_tray.cc and docs/api/tray.md:
 * - `new Tray()` before the app is ready throws;
 * - the context menu is what setContextMenu last received (on Linux a change to a MenuItem only
 *   shows after setContextMenu again, so the model keeps the Menu object as given);
 * - a destroyed tray throws on use.
 * The test reads the menu and clicks items by label through the control channel, as a person
 * clicks the real tray.
 */
import { EventEmitter } from 'node:events';
import { app } from './app.ts';
import { onCommand, report } from './control.ts';
import { ElectronEvent } from './electron-event.ts';
import { clickItem, describeMenu, type Menu } from './menu.ts';
import type { NativeImage } from './native-image.ts';
import { harness } from './platform.ts';

const trays = new Set<Tray>();

export class Tray extends EventEmitter {
  private menu: Menu | null = null;
  private toolTip = '';
  private title = '';
  private image: NativeImage;
  private destroyed = false;

  constructor(image: NativeImage) {
    super();
    if (!app.isReady()) throw new Error('Cannot create Tray before app is ready');
    this.image = image;
    trays.add(this);
    report('tray.created', { template: image.isTemplateImage(), size: image.getSize() });
  }

  private alive(): void {
    if (this.destroyed) throw new Error('Tray is destroyed');
  }

  setContextMenu(menu: Menu | null): void {
    this.alive();
    this.menu = menu;
    report('tray.menu', { items: menu ? describeMenu(menu) : null });
  }

  setToolTip(text: string): void {
    this.alive();
    this.toolTip = text;
    report('tray.tooltip', { text });
  }

  setTitle(title: string): void {
    this.alive();
    this.title = title;
  }

  getTitle(): string {
    return this.title;
  }

  setImage(image: NativeImage): void {
    this.alive();
    this.image = image;
    report('tray.image', { template: image.isTemplateImage() });
  }

  setPressedImage(): void {}
  setIgnoreDoubleClickEvents(): void {}
  popUpContextMenu(): void {}
  closeContextMenu(): void {}
  displayBalloon(): void {}
  getBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 0, y: 0, width: 16, height: 16 };
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
    trays.delete(this);
    report('tray.destroyed');
  }

  /** Harness side. */
  state(): { toolTip: string; template: boolean; items: ReturnType<typeof describeMenu> | null } {
    return { toolTip: this.toolTip, template: this.image.isTemplateImage(), items: this.menu ? describeMenu(this.menu) : null };
  }

  menuForTest(): Menu | null {
    return this.menu;
  }
}

function onlyTray(): Tray {
  const [tray] = [...trays];
  if (!tray) throw new Error('the app has no tray');
  return tray;
}

onCommand('tray.state', () => onlyTray().state());
onCommand('tray.clickItem', (args) => clickItem(onlyTray().menuForTest(), args as { label?: string; pattern?: string; role?: string }));
onCommand('tray.click', () => {
  const tray = onlyTray();
  // StatusNotifierItem (Linux) activates on a left click; Windows and macOS emit 'click'.
  tray.emit('click', new ElectronEvent(), tray.getBounds(), { x: 0, y: 0 });
  return { platform: harness.platform };
});
