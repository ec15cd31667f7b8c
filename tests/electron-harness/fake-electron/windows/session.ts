/**
 * `session` (docs/api/session.md): one default session shared by every window. Handlers and
 * settings are kept and recorded; the permission handlers are consulted for every permission the
 * page could ask for and the answers applied to Chromium with CDP Browser.setPermission (see
 * ./chromium-host.ts), so a page really is refused what the app denies. Spellcheck settings are
 * recorded: the harness never downloads dictionaries, a test checks what the app configured.
 */
import { EventEmitter } from 'node:events';
import { protocol } from './protocol.ts';
import { registry } from './registry.ts';

/** Where Electron downloads hunspell dictionaries by default (shell/browser/electron_browser_context.cc). */
export const SPELLCHECK_CDN = 'https://redirector.gvt1.com/edgedl/chrome/dict/';

export type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
export type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string, details: Record<string, unknown>) => boolean;

export class Session extends EventEmitter {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  spellCheckerEnabled = true;
  spellCheckerLanguages: string[] = ['en-US'];
  dictionaryDownloadUrl: string | null = null;
  readonly protocol = protocol;
  readonly webRequest = {
    onBeforeRequest: (...args: unknown[]) => void registry.record('session.webRequest.onBeforeRequest', { set: args.length > 0 }),
    onHeadersReceived: (...args: unknown[]) => void registry.record('session.webRequest.onHeadersReceived', { set: args.length > 0 }),
    onBeforeSendHeaders: (...args: unknown[]) => void registry.record('session.webRequest.onBeforeSendHeaders', { set: args.length > 0 }),
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
    registry.record('session.setPermissionRequestHandler', { set: handler !== null });
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
    registry.record('session.setPermissionCheckHandler', { set: handler !== null });
  }

  setDevicePermissionHandler(handler: unknown): void {
    registry.record('session.setDevicePermissionHandler', { set: handler !== null });
  }

  setDisplayMediaRequestHandler(handler: unknown): void {
    registry.record('session.setDisplayMediaRequestHandler', { set: handler !== null });
  }

  /** Electron: where hunspell dictionaries come from (Windows/Linux); a CDN unless set. */
  setSpellCheckerDictionaryDownloadURL(url: string): void {
    this.dictionaryDownloadUrl = url;
    registry.record('session.setSpellCheckerDictionaryDownloadURL', { url });
  }

  setSpellCheckerEnabled(enabled: boolean): void {
    this.spellCheckerEnabled = enabled;
    registry.record('session.setSpellCheckerEnabled', { enabled });
  }

  isSpellCheckerEnabled(): boolean {
    return this.spellCheckerEnabled;
  }

  setSpellCheckerLanguages(languages: string[]): void {
    this.spellCheckerLanguages = [...languages];
    registry.record('session.setSpellCheckerLanguages', { languages });
  }

  getSpellCheckerLanguages(): string[] {
    return [...this.spellCheckerLanguages];
  }

  get availableSpellCheckerLanguages(): string[] {
    return ['en-US', 'en-GB', 'de-DE', 'fr-FR'];
  }

  async clearCache(): Promise<void> {}
  async clearStorageData(): Promise<void> {}
  setUserAgent(userAgent: string): void {
    registry.record('session.setUserAgent', { userAgent });
  }

  private dictionariesRequested = false;

  /**
   * Electron on Windows and Linux fetches hunspell dictionaries for the spellchecker languages when
   * a window with spellcheck on (the default) appears: from Google's CDN unless the app set its own
   * URL (docs/tutorial/spellchecker.md, session.md setSpellCheckerDictionaryDownloadURL). Recorded,
   * never fetched.
   */
  windowCreated(webPreferences: Record<string, unknown>): void {
    if (this.dictionariesRequested || webPreferences.spellcheck === false || !this.spellCheckerEnabled || process.platform === 'darwin') return;
    this.dictionariesRequested = true;
    const base = this.dictionaryDownloadUrl ?? SPELLCHECK_CDN;
    for (const language of this.spellCheckerLanguages) {
      registry.record('session.spellcheck-dictionary-download', { url: `${base}${language.toLowerCase()}-10-1.bdic`, language });
    }
  }

  /** Asks the app's handlers about one permission, as Chromium would on a page request. */
  async decide(webContents: unknown, permission: string, origin: string): Promise<boolean> {
    if (this.permissionCheckHandler && !this.permissionCheckHandler(webContents, permission, origin, { requestingUrl: origin, isMainFrame: true, embeddingOrigin: origin })) {
      return false;
    }
    const handler = this.permissionRequestHandler;
    // Electron grants by default when no request handler is set (docs/api/session.md).
    if (!handler) return true;
    return new Promise<boolean>((resolve) => {
      handler(webContents, permission, (granted) => resolve(granted === true), { requestingUrl: origin, isMainFrame: true });
    });
  }
}

const defaultSession = new Session();
const partitions = new Map<string, Session>();

export const session = {
  get defaultSession(): Session {
    if (!registry.appReady) throw new Error('session module can only be used when app is ready');
    return defaultSession;
  },
  /**
   * session.md: an empty partition is the default session; any other name is its own session
   * (in memory unless it starts with `persist:`), the same object for the same name.
   * electron-updater asks for `fromPartition('electron-updater', { cache: false })`.
   */
  fromPartition(partition: string, _options?: { cache?: boolean }): Session {
    if (!registry.appReady) throw new Error('session module can only be used when app is ready');
    if (partition === '') return defaultSession;
    let named = partitions.get(partition);
    if (!named) {
      named = new Session();
      partitions.set(partition, named);
    }
    return named;
  },
};

/** The session every window uses (the harness models only the default one). */
export function defaultSessionUnchecked(): Session {
  return defaultSession;
}
