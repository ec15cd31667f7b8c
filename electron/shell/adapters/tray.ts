/** The tray icon and its menu (L28), rebuilt from the pure TrayModel whenever the counts change. */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { TrayIcon } from '../tray/tray-icon.ts';
import type { TrayAction, TrayModel } from '../tray/tray-model.ts';

function image(icon: TrayIcon): NativeImage {
  const picture = nativeImage.createFromDataURL(icon.dataUrl);
  if (icon.template) picture.setTemplateImage(true);
  return picture;
}

export class TrayAdapter {
  private readonly tray: Tray;
  private readonly onAction: (action: TrayAction) => void;
  private lastModel = '';

  constructor(onAction: (action: TrayAction) => void, icon: TrayIcon) {
    this.onAction = onAction;
    this.tray = new Tray(image(icon));
    this.tray.setToolTip('Baton');
    this.tray.on('click', () => this.onAction('open'));
  }

  /** A theme change (Windows): the mark that stays visible on the new taskbar. */
  setIcon(icon: TrayIcon): void {
    this.tray.setImage(image(icon));
  }

  render(model: TrayModel): void {
    const key = JSON.stringify(model);
    if (key === this.lastModel) return;
    this.lastModel = key;
    this.tray.setToolTip(model.tooltip);
    const template: MenuItemConstructorOptions[] = model.items.map((item) => {
      if (item.label === '-') return { type: 'separator' };
      const action = item.action;
      return action === null
        ? { label: item.label, enabled: false }
        : { label: item.label, enabled: item.enabled, click: () => this.onAction(action) };
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
