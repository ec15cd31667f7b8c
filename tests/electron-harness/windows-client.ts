/**
 * Test side of the windows layer: a real Playwright `Page` for a window of a harness process, so a
 * scenario drives the real UI (type, click, read text) exactly as a user would.
 *
 * The harness's Chromium listens on a loopback remote-debugging port; each window reports the CDP
 * target id of its page (fake-electron/windows: windowsRuntime.info(), the `windows.info` control
 * command, or the file named by BATON_HARNESS_WINDOWS_FILE). This module attaches with
 * chromium.connectOverCDP and picks the page whose target id matches. One client per app
 * generation: a relaunched app has a new Chromium.
 */
import fs from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import type { WindowsInfo } from './fake-electron/windows/registry.ts';

export type { WindowsInfo };
export type WindowInfo = WindowsInfo['windows'][number];

export interface WindowsClientOptions {
  /** How to read the harness's windows info (e.g. `() => harness.command('windows.info')`). */
  info: () => Promise<WindowsInfo>;
  timeoutMs?: number;
}

/** Reads a windows info file (BATON_HARNESS_WINDOWS_FILE) as an `info` source. */
export function windowsInfoFile(file: string): () => Promise<WindowsInfo> {
  return async () => JSON.parse(await fs.promises.readFile(file, 'utf8')) as WindowsInfo;
}

async function targetIdOf(page: Page): Promise<string> {
  const session = await page.context().newCDPSession(page);
  try {
    const { targetInfo } = (await session.send('Target.getTargetInfo')) as unknown as { targetInfo: { targetId: string } };
    return targetInfo.targetId;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

export class WindowsClient {
  private browser: Browser | null = null;
  private endpoint: string | null = null;
  private readonly options: Required<WindowsClientOptions>;

  constructor(options: WindowsClientOptions) {
    this.options = { timeoutMs: 20_000, ...options };
  }

  /** The current windows info, read again until `ready` accepts it (or the timeout). */
  async waitForInfo(ready: (info: WindowsInfo) => boolean, what = 'the harness windows'): Promise<WindowsInfo> {
    const deadline = Date.now() + this.options.timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const info = await this.options.info();
        if (ready(info)) return info;
        last = info;
      } catch (error) {
        last = error instanceof Error ? error : new Error(String(error));
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The window (by id, else the first one) once its page exists and shows a document. */
  async window(windowId?: number): Promise<WindowInfo> {
    const info = await this.waitForInfo(
      (current) => current.cdpEndpoint !== null && current.windows.some((window) => (windowId === undefined || window.id === windowId) && window.targetId !== null && window.url !== ''),
      windowId === undefined ? 'a window with a loaded page' : `window ${windowId}`,
    );
    return info.windows.find((window) => (windowId === undefined || window.id === windowId) && window.targetId !== null)!;
  }

  /** The real Playwright Page of a window of the harness process. */
  async page(windowId?: number): Promise<Page> {
    const window = await this.window(windowId);
    const info = await this.options.info();
    const browser = await this.connect(info.cdpEndpoint!);
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      for (const context of browser.contexts()) {
        for (const page of context.pages()) {
          if (!page.isClosed() && (await targetIdOf(page).catch(() => null)) === window.targetId) return page;
        }
      }
      if (Date.now() > deadline) throw new Error(`No page with target ${window.targetId} at ${info.cdpEndpoint}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async connect(endpoint: string): Promise<Browser> {
    if (this.browser && this.endpoint === endpoint && this.browser.isConnected()) return this.browser;
    await this.close();
    this.browser = await chromium.connectOverCDP(endpoint);
    this.endpoint = endpoint;
    return this.browser;
  }

  /** Lets go of the connection (the harness's Chromium keeps running; it belongs to the app). */
  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    this.endpoint = null;
    // connectOverCDP's close() only disconnects from a browser it did not launch.
    if (browser) await browser.close().catch(() => undefined);
  }
}
