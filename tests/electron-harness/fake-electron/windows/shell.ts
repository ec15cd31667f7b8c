/**
 * `shell` (docs/api/shell.md): nothing reaches the OS; every call is recorded so a test can see
 * that a link went to the OS browser (R4) instead of into the window.
 */
import { registry } from './registry.ts';

export const shell = {
  async openExternal(url: string, options?: { activate?: boolean }): Promise<void> {
    if (typeof url !== 'string') throw new TypeError('openExternal: url must be a string');
    registry.record('shell.openExternal', { url, options: options ?? null });
  },
  async openPath(file: string): Promise<string> {
    registry.record('shell.openPath', { path: file });
    return '';
  },
  showItemInFolder(file: string): void {
    registry.record('shell.showItemInFolder', { path: file });
  },
  async trashItem(file: string): Promise<void> {
    registry.record('shell.trashItem', { path: file });
  },
  beep(): void {
    registry.record('shell.beep');
  },
};
