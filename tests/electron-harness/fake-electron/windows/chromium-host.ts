/**
 * One real Chromium per harness process (Debian's /usr/bin/chromium through playwright-core), in
 * a persistent context so it can also listen on a remote-debugging port: a test attaches to the
 * same pages with chromium.connectOverCDP (../../windows-client.ts) and drives the real UI.
 *
 * Every request of every page passes through here: a mapped custom-scheme origin is served by the
 * app's protocol handler (./protocol.ts); a main-frame navigation the page started asks the
 * window's `will-navigate` first; a page nobody created (window.open) asks the opener's window
 * open handler before it may load anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { chromium } from 'playwright-core';
import { isMappedUrl, serve, toAppUrl } from './protocol.ts';
import { registry } from './registry.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** What a page's requests are checked against (implemented by WebContents). */
export interface PageOwner {
  /** A navigation of the main frame the page itself started: false cancels it (will-navigate). */
  allowNavigation(url: string): boolean;
  /** window.open from this page: true lets the new page load (setWindowOpenHandler). */
  allowWindowOpen(details: { url: string; frameName: string; features: string; disposition: string }): boolean;
}

const owners = new WeakMap<Page, PageOwner>();
const popupsDecided = new WeakSet<Page>();
const keepers = new WeakSet<Page>();
let launching: Promise<BrowserContext> | null = null;
let context: BrowserContext | null = null;
let userDataDir: string | null = null;

export function ownPage(page: Page, owner: PageOwner): void {
  owners.set(page, owner);
}

export function chromiumContext(): Promise<BrowserContext> {
  launching ??= launch();
  return launching;
}

async function launch(): Promise<BrowserContext> {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-harness-chromium-'));
  const launched = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.BATON_HARNESS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1'],
    viewport: { width: 1200, height: 800 },
    // Electron's process has no such listeners: signals belong to the app (and the fake app's
    // model of Electron's default handlers), never to playwright closing Chromium under a drain.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  context = launched;
  const port = fs.readFileSync(path.join(userDataDir, 'DevToolsActivePort'), 'utf8').split('\n')[0]?.trim();
  registry.cdpEndpoint = port ? `http://127.0.0.1:${port}` : null;
  registry.changed();
  // The blank page Chromium opens with a persistent profile is no window of the app, but it
  // stays: closing a browser's last page ends the browser.
  for (const page of launched.pages()) keepers.add(page);
  await launched.route(() => true, (route) => void routeRequest(route).catch((error: unknown) => {
    registry.record('harness.route-error', { url: route.request().url(), message: error instanceof Error ? error.message : String(error) });
    return route.abort('failed').catch(() => undefined);
  }));
  launched.on('page', (page) => void onNewPage(page));
  return launched;
}

async function routeRequest(route: Route): Promise<void> {
  const request = route.request();
  let page: Page | null;
  try {
    page = request.frame().page();
  } catch {
    page = null; // a service worker request; the app registers none
  }
  const appUrl = toAppUrl(request.url());
  if (page && !owners.has(page) && !keepers.has(page)) {
    // A page the app did not create: window.open. The opener's handler decides before any load.
    if (!(await decidePopup(page, appUrl))) {
      await route.abort('blockedbyclient');
      return;
    }
  } else if (page && request.isNavigationRequest() && request.frame() === page.mainFrame()) {
    const owner = owners.get(page)!;
    if (!owner.allowNavigation(appUrl)) {
      await route.abort('aborted');
      return;
    }
  }
  if (!isMappedUrl(request.url())) {
    // Anything leaving for the network is worth a test's eye (R4: model output loads nothing).
    registry.record('network.request', { url: request.url(), resourceType: request.resourceType(), navigation: request.isNavigationRequest() });
    await route.continue();
    return;
  }
  const response = await serve({ url: request.url(), method: request.method(), headers: await request.allHeaders(), body: request.postDataBuffer() });
  if (response === null) {
    // Electron: an unhandled custom scheme fails with net::ERR_UNKNOWN_URL_SCHEME.
    await route.abort('failed');
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  await route.fulfill({ status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) });
}

async function decidePopup(page: Page, url: string): Promise<boolean> {
  if (popupsDecided.has(page)) return true;
  const opener = await page.opener().catch(() => null);
  const owner = opener ? owners.get(opener) : undefined;
  const allowed = owner ? owner.allowWindowOpen({ url, frameName: '', features: '', disposition: 'new-window' }) : false;
  if (allowed) {
    popupsDecided.add(page);
    registry.record('window-open.allowed-unmodelled', { url });
  } else {
    void page.close().catch(() => undefined);
  }
  return allowed;
}

async function onNewPage(page: Page): Promise<void> {
  // Our own pages are registered right after newPage(); give that a turn before judging.
  await new Promise((resolve) => setImmediate(resolve));
  if (owners.has(page) || popupsDecided.has(page) || keepers.has(page)) return;
  // A popup whose URL never makes a routed request (about:blank, file:, data:) is still a
  // window.open to decide; an http(s) one is decided by its first request (routeRequest).
  if (page.url() === 'about:blank') await page.waitForLoadState('load').catch(() => undefined);
  if (owners.has(page) || popupsDecided.has(page) || page.isClosed()) return;
  const url = page.url();
  if (!/^https?:/.test(url) || url === 'about:blank') await decidePopup(page, toAppUrl(url));
}

export async function shutdownChromium(): Promise<void> {
  const current = context ?? (launching ? await launching.catch(() => null) : null);
  context = null;
  launching = null;
  if (current) await current.close().catch(() => undefined);
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  userDataDir = null;
}
