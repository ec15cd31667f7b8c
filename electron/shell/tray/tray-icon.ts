/**
 * The tray icon (L28): a 16×16 baton mark, inline so the tray works from any build layout.
 * - macOS: a template image (black + alpha), which the menu bar recolours for light and dark
 *   (tray.md: tray icons "should be Template Images").
 * - Linux: the light mark. GNOME's top bar is dark in both the light and the dark theme, and so
 *   are most panels' defaults; a black mark there is close to invisible.
 * - Windows: follows the theme (nativeTheme.shouldUseDarkColors): light mark on a dark taskbar.
 */

/** Black on transparent. */
export const DARK_MARK =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAKElEQVR4nGNgoCL4Tw0DKDLk/6ghI8kQsg2i2BB0Ayg2hGxAsQEoAACEySnXQg0ttQAAAABJRU5ErkJggg==';
/** The same mark in white on transparent. */
export const LIGHT_MARK =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAATklEQVR42q3TuQ0AMAgDQO+/tNOm4DGYIgVBOiEekITz/oAXAC8AboEVEn2OkCwhI1VSQroSW0RpVImo42IGTZYmRByAUwBuBeHNwD3nB0Z1JwQzRPtzAAAAAElFTkSuQmCC';

export interface TrayIcon {
  dataUrl: string;
  /** macOS template image: `nativeImage.setTemplateImage(true)`. */
  template: boolean;
}

export function trayIcon(platform: NodeJS.Platform, darkTheme: boolean): TrayIcon {
  if (platform === 'darwin') return { dataUrl: DARK_MARK, template: true };
  if (platform === 'win32') return { dataUrl: darkTheme ? LIGHT_MARK : DARK_MARK, template: false };
  return { dataUrl: LIGHT_MARK, template: false };
}
