/**
 * State the windows layer shares: whether `app` is ready (H1's app calls setAppReady), the live
 * windows in creation order (Electron's WindowList, shell/browser/window_list.cc), and a record of
 * what the app asked the OS for (openExternal, permission answers, spellcheck settings, blocked
 * navigations), which tests read through the windows info file.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

export interface WindowRecord {
  at: number;
  kind: string;
  [detail: string]: unknown;
}

/** What a test needs to find the windows of a harness process (see windows-client.ts). */
export interface WindowsInfo {
  pid: number;
  /** `http://127.0.0.1:<port>` for chromium.connectOverCDP, null until Chromium runs. */
  cdpEndpoint: string | null;
  windows: Array<{
    id: number;
    webContentsId: number;
    /** The CDP target id of the window's page (null until the page exists). */
    targetId: string | null;
    url: string;
    visible: boolean;
    minimized: boolean;
    maximized: boolean;
    bounds: { x: number; y: number; width: number; height: number };
    destroyed: boolean;
  }>;
  records: WindowRecord[];
}

export interface WindowLike {
  readonly id: number;
  isDestroyed(): boolean;
  describe(): WindowsInfo['windows'][number];
}

export class Registry extends EventEmitter {
  appReady = false;
  readonly windows: WindowLike[] = [];
  readonly records: WindowRecord[] = [];
  cdpEndpoint: string | null = null;
  private writeTimer: NodeJS.Timeout | null = null;

  record(kind: string, detail: Record<string, unknown> = {}): void {
    this.records.push({ at: Date.now(), kind, ...detail });
    this.emit('record', this.records[this.records.length - 1]);
    this.changed();
  }

  info(): WindowsInfo {
    return {
      pid: process.pid,
      cdpEndpoint: this.cdpEndpoint,
      windows: this.windows.map((window) => window.describe()),
      records: [...this.records],
    };
  }

  /** Something a test may look at changed: rewrite the info file (atomically) on the next tick. */
  changed(): void {
    this.emit('changed');
    const file = process.env.BATON_HARNESS_WINDOWS_FILE;
    if (!file || this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      this.writeNow();
    }, 0);
    this.writeTimer.unref();
  }

  writeNow(): void {
    const file = process.env.BATON_HARNESS_WINDOWS_FILE;
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(this.info(), null, 2));
      fs.renameSync(temp, file);
    } catch {
      // The test's directory may be gone while the process exits; nothing to report to.
    }
  }
}

export const registry = new Registry();
