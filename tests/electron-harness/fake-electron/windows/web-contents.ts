/**
 * webContents (docs/api/web-contents.md; shell/browser/api/electron_api_web_contents.cc,
 * lib/browser/api/web-contents.ts) over one real Chromium page.
 *
 * - loadURL maps app:// to its https stand-in and resolves on did-finish-load (rejects like
 *   Electron on a failed load). Events: did-start-loading, did-navigate, dom-ready,
 *   did-finish-load, did-fail-load, render-process-gone, preload-error, destroyed.
 * - will-navigate is asked for navigations the page starts (not for loadURL), before any request
 *   leaves; preventDefault() cancels it. setWindowOpenHandler decides window.open before the new
 *   page may load anything; `deny` closes it.
 * - send/postMessage reach the preload's ipcRenderer in the isolated world; ports passed to
 *   postMessage arrive as real MessagePorts in `event.ports`.
 * - ipcRenderer.send/invoke from the preload reach ipcMain with `sender` (this object) and
 *   `senderFrame` (a WebFrameMain whose identity is stable per frame, so `frame === mainFrame`).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';
import { chromiumContext, ownPage, ownTarget } from './chromium-host.ts';
import { decodeClone, encodeClone } from './clone-codec.ts';
import { ipcMain } from './ipc-main.ts';
import { MessagePortMain } from './message-ports.ts';
import { isolatedWorldScript, mainWorldScript } from './page-scripts.ts';
import { toAppUrl, toChromiumUrl } from './protocol.ts';
import { registry } from './registry.ts';
import { defaultSessionUnchecked, type Session } from './session.ts';

const WORLD_NAME = 'electron-isolated-world';
const BINDING = '__electronHarnessIpc';
/**
 * Permissions a page may ask for, as Electron names them (session.md) and as Chromium's
 * PermissionDescriptor names them (CDP Browser.setPermission).
 */
const PERMISSIONS: Array<[electronName: string, descriptors: Array<{ name: string; sysex?: boolean }>]> = [
  ['media', [{ name: 'camera' }, { name: 'microphone' }]], ['geolocation', [{ name: 'geolocation' }]],
  ['notifications', [{ name: 'notifications' }]], ['midi', [{ name: 'midi' }]], ['midiSysex', [{ name: 'midi', sysex: true }]],
  ['clipboard-read', [{ name: 'clipboard-read' }]], ['clipboard-sanitized-write', [{ name: 'clipboard-write' }]],
  ['idle-detection', [{ name: 'idle-detection' }]], ['display-capture', [{ name: 'display-capture' }]],
  ['storage-access', [{ name: 'storage-access' }]], ['window-management', [{ name: 'window-management' }]],
];

export interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  [key: string]: unknown;
}

export type WindowOpenHandler = (details: { url: string; frameName: string; features: string; disposition: string; referrer: { url: string; policy: string }; postBody?: unknown }) =>
  { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions?: unknown; outlivesOpener?: boolean };

let nextWebContentsId = 1;
const allContents = new Set<WebContents>();

class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** WebFrameMain (docs/api/web-frame-main.md): one object per frame, so identity comparisons hold. */
export class WebFrameMain {
  private currentUrl = '';
  private gone = false;
  readonly frameTreeNodeId: number;
  readonly routingId: number;
  private readonly contents: WebContents;
  constructor(frameTreeNodeId: number, routingId: number, contents: WebContents) {
    this.frameTreeNodeId = frameTreeNodeId;
    this.routingId = routingId;
    this.contents = contents;
  }
  get url(): string {
    return this.currentUrl;
  }
  get top(): WebFrameMain {
    return this.contents.mainFrame;
  }
  get parent(): WebFrameMain | null {
    return null;
  }
  get frames(): WebFrameMain[] {
    return [];
  }
  get processId(): number {
    return this.contents.getProcessId();
  }
  get origin(): string {
    try {
      return new URL(this.currentUrl).origin;
    } catch {
      return 'null';
    }
  }
  isDestroyed(): boolean {
    return this.gone;
  }
  send(channel: string, ...args: unknown[]): void {
    this.contents.send(channel, ...args);
  }
  postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void {
    this.contents.postMessage(channel, message, transfer);
  }
  /** Internal: the harness saw this frame commit a new URL or go away. */
  setUrl(url: string): void {
    this.currentUrl = url;
  }
  destroy(): void {
    this.gone = true;
  }
}

export class WebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly session: Session = defaultSessionUnchecked();
  readonly mainFrame: WebFrameMain;
  private page: Page | null = null;
  private cdp: CDPSession | null = null;
  private pageReady: Promise<Page>;
  private destroyed = false;
  private isolatedContextId: number | null = null;
  private openHandler: WindowOpenHandler | null = null;
  private readonly remotePorts = new Map<number, MessagePortMain>();
  private nextPortId = 1;
  private currentUrl = '';
  private loading = false;
  /** A navigation we started (loadURL), which must not ask will-navigate. */
  private expectedNavigation: string | null = null;
  private readonly token = randomBytes(12).toString('hex');
  private readonly deliverName = `__electronHarnessDeliver_${randomBytes(6).toString('hex')}`;
  targetId: string | null = null;
  private zoom = 1;
  private userAgent = '';
  private audioMuted = false;

  readonly webPreferences: WebPreferences;
  private readonly viewport: () => { width: number; height: number };

  constructor(webPreferences: WebPreferences, viewport: () => { width: number; height: number }) {
    super();
    this.webPreferences = webPreferences;
    this.viewport = viewport;
    this.mainFrame = new WebFrameMain(this.id * 10, this.id, this);
    allContents.add(this);
    this.pageReady = this.createPage();
    // A page that could not be created fails its loads; nothing else may be left unhandled.
    this.pageReady.catch((error: Error) => registry.record('harness.page-error', { webContentsId: this.id, message: error.message }));
  }

  static getAllWebContents(): WebContents[] {
    return [...allContents].filter((contents) => !contents.destroyed);
  }

  static fromId(id: number): WebContents | undefined {
    return [...allContents].find((contents) => contents.id === id && !contents.destroyed);
  }

  /** Resolves with the Playwright page (harness-internal; tests use windows-client.ts). */
  harnessPage(): Promise<Page> {
    return this.pageReady;
  }

  private async createPage(): Promise<Page> {
    const context = await chromiumContext();
    const page = await context.newPage();
    ownPage(page, {
      allowNavigation: (url) => this.allowNavigation(url),
      allowWindowOpen: (details) => this.allowWindowOpen(details),
    });
    if (this.destroyed) {
      await page.close();
      throw new Error('The webContents was destroyed before its page existed');
    }
    this.page = page;
    const cdp = await context.newCDPSession(page);
    this.cdp = cdp;
    const { targetInfo } = (await cdp.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
    this.targetId = targetInfo.targetId;
    ownTarget(targetInfo.targetId, { allowNavigation: (url) => this.allowNavigation(url), allowWindowOpen: (details) => this.allowWindowOpen(details) });
    registry.changed();
    cdp.on('Runtime.executionContextCreated', ({ context: created }) => {
      const aux = created.auxData as { frameId?: string } | undefined;
      if (created.name === WORLD_NAME && aux?.frameId === this.targetId) this.isolatedContextId = created.id;
    });
    cdp.on('Runtime.executionContextDestroyed', ({ executionContextId }) => {
      if (executionContextId === this.isolatedContextId) this.documentGone();
    });
    cdp.on('Runtime.executionContextsCleared', () => this.documentGone());
    cdp.on('Runtime.bindingCalled', ({ name, payload, executionContextId }) => {
      if (name === BINDING && executionContextId === this.isolatedContextId) this.fromPreload(payload);
    });
    await cdp.send('Page.enable');
    await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
    await cdp.send('Runtime.enable');
    const preloadPath = this.webPreferences.preload;
    if (preloadPath) {
      // Like Electron: a preload that cannot be read is reported, and the page still loads.
      let preloadSource = '';
      try {
        preloadSource = fs.readFileSync(preloadPath, 'utf8');
      } catch (error) {
        this.emit('preload-error', new PreventableEvent(), preloadPath, error);
      }
      if (preloadSource) {
        const config = { token: this.token, binding: BINDING, deliver: this.deliverName, preloadPath, preloadSource };
        await cdp.send('Runtime.addBinding', { name: BINDING, executionContextName: WORLD_NAME });
        // Registration order is evaluation order: the main world's receiver must exist first.
        await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: mainWorldScript(config) });
        await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: isolatedWorldScript(config), worldName: WORLD_NAME });
      }
    }
    await page.setViewportSize(this.viewport());

    // Navigation and load events straight from CDP (the page's own session), so they keep coming
    // after a renderer crash, which ends playwright's view of the page.
    let documentLoader: string | null = null;
    cdp.on('Page.frameNavigated', ({ frame }) => {
      if (frame.parentId !== undefined || frame.id !== this.targetId) return;
      documentLoader = frame.loaderId;
      const url = toAppUrl(frame.url + (frame.urlFragment ?? ''));
      this.currentUrl = url;
      this.mainFrame.setUrl(url);
      this.emit('did-navigate', new PreventableEvent(), url, 200, 'OK');
      registry.changed();
    });
    cdp.on('Page.lifecycleEvent', ({ frameId, loaderId, name }) => {
      // The initial empty document is no load of the app's (Electron reports none for it).
      if (frameId !== this.targetId || loaderId !== documentLoader || this.currentUrl === '' || this.currentUrl === 'about:blank') return;
      if (name === 'DOMContentLoaded') this.emit('dom-ready', new PreventableEvent());
      // BrowserWindow's ready-to-show follows the page's first visually non-empty paint
      // (api/electron_api_browser_window.cc, DidFirstVisuallyNonEmptyPaint); Chromium reports
      // its first contentful paint per document as a lifecycle event.
      if (name === 'firstContentfulPaint') this.emit('harness-first-paint');
      if (name === 'load') {
        this.loading = false;
        this.emit('did-stop-loading', new PreventableEvent());
        this.emit('did-finish-load', new PreventableEvent());
      }
    });
    page.on('crash', () => {
      this.crashed = true;
      this.documentGone();
      registry.record('webContents.render-process-gone', { webContentsId: this.id, reason: 'crashed' });
      this.emit('render-process-gone', new PreventableEvent(), { reason: 'crashed', exitCode: 139 });
    });
    page.on('pageerror', (error) => registry.record('webContents.page-error', { webContentsId: this.id, message: error.message }));
    page.on('console', (message) => {
      // Errors and warnings are kept for tests (a CSP violation, a failed connect, a preload error).
      if (message.type() === 'error' || message.type() === 'warning') registry.record('webContents.console', { webContentsId: this.id, level: message.type(), text: message.text() });
      const levels: Record<string, number> = { debug: 0, log: 1, info: 1, warning: 2, error: 3 };
      this.emit('console-message', Object.assign(new PreventableEvent(), { level: message.type(), message: message.text() }), levels[message.type()] ?? 1, message.text());
    });
    page.on('close', () => {
      // A crashed page replaced by a fresh one closes without taking the webContents along.
      if (!this.destroyed && this.page === page) this.markDestroyed();
    });
    return page;
  }

  /**
   * Chromium cannot ask the embedder mid-request over CDP, so before a page of an origin loads,
   * every permission is put to the app's handlers and the answer set for that origin with CDP
   * Browser.setPermission: the page then gets exactly what the app's handlers decided.
   */
  private async applyPermissions(chromiumUrl: string): Promise<void> {
    let origin: string;
    try {
      origin = new URL(chromiumUrl).origin;
    } catch {
      return;
    }
    if (origin === 'null' || this.permissionOrigins.has(origin) || !this.cdp) return;
    this.permissionOrigins.add(origin);
    for (const [electronName, descriptors] of PERMISSIONS) {
      const allow = await this.session.decide(this, electronName, toAppUrl(origin));
      registry.record('session.permission', { permission: electronName, origin: toAppUrl(origin), granted: allow });
      for (const permission of descriptors) {
        await this.cdp.send('Browser.setPermission', { permission, setting: allow ? 'granted' : 'denied', origin }).catch((error: Error) =>
          registry.record('harness.permission-error', { permission: permission.name, message: error.message }));
      }
    }
  }

  private readonly permissionOrigins = new Set<string>();

  // ── navigation ──

  async loadURL(url: string, _options?: unknown): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const page = this.crashed ? await this.replaceCrashedPage() : await this.pageReady;
    const target = toChromiumUrl(url);
    await this.applyPermissions(target);
    this.expectedNavigation = target;
    this.loading = true;
    this.emit('did-start-loading', new PreventableEvent());
    try {
      await page.goto(target, { waitUntil: 'load' });
    } catch (error) {
      this.loading = false;
      const message = error instanceof Error ? error.message : String(error);
      const code = /ERR_[A-Z_]+/.exec(message)?.[0] ?? 'ERR_FAILED';
      this.emit('did-fail-load', new PreventableEvent(), -2, code, url, true);
      throw Object.assign(new Error(`${code} (-2) loading '${url}'`), { code, url, errno: -2 });
    } finally {
      if (this.expectedNavigation === target) this.expectedNavigation = null;
    }
  }

  async loadFile(file: string): Promise<void> {
    return this.loadURL(new URL(`file://${file}`).href);
  }

  /**
   * Reloads the page. A crashed renderer is gone for good in Chromium's eyes (and playwright's),
   * so after a crash the webContents gets a fresh page — as Electron's reload starts a new
   * renderer for the same webContents — with the preload and everything set up again.
   */
  async reload(): Promise<void> {
    if (this.crashed) {
      await this.loadURL(this.currentUrl);
      return;
    }
    const page = await this.pageReady;
    this.expectedNavigation = toChromiumUrl(this.currentUrl);
    await page.reload();
  }

  private crashed = false;

  private async replaceCrashedPage(): Promise<Page> {
    const old = this.page;
    this.crashed = false;
    this.page = null;
    this.isolatedContextId = null;
    this.permissionOrigins.clear();
    this.pageReady = this.createPage();
    if (old) void old.close().catch(() => undefined);
    return this.pageReady;
  }

  getURL(): string {
    return this.currentUrl;
  }

  getTitle(): string {
    return this.cachedTitle;
  }

  private cachedTitle = '';

  isLoading(): boolean {
    return this.loading;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isCrashed(): boolean {
    return false;
  }

  getProcessId(): number {
    return this.id + 1000;
  }

  getOSProcessId(): number {
    return this.id + 1000;
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.openHandler = handler;
  }

  private allowNavigation(chromiumSideUrl: string): boolean {
    const expected = this.expectedNavigation;
    if (expected !== null && toAppUrl(expected) === chromiumSideUrl) {
      this.expectedNavigation = null;
      return true; // loadURL: browser-initiated, no will-navigate (as in Electron)
    }
    const event = new PreventableEvent();
    const details = Object.assign(event, { url: chromiumSideUrl, isMainFrame: true, isSameDocument: false, frame: this.mainFrame, initiator: this.mainFrame });
    this.emit('will-frame-navigate', details);
    if (!event.defaultPrevented) this.emit('will-navigate', details, chromiumSideUrl);
    registry.record('webContents.will-navigate', { webContentsId: this.id, url: chromiumSideUrl, prevented: event.defaultPrevented });
    return !event.defaultPrevented;
  }

  private allowWindowOpen(details: { url: string; frameName: string; features: string; disposition: string }): boolean {
    const full = { ...details, referrer: { url: this.currentUrl, policy: 'strict-origin-when-cross-origin' } };
    // Electron: without a handler, window.open creates a window; with one, the handler decides.
    const verdict = this.openHandler ? this.openHandler(full) : { action: 'allow' as const };
    const allowed = verdict?.action === 'allow';
    registry.record('webContents.window-open', { webContentsId: this.id, url: details.url, action: allowed ? 'allow' : 'deny' });
    if (allowed) this.emit('did-create-window', null, full);
    return allowed;
  }

  // ── IPC ──

  send(channel: string, ...args: unknown[]): void {
    if (typeof channel !== 'string') throw new Error('Missing required channel argument');
    this.toPreload({ kind: 'ipc', channel, args });
  }

  postMessage(channel: string, message: unknown, transfer: MessagePortMain[] = []): void {
    if (!Array.isArray(transfer) || transfer.some((port) => !(port instanceof MessagePortMain))) {
      throw new TypeError('Invalid value for transfer');
    }
    const portIds = transfer.map((port) => {
      const portId = this.nextPortId++;
      this.remotePorts.set(portId, port);
      port.transferTo({
        post: (data) => this.toPreload({ kind: 'port-message', portId, data }),
        close: () => {
          this.remotePorts.delete(portId);
          this.toPreload({ kind: 'port-close', portId });
        },
      });
      return portId;
    });
    this.toPreload({ kind: 'ipc', channel, args: [message], portIds });
  }

  private toPreload(message: unknown): void {
    if (this.destroyed) return;
    let text: string;
    try {
      text = encodeClone(message);
    } catch (error) {
      // Electron throws synchronously for an uncloneable argument.
      throw new Error(`Failed to serialize arguments: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    void this.pageReady.then(async () => {
      const contextId = this.isolatedContextId;
      if (contextId === null || !this.cdp) return; // no document with a preload: Electron drops it too
      await this.cdp.send('Runtime.evaluate', { expression: `globalThis[${JSON.stringify(this.deliverName)}](${JSON.stringify(text)})`, contextId });
    }).catch(() => undefined);
  }

  private fromPreload(payload: string): void {
    const message = decodeClone(payload) as { kind: string; channel?: string; args?: unknown[]; id?: number; portId?: number; data?: unknown; message?: string; stack?: string };
    switch (message.kind) {
      case 'send': {
        const event = this.ipcEvent();
        ipcMain.emit(message.channel!, event, ...(message.args ?? []));
        this.emit('ipc-message', event, message.channel, ...(message.args ?? []));
        return;
      }
      case 'invoke': {
        const handler = ipcMain.handlerFor(message.channel!);
        const reply = (ok: boolean, value: unknown, error?: string) =>
          this.toPreload({ kind: 'invoke-result', id: message.id, channel: message.channel, ok, value, error });
        if (!handler) {
          reply(false, undefined, `No handler registered for '${message.channel}'`);
          return;
        }
        Promise.resolve()
          .then(() => handler(this.ipcEvent(), ...(message.args ?? [])))
          .then((value) => reply(true, value), (error: unknown) => reply(false, undefined, error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
        return;
      }
      case 'port-message':
        this.remotePorts.get(message.portId!)?.fromRemote(message.data);
        return;
      case 'port-closed': {
        const port = this.remotePorts.get(message.portId!);
        this.remotePorts.delete(message.portId!);
        port?.remoteClosed();
        return;
      }
      case 'preload-error':
        this.emit('preload-error', new PreventableEvent(), this.webPreferences.preload, Object.assign(new Error(message.message), { stack: message.stack }));
        registry.record('webContents.preload-error', { webContentsId: this.id, message: message.message });
        return;
      case 'send-to-host':
        return;
    }
  }

  private ipcEvent() {
    return {
      sender: this,
      senderFrame: this.mainFrame.isDestroyed() ? null : this.mainFrame,
      frameId: this.mainFrame.routingId,
      processId: this.getProcessId(),
      ports: [] as MessagePortMain[],
      returnValue: undefined as unknown,
      preventDefault() {},
      reply: (channel: string, ...args: unknown[]) => this.send(channel, ...args),
    };
  }

  /** The document with its preload world went away (navigation, reload, crash, close). */
  private documentGone(): void {
    this.isolatedContextId = null;
    for (const port of this.remotePorts.values()) port.remoteClosed();
    this.remotePorts.clear();
  }

  // ── misc API the app may touch ──

  focus(): void {
    void this.pageReady.then((page) => page.bringToFront()).catch(() => undefined);
  }
  isFocused(): boolean {
    return !this.destroyed;
  }
  openDevTools(): void {
    registry.record('webContents.openDevTools', { webContentsId: this.id });
  }
  closeDevTools(): void {}
  isDevToolsOpened(): boolean {
    return false;
  }
  setZoomFactor(factor: number): void {
    this.zoom = factor;
  }
  getZoomFactor(): number {
    return this.zoom;
  }
  setUserAgent(agent: string): void {
    this.userAgent = agent;
  }
  getUserAgent(): string {
    return this.userAgent;
  }
  setAudioMuted(muted: boolean): void {
    this.audioMuted = muted;
  }
  isAudioMuted(): boolean {
    return this.audioMuted;
  }
  async executeJavaScript(code: string): Promise<unknown> {
    const page = await this.pageReady;
    return page.evaluate(code);
  }
  /** Test aid: makes the renderer process crash (CDP Page.crash). */
  async forcefullyCrashRenderer(): Promise<void> {
    const page = await this.pageReady;
    // The command's answer may never come (its renderer is what dies): wait for the crash itself.
    const crashed = new Promise<void>((resolve) => {
      page.once('crash', () => resolve());
      setTimeout(resolve, 5_000).unref();
    });
    void this.cdp?.send('Page.crash').catch(() => undefined);
    await crashed;
  }

  /** Internal: the window resized; the page's viewport follows. */
  resizeViewport(size: { width: number; height: number }): void {
    void this.pageReady.then((page) => page.setViewportSize(size)).catch(() => undefined);
  }

  /**
   * Internal, for BrowserWindow.close(): runs the page's beforeunload. Resolves false when the
   * page kept itself open (Electron emits will-prevent-unload; preventDefault there closes anyway).
   */
  async runBeforeUnload(): Promise<boolean> {
    const page = this.page ?? (await this.pageReady.catch(() => null));
    if (!page || page.isClosed()) return true;
    // Runs in the page: a cancelable beforeunload, as Chromium dispatches before closing.
    const kept = await page.evaluate(`(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    })()`).catch(() => false);
    if (!kept) return true;
    const event = new PreventableEvent();
    this.emit('will-prevent-unload', event);
    return event.defaultPrevented;
  }

  /** Internal, for BrowserWindow: the page goes away (no beforeunload). */
  destroyPage(): Promise<void> {
    if (!this.destroyed) this.markDestroyed();
    return this.pageReady.then((page) => page.close({ runBeforeUnload: false })).catch(() => undefined);
  }

  private markDestroyed(): void {
    this.destroyed = true;
    this.documentGone();
    this.mainFrame.destroy();
    allContents.delete(this);
    this.emit('destroyed', new PreventableEvent());
  }
}
