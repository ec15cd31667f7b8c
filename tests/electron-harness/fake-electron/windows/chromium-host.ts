/**
 * One real Chromium per harness process (Debian's /usr/bin/chromium through playwright-core), in
 * a persistent context so it can also listen on a remote-debugging port: a test attaches to the
 * same pages with chromium.connectOverCDP (../../windows-client.ts) and drives the real UI.
 *
 * Every request of every page passes through here: a mapped custom-scheme origin is served by the
 * app's protocol handler (./protocol.ts); a main-frame navigation the page started asks the
 * window's `will-navigate` first; a page nobody created (window.open, a target=_blank link) asks
 * its opener's window open handler before it may load anything, and is closed when denied.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page, Route } from 'playwright-core';
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

interface PopupTarget { targetId: string; openerId: string | undefined }

const owners = new WeakMap<Page, PageOwner>();
const ownersByTarget = new Map<string, PageOwner>();
const keepers = new WeakSet<Page>();
let launching: Promise<BrowserContext> | null = null;
let context: BrowserContext | null = null;
let userDataDir: string | null = null;
/** A browser-wide view of targets (through the keeper page): which page opened which popup. */
let targets: CDPSession | null = null;
const unclaimedPopupTargets: PopupTarget[] = [];
const popupTargetWaiters: Array<(target: PopupTarget) => void> = [];
/** One window-open decision per popup: its first request or its page decides, never both. */
const decisions = new Map<string, boolean>();

export function ownPage(page: Page, owner: PageOwner): void {
  owners.set(page, owner);
}

/** The page's CDP target id, so a popup finds its opener (even with rel=noopener). */
export function ownTarget(targetId: string, owner: PageOwner): void {
  ownersByTarget.set(targetId, owner);
}

export function chromiumContext(): Promise<BrowserContext> {
  launching ??= launch();
  return launching;
}

/**
 * Chromium may still be writing into its profile while the process ends (ENOTEMPTY): removing it
 * is best effort, and a failure here must never break the app's own exit path (it did: the fake's
 * shutdown threw and the process never exited).
 */
function removeProfile(dir: string | null): void {
  if (!dir) return;
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // A leftover temporary profile is harmless.
  }
}

async function launch(): Promise<BrowserContext> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-harness-chromium-'));
  userDataDir = profile;
  // A process that exits without shutdown() (app.exit from a crash path, a kill) leaves no profile.
  process.once('exit', () => removeProfile(profile));
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
  // stays: closing a browser's last page ends the browser. It also watches targets appear.
  const keeper = launched.pages()[0] ?? (await launched.newPage());
  for (const page of launched.pages()) keepers.add(page);
  targets = await launched.newCDPSession(keeper);
  targets.on('Target.targetCreated', ({ targetInfo }) => onTargetCreated(targetInfo as { targetId: string; type: string; openerId?: string }));
  await targets.send('Target.setDiscoverTargets', { discover: true });
  await launched.route(() => true, (route) => void routeRequest(route).catch((error: unknown) => {
    registry.record('harness.route-error', { url: route.request().url(), message: error instanceof Error ? error.message : String(error) });
    return route.abort('failed').catch(() => undefined);
  }));
  return launched;
}

async function routeRequest(route: Route): Promise<void> {
  const request = route.request();
  const appUrl = toAppUrl(request.url());
  let page: Page | null;
  try {
    page = request.frame().page();
  } catch {
    // No frame yet: the first navigation of a page that window.open is creating (or a service
    // worker request; the app registers none). Its target is known from Target.targetCreated.
    page = null;
    if (request.isNavigationRequest()) {
      const target = await claimPopupTarget();
      if (!target || !decidePopup(target, appUrl)) {
        await route.abort('blockedbyclient');
        return;
      }
    }
  }
  if (page && !owners.has(page) && !keepers.has(page)) {
    const target = await popupTargetOf(page);
    if (!target || !decidePopup(target, appUrl)) {
      await route.abort('blockedbyclient');
      return;
    }
  } else if (page && request.isNavigationRequest() && request.frame() === page.mainFrame()) {
    const owner = owners.get(page);
    if (owner && !owner.allowNavigation(appUrl)) {
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

function onTargetCreated(info: { targetId: string; type: string; openerId?: string }): void {
  if (info.type !== 'page' || ownersByTarget.has(info.targetId) || !info.openerId) return;
  const target = { targetId: info.targetId, openerId: info.openerId };
  const waiter = popupTargetWaiters.shift();
  if (waiter) waiter(target);
  else unclaimedPopupTargets.push(target);
  // A popup whose URL makes no routed request (about:blank, and what Chromium refuses to load)
  // is still a window.open to decide: with the URL it shows once its first request had its turn.
  setTimeout(() => void decideUnrouted(target), UNROUTED_POPUP_MS).unref();
}

const UNROUTED_POPUP_MS = 500;

async function decideUnrouted(target: PopupTarget): Promise<void> {
  if (decisions.has(target.targetId) || !targets) return;
  const info = (await targets.send('Target.getTargetInfo', { targetId: target.targetId }).catch(() => null)) as { targetInfo: { url: string } } | null;
  if (!info || decisions.has(target.targetId)) return; // gone already
  const index = unclaimedPopupTargets.indexOf(target);
  if (index >= 0) unclaimedPopupTargets.splice(index, 1);
  decidePopup(target, toAppUrl(info.targetInfo.url || 'about:blank'));
}

/** The oldest popup target not decided yet (for a navigation request that has no frame yet). */
function claimPopupTarget(timeoutMs = 5_000): Promise<PopupTarget | null> {
  const index = unclaimedPopupTargets.findIndex((target) => !decisions.has(target.targetId));
  if (index >= 0) return Promise.resolve(unclaimedPopupTargets.splice(index, 1)[0]!);
  return new Promise((resolve) => {
    const waiter = (target: PopupTarget) => {
      clearTimeout(timer);
      resolve(target);
    };
    const timer = setTimeout(() => {
      popupTargetWaiters.splice(popupTargetWaiters.indexOf(waiter), 1);
      resolve(null);
    }, timeoutMs);
    popupTargetWaiters.push(waiter);
  });
}

async function popupTargetOf(page: Page): Promise<PopupTarget | null> {
  const session = await page.context().newCDPSession(page).catch(() => null);
  if (!session) return null;
  try {
    const { targetInfo } = (await session.send('Target.getTargetInfo')) as unknown as { targetInfo: { targetId: string; openerId?: string } };
    const index = unclaimedPopupTargets.findIndex((target) => target.targetId === targetInfo.targetId);
    if (index >= 0) unclaimedPopupTargets.splice(index, 1);
    return { targetId: targetInfo.targetId, openerId: targetInfo.openerId };
  } catch {
    return null;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * window.open (or a target=_blank link): the opener's setWindowOpenHandler decides, once, before
 * the new page may load anything; a denied popup is closed (Electron never creates it).
 */
function decidePopup(target: PopupTarget, url: string): boolean {
  const known = decisions.get(target.targetId);
  if (known !== undefined) return known;
  const owner = target.openerId ? ownersByTarget.get(target.openerId) : undefined;
  const allowed = owner ? owner.allowWindowOpen({ url, frameName: '', features: '', disposition: 'new-window' }) : false;
  decisions.set(target.targetId, allowed);
  if (!owner) registry.record('window-open.unattributed', { url });
  if (allowed) registry.record('window-open.allowed-unmodelled', { url });
  else void targets?.send('Target.closeTarget', { targetId: target.targetId }).catch(() => undefined);
  return allowed;
}

export async function shutdownChromium(): Promise<void> {
  const current = context ?? (launching ? await launching.catch(() => null) : null);
  context = null;
  launching = null;
  targets = null;
  if (current) await current.close().catch(() => undefined);
  removeProfile(userDataDir);
  userDataDir = null;
}
