/**
 * The main window's size, position and maximised state across launches. Pure, so the rules are
 * tested without Electron; ../adapters/window-state-store.ts keeps it in electron-store.
 */

export interface WindowState {
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { bounds: { width: 1200, height: 800 }, maximized: false };

/** Where the state is kept (electron-store in the app, memory in tests). */
export interface WindowStateStorage {
  load(): WindowState;
  save(state: WindowState): void;
}

/** Whatever was stored, a usable state: unreadable parts fall back to the defaults. */
export function normaliseWindowState(raw: { bounds?: unknown; maximized?: unknown }): WindowState {
  const bounds = raw.bounds as Partial<WindowState['bounds']> | null | undefined;
  const valid = typeof bounds === 'object' && bounds !== null && Number.isFinite(bounds.width) && Number.isFinite(bounds.height);
  if (!valid) return { bounds: DEFAULT_WINDOW_STATE.bounds, maximized: raw.maximized === true };
  const kept: WindowState['bounds'] = { width: bounds.width!, height: bounds.height! };
  if (Number.isFinite(bounds.x) && Number.isFinite(bounds.y)) {
    kept.x = bounds.x!;
    kept.y = bounds.y!;
  }
  return { bounds: kept, maximized: raw.maximized === true };
}

/**
 * Spellchecking in the window. On Windows and Linux Chromium fetches hunspell dictionaries from a
 * Google CDN the first time (docs: tutorial/spellchecker.md), which a privacy-minded app must not
 * do behind the user's back, and bundling dictionaries for every language is out of proportion:
 * off there. macOS uses the OS spellchecker, with no download.
 */
export function spellcheckEnabled(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/** The page's own background (renderer/src/styles.css --bg), shown before the first paint. */
export function windowBackground(dark: boolean): string {
  return dark ? '#17191d' : '#ffffff';
}
