/** The tray icon and its menu (L28), rebuilt from the pure TrayModel whenever the counts change. */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { TrayPort } from '../../core/ports.ts';
import type { TrayAction, TrayModel } from '../tray/tray-model.ts';

// A 16×16 monochrome baton mark, inline so the tray works from any build layout.
const ICON_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAKElEQVR4nGNgoCL4Tw0DKDLk/6ghI8kQsg2i2BB0Ayg2hGxAsQEoAACEySnXQg0ttQAAAABJRU5ErkJggg==';

export class TrayAdapter implements TrayPort {
  private readonly tray: Tray;
  private readonly onAction: (action: TrayAction) => void;
  private lastModel = '';

  constructor(onAction: (action: TrayAction) => void) {
    this.onAction = onAction;
    this.tray = new Tray(nativeImage.createFromDataURL(ICON_DATA_URL));
    this.tray.setToolTip('Baton');
    this.tray.on('click', () => this.onAction('open'));
  }

  /** TrayPort: the core's view of the counts; the shell renders the full model with `render`. */
  update(state: { running: number; resumePending: number; tooltip: string }): void {
    this.tray.setToolTip(state.tooltip);
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
