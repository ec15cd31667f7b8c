/**
 * The renderer's store: one immutable AppState (app-state.ts), fed by the gateway client's pushes
 * and connection changes, plus the actions the UI calls. Components read it through
 * useSyncExternalStore (hooks.ts). Listeners are told once per burst of changes: streamed text
 * can arrive hundreds of times a second, and the screen needs it at most once a frame.
 */
import type { GatewayEvent, LaneStatus } from '../../../shared/gateway-events.ts';
import { TRANSCRIPT_PAGE_MAX, type MethodName, type Params, type ProviderTarget, type Result } from '../../../shared/protocol/contract.ts';
import type { ProviderKind, ProviderSettingInput, SettingChange, SettingKey, SettingValue } from '../../../shared/settings.ts';
import { providerInUse } from '../lib/provider-default.ts';
import {
  initialState,
  laneLabel,
  needsTranscriptReload,
  reduce,
  relaunchBannerKey,
  relaunchDismissedKey,
  type Action,
  type AppState,
  type SearchResult,
} from './app-state.ts';
import type { GatewayPort } from './gateway-port.ts';
import type { OutboxEntry, OutboxStorage } from './outbox.ts';
import { DisposableStore } from '../../../shared/disposables.ts';
import { BatonError, describeError } from '../../../shared/errors.ts';
import type { ApprovalAnswer } from '../../../shared/transcript.ts';
import { uploadDraft, type AttachmentDraft } from '../lib/attachment-drafts.ts';
import { nextNeedingYou } from '../lib/lane-navigation.ts';

/** Without animation frames (Node, tests): how often streamed text is told. */
const TEXT_FRAME_MS = 32;
/** A frame at 60 Hz. */
const FRAME_MS = 16;

/** A window on screen (a hidden one, or no document at all, waits for frames). */
function windowVisible(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'visible' && typeof requestAnimationFrame === 'function';
}

/**
 * Streamed text is told once per animation frame: the screen shows no more than that, and a
 * hidden window does no work for it. Elsewhere a timer stands in. A piece that comes when the
 * window has not been told anything for a frame's time is told at once (issue 13: a burst's words
 * on screen as soon as they arrive, not up to a frame later); the pieces after it in that frame
 * wait for the frame.
 */
const nextFrame: { request(callback: () => void): unknown; cancel(handle: unknown): void } =
  typeof requestAnimationFrame === 'function'
    ? { request: (callback) => requestAnimationFrame(callback), cancel: (handle) => cancelAnimationFrame(handle as number) }
    : { request: (callback) => setTimeout(callback, TEXT_FRAME_MS), cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };
/**
 * Streamed text found missing is fetched again at once, then at most this often: a store that
 * cannot save (a full disk) would otherwise have the window fetch in a loop. Checkpoints come as
 * often (turn-recorder.ts, TEXT_FLUSH_INTERVAL_MS).
 */
const MISSING_TEXT_RELOAD_MS = 250;
const SEARCH_DEBOUNCE_MS = 200;
/**
 * Rows read per page (issue 13): more than a tall window shows, so the newest page fills the
 * screen with room to scroll, and a 100,000-row conversation opens as fast as a short one.
 */
export const TRANSCRIPT_PAGE_ROWS = 200;
const OPEN_LANE_KEY = 'baton.openLane';
/** The store this window last reached, for messages typed before it reaches one again (L32). */
const STORE_ID_KEY = 'baton.storeId';
/** How much of a refused message an error repeats, so the person can copy it. */
const REFUSED_TEXT_CHARS = 500;

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface StoreOptions {
  now?: () => number;
  /** Remembers the open conversation across reloads; null to remember nothing. */
  storage?: KeyValueStorage | null;
  /** L32: where messages wait until the gateway took them; null sends directly (no outbox). */
  outbox?: OutboxStorage | null;
  /** A new client message id (default crypto.randomUUID). */
  newMessageId?: () => string;
  /** Issue 10: the conversation to open once connected (a desktop window opened for a notification); else the remembered one. */
  openFirst?: string | null;
}

/** The gateway could not be asked (no connection, or it is shutting down): the message waits. */
function isUnreachable(error: unknown): boolean {
  return error instanceof BatonError && error.code === 'UNAVAILABLE';
}

export interface ProviderInput {
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  model: string;
  /** Sent once with provider.setKey; empty keeps the stored key. */
  apiKey: string;
  /** When editing: the name the provider had. */
  previousName?: string;
}

/** `message`: what happened, for the person (which provider is in use now, …). */
export type Outcome = { ok: true; message?: string } | { ok: false; message: string };

export class AppStore {
  private state: AppState = initialState();
  private readonly listeners = new Set<() => void>();
  private readonly client: GatewayPort;
  private readonly now: () => number;
  private readonly storage: KeyValueStorage | null;
  private notifyTimer: unknown = null;
  /** When listeners were last told (this.now()). */
  private toldAt = Number.NEGATIVE_INFINITY;
  private microtaskQueued = false;
  private transcriptLoad = 0;
  /** Issue 13: the older / newer page being read, by the cursor it was asked with (one of each at a time). */
  private olderLoad: number | null = null;
  private newerLoad: number | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private missingTextTimer: ReturnType<typeof setTimeout> | null = null;
  private missingTextReloadAt = Number.NEGATIVE_INFINITY;
  private loadedOnce = false;
  private readonly outbox: OutboxStorage | null;
  private readonly newMessageId: () => string;
  /** The store behind the gateway this window talks to (app.status), once known. */
  private storeId: string | null = null;
  /** Outbox passes run one after another, never side by side (order, and one send per message). */
  private outboxQueue: Promise<void> = Promise.resolve();
  /** Callers of send() waiting for their message's fate, by client message id. */
  private readonly waiting = new Map<string, (taken: boolean) => void>();
  /** Lanes whose turn.retry request is out (a double click sends one). */
  private readonly retrying = new Set<string>();
  private readonly openFirst: string | null;

  constructor(client: GatewayPort, options: StoreOptions = {}) {
    this.openFirst = options.openFirst ?? null;
    this.client = client;
    this.now = options.now ?? Date.now;
    this.storage = options.storage ?? null;
    this.outbox = options.outbox ?? null;
    this.newMessageId = options.newMessageId ?? (() => crypto.randomUUID());
  }

  readonly getState = (): AppState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: Action): void {
    const next = reduce(this.state, action);
    if (next === this.state) return;
    this.state = next;
    const kind = action.type === 'push' && action.event.channel === 'gateway' ? action.event.event.type : null;
    this.scheduleNotify(kind !== 'text-delta' && kind !== 'text-checkpoint' && kind !== 'tool-output-delta');
    if (next.transcript.status === 'ready' && next.transcript.model.missingText !== null) this.fetchMissingText(next.transcript.model.laneKey);
  }

  /** A delta or checkpoint showed the open answer missing text: the transcript is read again (it holds every piece sent). */
  private fetchMissingText(laneKey: string): void {
    if (this.missingTextTimer !== null) return;
    const wait = Math.max(0, this.missingTextReloadAt + MISSING_TEXT_RELOAD_MS - this.now());
    this.missingTextTimer = setTimeout(() => {
      this.missingTextTimer = null;
      const slot = this.state.transcript;
      if (slot.status !== 'ready' || slot.model.laneKey !== laneKey || slot.model.missingText === null) return;
      this.missingTextReloadAt = this.now();
      void this.resyncTranscript(laneKey, slot.model.sessionId, Math.min(slot.model.missingText - 1, slot.model.lastSeq));
    }, wait);
  }

  /** Wires the client's pushes and connection changes; returns the unsubscribe. */
  start(): () => void {
    const subscriptions = new DisposableStore();
    subscriptions.add(this.client.onConnection((connection, info) => {
      this.dispatch({ type: 'connection', state: connection, resync: info.resync, at: this.now() });
      if (connection === 'open') void this.onOpen(info.resync).then(() => this.flushOutbox());
    }));
    void this.showOutbox();
    subscriptions.add(this.client.onEvent((event) => {
      // Issue 10: the desktop's notification about a conversation was clicked: it is opened here.
      if (event.channel === 'open-lane' && this.state.lanes.has(event.laneKey)) this.openLane(event.laneKey);
      if (event.channel === 'gateway') this.beforeGatewayEvent(event.event);
      this.dispatch({ type: 'push', event });
    }));
    if (this.client.state === 'open') {
      this.dispatch({ type: 'connection', state: 'open', resync: false, at: this.now() });
      void this.onOpen(true).then(() => this.flushOutbox());
    }
    return () => subscriptions.dispose();
  }

  // ── loading ──────────────────────────────────────────────────────────────────────────────

  private async onOpen(resync: boolean): Promise<void> {
    // A same-instance reconnect replays what was missed; a new instance (or the first open)
    // means everything shown may be stale.
    if (this.loadedOnce && !resync) return;
    const first = !this.loadedOnce;
    this.loadedOnce = true;
    await Promise.all([this.refreshStatus(), this.refreshLanes(), this.refreshSettings()]);
    const open = this.state.openLaneKey;
    if (open !== null) {
      void this.loadTranscript(open);
    } else if (first) {
      const wanted = [this.openFirst, this.readStorage(OPEN_LANE_KEY)].find((key) => key !== null && this.state.lanes.has(key));
      if (wanted) this.openLane(wanted);
    }
  }

  async refreshStatus(): Promise<void> {
    const status = await this.attempt('app.status', {}, 'Could not read Baton’s status');
    if (!status) return;
    this.storeId = status.storeId;
    this.writeStorage(STORE_ID_KEY, status.storeId);
    this.dispatch({ type: 'app-status', status });
    // Issue 10: a relaunch banner dismissed before a reload stays dismissed for that relaunch.
    if (this.readStorage(relaunchDismissedKey(status.storeId)) === status.instanceId) this.dispatch({ type: 'dismiss', key: relaunchBannerKey(status.instanceId) });
    await this.showOutbox();
  }

  async refreshLanes(): Promise<void> {
    const lanes = await this.attempt('lanes.list', {}, 'Could not load the conversations');
    if (lanes) this.dispatch({ type: 'lanes-loaded', lanes });
  }

  async refreshSettings(): Promise<void> {
    const settings = await this.attempt('settings.get', {}, 'Could not load the settings');
    if (settings) this.dispatch({ type: 'settings-loaded', settings });
  }

  private beforeGatewayEvent(event: GatewayEvent): void {
    if (needsTranscriptReload(this.state, event)) {
      const laneKey = this.state.openLaneKey;
      if (laneKey !== null) queueMicrotask(() => void this.loadTranscript(laneKey));
    }
  }

  /**
   * Reads the conversation's newest page (issue 13: older ones follow as the reader scrolls up),
   * or with `around` the page around that row, which the view shows centred and marked.
   */
  async loadTranscript(laneKey: string, options: { around?: number } = {}): Promise<void> {
    const load = ++this.transcriptLoad;
    this.dispatch({ type: 'transcript-loading', laneKey });
    const params = { laneKey, limit: TRANSCRIPT_PAGE_ROWS, ...(options.around !== undefined ? { around: options.around } : {}) };
    let focusSeq = options.around ?? null;
    const loaded = (result: Result<'transcript.get'>) =>
      this.dispatch({
        type: 'transcript-loaded',
        laneKey,
        sessionId: result.sessionId,
        events: result.events,
        page: { hasOlder: result.hasMore ?? false, hasNewer: result.hasNewer ?? false, focusSeq },
      });
    try {
      const result = await this.client.call('transcript.get', params);
      if (load !== this.transcriptLoad) return;
      loaded(result);
      // The lane moved on to another session while we were reading the old one: its newest page.
      const lane = this.state.lanes.get(laneKey);
      if (lane && lane.sessionId !== result.sessionId && this.state.openLaneKey === laneKey) {
        const retry = ++this.transcriptLoad;
        focusSeq = null;
        const again = await this.client.call('transcript.get', { laneKey, limit: TRANSCRIPT_PAGE_ROWS });
        if (retry === this.transcriptLoad) loaded(again);
      }
    } catch (error) {
      if (load === this.transcriptLoad) this.dispatch({ type: 'transcript-failed', laneKey, message: describeError(error) });
    }
  }

  /**
   * Streamed text found missing: the rows from that one on are read again and laid over those
   * shown (issue 13: by row seq, so the older pages the reader loaded stay). Thousands of rows
   * written since are rare; then the newest page is read instead.
   */
  private async resyncTranscript(laneKey: string, sessionId: string, afterSeq: number): Promise<void> {
    const load = ++this.transcriptLoad;
    this.dispatch({ type: 'transcript-loading', laneKey });
    try {
      const result = await this.client.call('transcript.get', { laneKey, sessionId, afterSeq: Math.max(0, afterSeq), limit: TRANSCRIPT_PAGE_MAX });
      if (load !== this.transcriptLoad) return;
      if (result.hasNewer === true) {
        void this.loadTranscript(laneKey);
        return;
      }
      this.dispatch({ type: 'transcript-loaded', laneKey, sessionId: result.sessionId, events: result.events, merge: true });
    } catch (error) {
      if (load === this.transcriptLoad) this.dispatch({ type: 'transcript-failed', laneKey, message: describeError(error) });
    }
  }

  /** Issue 13: the page before the oldest row shown, as the reader nears the top; one at a time. */
  async loadOlder(laneKey: string): Promise<void> {
    const slot = this.state.transcript;
    if (slot.status !== 'ready' || slot.model.laneKey !== laneKey || !slot.model.hasOlder || this.olderLoad !== null) return;
    const { sessionId, firstSeq: before } = slot.model;
    this.olderLoad = before;
    try {
      const result = await this.client.call('transcript.get', { laneKey, sessionId, before, limit: TRANSCRIPT_PAGE_ROWS });
      this.dispatch({ type: 'transcript-older', laneKey, sessionId, before, events: result.events, hasOlder: result.hasMore ?? false });
    } catch (error) {
      this.fail(`Could not load older messages: ${describeError(error)}`);
    } finally {
      this.olderLoad = null;
    }
  }

  /** Issue 13: the page after the newest row shown, for a conversation opened at a search hit. */
  async loadNewer(laneKey: string): Promise<void> {
    const slot = this.state.transcript;
    if (slot.status !== 'ready' || slot.model.laneKey !== laneKey || !slot.model.hasNewer || this.newerLoad !== null) return;
    const { sessionId, lastSeq: after } = slot.model;
    this.newerLoad = after;
    this.dispatch({ type: 'transcript-newer-start', laneKey, sessionId });
    try {
      const result = await this.client.call('transcript.get', { laneKey, sessionId, afterSeq: after, limit: TRANSCRIPT_PAGE_ROWS });
      this.dispatch({ type: 'transcript-newer', laneKey, sessionId, after, events: result.events, hasNewer: result.hasNewer ?? false });
    } catch (error) {
      this.dispatch({ type: 'transcript-newer', laneKey, sessionId, after: Number.NaN, events: [], hasNewer: true });
      this.fail(`Could not load newer messages: ${describeError(error)}`);
    } finally {
      this.newerLoad = null;
    }
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────

  openLane(laneKey: string | null): void {
    this.dispatch({ type: 'open-lane', laneKey });
    if (laneKey !== null) {
      this.writeStorage(OPEN_LANE_KEY, laneKey);
      void this.loadTranscript(laneKey);
      // Issue 11: an archived conversation (found by search) is not in the main list; read it in.
      if (!this.state.lanes.has(laneKey)) void this.loadArchivedLane(laneKey);
    }
  }

  private async loadArchivedLane(laneKey: string): Promise<void> {
    const archived = await this.attempt('lanes.list', { view: 'archived' }, 'Could not read the archived conversations');
    const lane = archived?.find((entry) => entry.laneKey === laneKey);
    if (lane) this.dispatch({ type: 'lane-changed', lane });
  }

  /**
   * Issue 13: a search result opens its conversation at the message that matched, centred and
   * marked; a hit in an earlier session of the conversation (or on its title) opens it as usual.
   */
  openSearchResult(result: SearchResult): void {
    const lane = this.state.lanes.get(result.laneKey);
    if (result.seq === undefined || lane === undefined || result.sessionId !== lane.sessionId) {
      this.openLane(result.laneKey);
      return;
    }
    this.dispatch({ type: 'open-lane', laneKey: result.laneKey });
    this.writeStorage(OPEN_LANE_KEY, result.laneKey);
    void this.loadTranscript(result.laneKey, { around: result.seq });
  }

  async newChat(): Promise<string | null> {
    const lane = await this.attempt('lanes.create', {}, 'Could not start a new conversation');
    if (!lane) return null;
    this.dispatch({ type: 'lane-created', lane });
    this.openLane(lane.laneKey);
    return lane.laneKey;
  }

  // ── conversations you can manage (issue 11) ──────────────────────────────────────────────

  async renameLane(laneKey: string, title: string): Promise<boolean> {
    return this.changeLane(await this.attempt('lanes.rename', { laneKey, title }, 'Could not rename the conversation'));
  }

  async pinLane(laneKey: string, pinned: boolean): Promise<boolean> {
    return this.changeLane(await this.attempt('lanes.pin', { laneKey, pinned }, pinned ? 'Could not pin the conversation' : 'Could not unpin the conversation'));
  }

  /** Moves the conversation to the trash and offers it back (Undo); nothing is lost by one keystroke. */
  async deleteLane(laneKey: string): Promise<boolean> {
    const before = this.state.lanes.get(laneKey);
    const label = before ? laneLabel(before, this.state.previews) : 'the conversation';
    const changed = this.changeLane(await this.attempt('lanes.delete', { laneKey }, 'Could not delete the conversation'));
    if (changed) this.dispatch({ type: 'undo-delete', offer: { laneKey, label } });
    return changed;
  }

  /** Takes the conversation out of the trash and opens it. */
  async restoreLane(laneKey: string): Promise<boolean> {
    const changed = this.changeLane(await this.attempt('lanes.restore', { laneKey }, 'Could not restore the conversation'));
    if (!changed) return false;
    if (this.state.undoDelete?.laneKey === laneKey) this.dispatch({ type: 'undo-delete', offer: null });
    this.openLane(laneKey);
    return true;
  }

  // ── a conversation keeps its agent (L34) ─────────────────────────────────────────────────

  /** The conversation's provider and model; its next turn uses them. The gateway's words come back when it refuses. */
  async setLaneModel(laneKey: string, provider: string, model: string): Promise<Outcome> {
    return this.laneCall(() => this.client.call('lanes.setModel', { laneKey, provider, model }));
  }

  /** `null`: the Default profile. */
  async setLaneProfile(laneKey: string, profile: string | null): Promise<Outcome> {
    return this.laneCall(() => this.client.call('lanes.setProfile', { laneKey, profile }));
  }

  async setLaneOverrides(laneKey: string, overrides: { instructions?: string | null; workspaceDir?: string | null }): Promise<Outcome> {
    return this.laneCall(() => this.client.call('lanes.setOverrides', { laneKey, ...overrides }));
  }

  private async laneCall(call: () => Promise<LaneStatus>): Promise<Outcome> {
    try {
      this.changeLane(await call());
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  }

  dismissUndo(): void {
    this.dispatch({ type: 'undo-delete', offer: null });
  }

  /** Issue 11: archives the conversation (out of the main list, into the Archived view) or brings it back. */
  async archiveLane(laneKey: string, archived: boolean): Promise<boolean> {
    return this.changeLane(await this.attempt('lanes.archive', { laneKey, archived }, archived ? 'Could not archive the conversation' : 'Could not unarchive the conversation'));
  }

  /** Issue 11: opens the Archived view (its conversations are read into the lane list); `false` closes it. */
  async showArchive(show = true): Promise<void> {
    if (show) {
      const lanes = await this.attempt('lanes.list', { view: 'archived' }, 'Could not read the archived conversations');
      if (!lanes) return;
      for (const lane of lanes) this.dispatch({ type: 'lane-changed', lane });
    }
    this.dispatch({ type: 'archive-view', open: show });
  }

  /** Issue 11 (Ctrl/Cmd+J): the next conversation that waits for the person, after the open one. */
  openNextNeedingYou(): boolean {
    const next = nextNeedingYou(this.state.lanes, this.state.openLaneKey);
    if (next !== null) this.openLane(next);
    return next !== null;
  }

  /** Issue 11: the conversation's sessions for the /resume list, newest first; null when they could not be read. */
  async listSessions(laneKey: string): Promise<Result<'sessions.list'> | null> {
    const sessions = await this.attempt('sessions.list', { laneKey }, 'Could not list the earlier sessions');
    return sessions ? [...sessions].reverse() : null;
  }

  /**
   * Issue 11: a message with attachments. They are uploaded first (in chunks), then the message
   * names them; it goes straight to Baton, not through the outbox, because an upload needs Baton
   * there. False when anything was refused; the composer then keeps the text and the attachments.
   */
  async sendWithAttachments(laneKey: string, text: string, drafts: readonly AttachmentDraft[], onProgress?: (sent: number, total: number) => void): Promise<boolean> {
    if (this.client.state !== 'open') {
      this.fail('Attachments are sent while Baton is reachable; your message and its attachments are still in the message box.');
      return false;
    }
    const total = drafts.reduce((sum, draft) => sum + draft.size, 0);
    let done = 0;
    const attachments: Array<{ uploadId: string; thumbnail?: string }> = [];
    try {
      for (const draft of drafts) {
        const uploadId = await uploadDraft((method, params) => this.client.call(method, params), draft, (sent) => onProgress?.(done + sent, total));
        done += draft.size;
        attachments.push({ uploadId, ...(draft.thumbnail ? { thumbnail: draft.thumbnail } : {}) });
      }
    } catch (error) {
      this.fail(`Your attachments were not sent: ${describeError(error)}`);
      return false;
    }
    const clientId = this.newMessageId();
    const result = await this.attempt('message.send', { laneKey, text, clientMessageId: clientId, attachments }, 'Your message was not sent');
    if (!result) return false;
    this.dispatch({ type: 'send-result', laneKey, text, clientId, status: result.status, message: result.message, at: this.now() });
    return true;
  }

  /** Opens (or refreshes) the Trash view; `false` closes it. */
  async showTrash(show = true): Promise<void> {
    if (!show) {
      this.dispatch({ type: 'trash-loaded', lanes: null });
      return;
    }
    const lanes = await this.attempt('lanes.list', { view: 'trash' }, 'Could not read the trash');
    if (lanes) this.dispatch({ type: 'trash-loaded', lanes });
  }

  private changeLane(lane: LaneStatus | null): boolean {
    if (lane) this.dispatch({ type: 'lane-changed', lane });
    return lane !== null;
  }

  search(query: string): void {
    this.dispatch({ type: 'search-query', query });
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = null;
    const trimmed = query.trim();
    if (trimmed === '') return;
    this.searchTimer = setTimeout(() => {
      this.searchTimer = null;
      void this.attempt('lanes.search', { query: trimmed.slice(0, 500) }, 'Search failed').then((results) => {
        if (results) this.dispatch({ type: 'search-results', query, results });
      });
    }, SEARCH_DEBOUNCE_MS);
  }

  /**
   * Resolves true once the message is safe: the gateway took it (started, queued or run as a
   * command), or Baton is unreachable and it waits in the outbox (L32). False when it was refused;
   * the composer then keeps the text.
   */
  async send(laneKey: string, text: string): Promise<boolean> {
    const entry: OutboxEntry = { id: this.newMessageId(), storeId: this.storeId ?? this.readStorage(STORE_ID_KEY), laneKey, text, createdAt: this.now() };
    if (this.outbox) {
      try {
        await this.outbox.put(entry);
      } catch (error) {
        // No durable outbox (private mode, a full quota): send directly, as a window without one would.
        this.fail(`Messages typed while Baton is away cannot be kept in this window: ${describeError(error)}`);
        return this.sendNow(entry);
      }
      await this.showOutbox();
      if (this.client.state !== 'open') return true;
      const taken = new Promise<boolean>((resolve) => this.waiting.set(entry.id, resolve));
      void this.flushOutbox();
      return taken;
    }
    return this.sendNow(entry);
  }

  private async sendNow(entry: OutboxEntry): Promise<boolean> {
    const result = await this.attempt('message.send', { laneKey: entry.laneKey, text: entry.text, clientMessageId: entry.id }, 'Your message was not sent');
    if (!result) return false;
    this.dispatch({ type: 'send-result', laneKey: entry.laneKey, text: entry.text, clientId: entry.id, status: result.status, message: result.message, at: this.now() });
    return true;
  }

  /** L32: sends what waits in the outbox for this store, oldest first, one at a time. */
  flushOutbox(): Promise<void> {
    if (!this.outbox) return Promise.resolve();
    this.outboxQueue = this.outboxQueue
      .then(() => this.sendOutbox())
      .catch((error: unknown) => this.fail(`Could not send the waiting messages: ${describeError(error)}`))
      .finally(() => {
        // Whatever is still waiting is safe in the outbox and goes out with the next connection.
        for (const id of [...this.waiting.keys()]) this.settle(id, true);
      });
    return this.outboxQueue;
  }

  private async sendOutbox(): Promise<void> {
    const outbox = this.outbox!;
    while (this.client.state === 'open' && this.storeId !== null) {
      const next = (await outbox.list()).find((entry) => this.belongsHere(entry));
      if (!next) return;
      let taken: boolean;
      try {
        const result = await this.client.call('message.send', { laneKey: next.laneKey, text: next.text, clientMessageId: next.id });
        this.dispatch({ type: 'send-result', laneKey: next.laneKey, text: next.text, clientId: next.id, status: result.status, message: result.message, at: this.now() });
        taken = true;
      } catch (error) {
        // Still safe in the outbox; the next connection sends it (the gateway knows it by its id).
        if (isUnreachable(error)) {
          this.settle(next.id, true);
          return;
        }
        const shown = next.text.length > REFUSED_TEXT_CHARS ? `${next.text.slice(0, REFUSED_TEXT_CHARS)}…` : next.text;
        this.fail(`Your message was not sent: ${describeError(error)} (the message: “${shown}”)`);
        taken = false;
      }
      try {
        await outbox.remove(next.id);
      } catch (error) {
        this.fail(`Could not update the outbox: ${describeError(error)}`);
        this.settle(next.id, taken);
        return;
      }
      await this.showOutbox();
      this.settle(next.id, taken);
    }
  }

  /**
   * An entry this window may show and send: typed for the store it talks to (or, before it has
   * reached one this launch, the store it last reached), or typed before it ever knew a store.
   */
  private belongsHere(entry: OutboxEntry): boolean {
    const storeId = this.storeId ?? this.readStorage(STORE_ID_KEY);
    return entry.storeId === null || storeId === null || entry.storeId === storeId;
  }

  private settle(id: string, taken: boolean): void {
    this.waiting.get(id)?.(taken);
    this.waiting.delete(id);
  }

  /** The waiting messages this window may send (its store's, or typed before it knew one). */
  private async showOutbox(): Promise<void> {
    if (!this.outbox) return;
    try {
      const entries = await this.outbox.list();
      this.dispatch({ type: 'outbox', entries: entries.filter((entry) => this.belongsHere(entry)) });
    } catch (error) {
      this.fail(`Could not read the outbox: ${describeError(error)}`);
    }
  }

  /**
   * Retry of a failed turn (issue 11): the gateway runs it again on the message it already holds,
   * so nothing is sent twice; a second click while the request is out is dropped here.
   */
  async retry(laneKey: string): Promise<boolean> {
    if (this.retrying.has(laneKey)) return false;
    this.retrying.add(laneKey);
    try {
      return (await this.attempt('turn.retry', { laneKey }, 'Could not retry')) !== null;
    } finally {
      this.retrying.delete(laneKey);
    }
  }

  // ── message actions (issue 11, L35): each is stored by the gateway, which pushes the new rows ──

  /** Edit and resend: true once the gateway took the new version (the editor then closes). */
  async editMessage(laneKey: string, seq: number, text: string): Promise<boolean> {
    return (await this.attempt('message.edit', { laneKey, seq, text }, 'Could not send the edited message')) !== null;
  }

  async regenerate(laneKey: string, seq: number): Promise<void> {
    await this.attempt('turn.regenerate', { laneKey, seq }, 'Could not regenerate the answer');
  }

  async continueAnswer(laneKey: string): Promise<void> {
    await this.attempt('turn.continue', { laneKey }, 'Could not continue the answer');
  }

  async selectVersion(laneKey: string, seq: number): Promise<void> {
    await this.attempt('message.selectVersion', { laneKey, seq }, 'Could not switch to that version');
  }

  async stop(laneKey: string): Promise<void> {
    await this.attempt('turn.stop', { laneKey }, 'Could not stop the turn');
  }

  async resumeAccept(laneKey: string): Promise<void> {
    const result = await this.attempt('resume.accept', { laneKey }, 'Could not resume');
    if (result && !result.accepted) this.fail('This conversation can no longer be resumed.');
  }

  async resumeDiscard(laneKey: string): Promise<void> {
    await this.attempt('resume.discard', { laneKey }, 'Could not discard the interrupted turn');
  }

  async restoreSession(laneKey: string, sessionId: string): Promise<void> {
    const result = await this.attempt('session.restore', { laneKey, sessionId }, 'Could not restore the previous session');
    if (!result) return;
    if (!result.restored) {
      this.fail('The previous session could not be restored now. Stop the running turn first, or try /resume.');
      return;
    }
    this.dispatch({ type: 'session-restored', laneKey });
    if (this.state.openLaneKey === laneKey) void this.loadTranscript(laneKey);
  }

  /** Issue 10: once / conversation / always / deny, a deny with the person's optional reason. */
  async answerApproval(laneKey: string, callId: string, answer: ApprovalAnswer): Promise<void> {
    const reason = answer.decision === 'deny' ? answer.reason?.trim() : undefined;
    const params = { laneKey, callId, decision: answer.decision, ...(reason ? { reason } : {}) };
    const result = await this.attempt('approval.answer', params, 'Could not answer the approval request');
    if (result && !result.answered) this.fail('That tool call is no longer waiting for an answer.');
    // "Always allow" changed a setting: this window's Settings panel shows it at once.
    else if (result && answer.decision === 'always') await this.refreshSettings();
  }

  /** Issue 10: a tool call's whole output ("Download full output"); null after reporting a failure. */
  fullToolOutput(laneKey: string, seq: number): Promise<Result<'tool.output'> | null> {
    return this.attempt('tool.output', { laneKey, seq }, 'Could not read the full output');
  }

  /** Issue 11: a conversation as a file to save (Markdown or lossless JSON; its current session or all); null after reporting a failure. */
  async exportConversation(laneKey: string, format: 'md' | 'json', allSessions: boolean): Promise<{ fileName: string; text: string } | null> {
    const lane = this.state.lanes.get(laneKey);
    if (!lane) return null;
    try {
      // Loaded at the first export (issue 13: the window's initial JS stays small).
      const { conversationExportText, exportFileName, readAllSessions } = await import('../../../shared/conversation-export.ts');
      const [current, sessions] = await Promise.all([
        this.client.call('transcript.get', { laneKey }),
        allSessions ? readAllSessions(this.client, laneKey) : undefined,
      ]);
      const exportedAt = this.now();
      const input = { lane, sessionId: current.sessionId, events: current.events, exportedAt, version: this.state.app?.version ?? 'unknown', ...(sessions ? { sessions } : {}) };
      return { fileName: exportFileName(laneLabel(lane, this.state.previews), exportedAt, format), text: conversationExportText(input, format) };
    } catch (error) {
      this.fail(`Could not export the conversation: ${describeError(error)}`);
      return null;
    }
  }

  async restartApp(): Promise<void> {
    const result = await this.attempt('app.restart', {}, 'Could not restart Baton');
    if (result && !result.accepted) this.fail('Baton could not restart right now.');
  }

  dismiss(key: string): void {
    this.dispatch({ type: 'dismiss', key });
  }

  /**
   * Issue 10: closes the relaunch banner for this relaunch, remembered per data directory (one
   * entry per store id, holding the launch's instance id) so a reload keeps it closed and the
   * next relaunch's banner shows again.
   */
  dismissRelaunch(): void {
    const app = this.state.app;
    if (!app) return;
    this.writeStorage(relaunchDismissedKey(app.storeId), app.instanceId);
    this.dispatch({ type: 'dismiss', key: relaunchBannerKey(app.instanceId) });
  }

  dismissError(id: number): void {
    this.dispatch({ type: 'dismiss-error', id });
  }

  // ── settings ─────────────────────────────────────────────────────────────────────────────

  async setSetting<K extends SettingKey>(key: K, value: SettingValue<K>): Promise<Outcome> {
    try {
      // { key: K; value: SettingValue<K> } is one member of the union; TypeScript cannot see which.
      const result = await this.client.call('settings.set', { key, value } as SettingChange);
      this.dispatch({ type: 'settings-changed', settings: result.settings });
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  }

  /**
   * Adds a provider, or edits one (`previousName`: the name it had). The key, if given, goes to
   * provider.setKey once and is never kept here. The gateway keeps each provider's keychain
   * reference itself, since a front end never sees it.
   *
   * Adding a provider never re-points the conversations at it (issue 11, L34): the provider in
   * use stays in use, the one from the environment included; only the first provider becomes the
   * one in use. Switching is the explicit "Use".
   */
  async saveProvider(input: ProviderInput): Promise<Outcome> {
    const name = input.name.trim();
    const entry: ProviderSettingInput = { name, kind: input.kind, model: input.model.trim() };
    if (input.baseUrl.trim() !== '') entry.baseUrl = input.baseUrl.trim();
    const list = this.currentProviders();
    const previousName = input.previousName ?? name;
    if (previousName !== name && list.some((provider) => provider.name === name)) return { ok: false, message: `Another provider is already named “${name}”.` };
    const before = this.state.settings;
    const inUse = before ? providerInUse(before) : null;
    const editing = list.some((provider) => provider.name === previousName);
    const hadKey = before?.providers.find((provider) => provider.name === previousName && provider.source === 'settings')?.hasKey ?? false;
    if (editing && previousName !== name) {
      // The gateway moves the stored key (and the choice of the provider in use) with the name.
      try {
        await this.client.call('provider.rename', { from: previousName, to: name });
      } catch (error) {
        return { ok: false, message: describeError(error) };
      }
    }
    const next = editing ? list.map((provider) => (provider.name === previousName ? entry : provider)) : [...list, entry];
    const saved = await this.setSetting('providers', next);
    if (!saved.ok) return saved;
    if (input.apiKey !== '') {
      const stored = await this.setProviderKey(name, input.apiKey);
      if (!stored.ok) return { ok: false, message: `The provider was saved, but its API key was not stored: ${stored.message}` };
    }
    let active: Outcome = { ok: true };
    if (inUse === null) active = await this.setSetting('activeProvider', name);
    // Saved providers come before the environment's, so naming it keeps it in use.
    else if (!editing && inUse.source === 'environment' && before?.settings.activeProvider === null) active = await this.setSetting('activeProvider', inUse.name);
    await this.refreshSettings();
    if (!active.ok) return active;
    const now = this.state.settings ? providerInUse(this.state.settings) : null;
    const view = this.state.settings?.providers.find((provider) => provider.name === name && provider.source === 'settings');
    const words = [`Saved “${name}”${input.apiKey !== '' ? ' — key stored' : ''}.`];
    if (hadKey && view && !view.hasKey) words.push('Its stored key was for the old name or address: enter the key again.');
    if (now && now.name !== name) words.push(`New conversations still use “${now.name}”; choose Make default to switch, or pick it in a conversation’s header.`);
    return { ok: true, message: words.join(' ') };
  }

  async refreshMcp(): Promise<void> {
    const result = await this.attempt('mcp.status', {}, 'Could not read the MCP servers');
    if (result) this.dispatch({ type: 'mcp-loaded', servers: result.servers });
  }

  async restartMcpServer(name: string): Promise<Outcome> {
    try {
      await this.client.call('mcp.restart', { name });
      await this.refreshMcp();
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  }

  /** The key crosses to the gateway once, into the keychain; only `hasKey` ever comes back. */
  async setProviderKey(providerName: string, apiKey: string): Promise<Outcome> {
    try {
      const result = await this.client.call('provider.setKey', { providerName, apiKey });
      if (!result.stored) return { ok: false, message: 'The key could not be stored.' };
      await this.refreshSettings();
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  }

  /** Removes a saved provider (the window asks first); says which one new messages use now, or that none is left. */
  async removeProvider(name: string): Promise<Outcome> {
    const before = this.state.settings;
    const wasInUse = before ? providerInUse(before)?.name === name : false;
    const saved = await this.setSetting('providers', this.currentProviders().filter((provider) => provider.name !== name));
    if (saved.ok && before?.settings.activeProvider === name) await this.setSetting('activeProvider', null);
    await this.refreshSettings();
    if (!saved.ok) return saved;
    const now = this.state.settings ? providerInUse(this.state.settings) : null;
    if (!wasInUse) return { ok: true, message: `Removed “${name}”.` };
    return { ok: true, message: now ? `Removed “${name}”. New conversations use “${now.name}”.` : `Removed “${name}”. No provider is left: add one to chat.` };
  }

  // ── provider setup checks (issue 11) ──────────────────────────────────────────────────────

  /** The models the provider's server offers; a lost connection to the gateway reads like a failed check. */
  listProviderModels(target: ProviderTarget): Promise<Result<'provider.models'>> {
    return this.check('provider.models', target);
  }

  testProvider(target: ProviderTarget): Promise<Result<'provider.test'>> {
    return this.check('provider.test', target);
  }

  async detectLocalServers(): Promise<{ ok: true; servers: Result<'provider.detectLocal'>['servers'] } | { ok: false; message: string }> {
    try {
      return { ok: true, servers: (await this.client.call('provider.detectLocal', {})).servers };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  }

  private async check<M extends 'provider.models' | 'provider.test'>(method: M, target: ProviderTarget): Promise<Result<M>> {
    try {
      return await this.client.call(method, target as Params<M>);
    } catch (error) {
      const code = error instanceof BatonError ? error.code : 'INTERNAL';
      return { ok: false, code, message: describeError(error), latencyMs: 0 } as Result<M>;
    }
  }

  /** The saved providers as settings.set takes them (the environment's is not one of them). */
  private currentProviders(): ProviderSettingInput[] {
    return (this.state.settings?.providers ?? [])
      .filter((provider) => provider.source === 'settings')
      .map(({ name, kind, baseUrl, model }) => ({ name, kind, model, ...(baseUrl ? { baseUrl } : {}) }));
  }

  // ── whole-store export/import and backups (issue 11, L36) ──────────────────────────────────

  /** One gateway request for Settings → Backups; its failure comes back as the gateway's words. */
  async backupsRequest<M extends 'store.export' | 'store.import' | 'store.importChunk' | 'backups.list' | 'backups.create' | 'backups.restore'>(
    method: M,
    params: Params<M>,
  ): Promise<{ ok: true; value: Result<M> } | { ok: false; message: string }> {
    try {
      return { ok: true, value: await this.client.call(method, params) };
    } catch (error) {
      return { ok: false, message: describeError(error) };
    }
  }

  // ── plumbing ─────────────────────────────────────────────────────────────────────────────

  private async attempt<M extends MethodName>(method: M, params: Params<M>, what: string): Promise<Result<M> | null> {
    try {
      return await this.client.call(method, params);
    } catch (error) {
      this.fail(`${what}: ${describeError(error)}`);
      return null;
    }
  }

  private fail(message: string): void {
    this.dispatch({ type: 'error', message });
  }

  private scheduleNotify(urgent: boolean): void {
    if (urgent) {
      if (!this.microtaskQueued) {
        this.microtaskQueued = true;
        queueMicrotask(() => this.flush());
      }
      return;
    }
    if (this.notifyTimer !== null || this.microtaskQueued) return;
    if (windowVisible() && this.now() - this.toldAt >= FRAME_MS) this.scheduleNotify(true);
    else this.notifyTimer = nextFrame.request(() => this.flush());
  }

  private flush(): void {
    this.toldAt = this.now();
    this.microtaskQueued = false;
    if (this.notifyTimer !== null) nextFrame.cancel(this.notifyTimer);
    this.notifyTimer = null;
    for (const listener of [...this.listeners]) listener();
  }

  private readStorage(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private writeStorage(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // Private mode or a full quota: remembering the open conversation is a nicety.
    }
  }
}

