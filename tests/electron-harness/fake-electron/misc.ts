/**
 * Small modules the app or its libraries may touch, with Electron's documented behaviour
 * (docs/api/native-theme.md, power-save-blocker.md, crash-reporter.md, global-shortcut.md,
 * clipboard.md). Nothing here is OS-visible in Baton's scenarios; calls are recorded.
 */
import { EventEmitter } from 'node:events';
import { app } from './app.ts';
import { report } from './control.ts';

class NativeTheme extends EventEmitter {
  themeSource: 'system' | 'light' | 'dark' = 'system';
  get shouldUseDarkColors(): boolean {
    return this.themeSource === 'dark';
  }
  get shouldUseHighContrastColors(): boolean {
    return false;
  }
  get shouldUseInvertedColorScheme(): boolean {
    return false;
  }
  get inForcedColorsMode(): boolean {
    return false;
  }
  get prefersReducedTransparency(): boolean {
    return false;
  }
}
export const nativeTheme = new NativeTheme();

let nextBlocker = 1;
const blockers = new Set<number>();
export const powerSaveBlocker = {
  start(type: string): number {
    const id = nextBlocker++;
    blockers.add(id);
    report('powerSaveBlocker.start', { id, type });
    return id;
  },
  stop(id: number): boolean {
    return blockers.delete(id);
  },
  isStarted: (id: number) => blockers.has(id),
};

export const crashReporter = {
  start(): void {
    if (app.isReady()) report('crashReporter.start-after-ready');
  },
  getLastCrashReport: () => null,
  getUploadedReports: () => [],
  addExtraParameter(): void {},
  removeExtraParameter(): void {},
  getParameters: () => ({}),
};

const shortcuts = new Map<string, () => void>();
export const globalShortcut = {
  register(accelerator: string, callback: () => void): boolean {
    if (!app.isReady()) throw new Error('globalShortcut cannot be used before the app is ready');
    shortcuts.set(accelerator, callback);
    return true;
  },
  isRegistered: (accelerator: string) => shortcuts.has(accelerator),
  unregister: (accelerator: string) => void shortcuts.delete(accelerator),
  unregisterAll: () => shortcuts.clear(),
};

let clip = '';
export const clipboard = {
  readText: () => clip,
  writeText: (text: string) => void (clip = text),
  clear: () => void (clip = ''),
  availableFormats: () => (clip ? ['text/plain'] : []),
};
