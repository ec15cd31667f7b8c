/**
 * The renderer's whole state and the pure reducer that feeds it from gateway pushes and call
 * results. The store (store.ts) does the I/O; everything here is deterministic and tested in Node.
 */
import type { Banner, GatewayEvent, LaneStatus, SendStatus } from '../../../shared/gateway-events.ts';
import { byAttention, conditionSentence, laneCondition, type LaneCondition } from '../../../shared/lane-condition.ts';
import type { PushEvent, Result, UpdateState } from '../../../shared/protocol/contract.ts';
import type { StoredEvent } from '../../../shared/transcript.ts';
import type { McpServerView } from '../../../shared/mcp-status.ts';
import { exitActionFor } from '../../../shared/lifecycle.ts';
import type { ConnectionState } from './gateway-port.ts';
import type { OutboxEntry } from './outbox.ts';
import {
  appendPage,
  applyTextCheckpoint,
  applyTextDelta,
  applyToolOutputDelta,
  applyTranscriptEvent,
  applyTranscriptEvents,
  buildTranscript,
  endLiveText,
  prependPage,
  type PageInfo,
  type TranscriptModel,
} from './transcript-model.ts';

export type GlobalDrainBanner = Extract<Banner, { kind: 'drain'; scope: 'global' }>;
export type LaneDrainBanner = Extract<Banner, { kind: 'drain'; scope: 'lane' }>;
export type SessionResetBanner = Extract<Banner, { kind: 'session-reset' }>;

export interface BannerState {
  globalDrain: GlobalDrainBanner | null;
  laneDrain: ReadonlyMap<string, LaneDrainBanner>;
  sessionReset: ReadonlyMap<string, SessionResetBanner>;
}

/**
 * Why the window lost Baton, judged from what it saw before the connection dropped: a drain for
 * a quit (or an OS shutdown or a signal) means Baton has quit; one for a restart or an update means
 * it is coming back; no drain at all means it stopped unexpectedly.
 */
export type LostBecause = 'quit' | 'restart' | 'crash';

export interface ConnectionView {
  state: ConnectionState;
  /** Set when the connection came back after being lost; the "Reconnected" note shows briefly. */
  reconnectedAt: number | null;
  everOpened: boolean;
  /** Why the open connection was lost; null while connected or before the first connection. */
  lostBecause: LostBecause | null;
}

export type TranscriptSlot =
  | { status: 'none' }
  /** Pushes that arrive while the transcript loads are kept and applied on top of it. */
  | { status: 'loading'; laneKey: string; buffered: readonly GatewayEvent[]; previous: TranscriptModel | null }
  /**
   * `ahead` (issue 13): set while a newer page is read for a model opened at a search hit; pushes
   * for the lane wait there and are applied on top of that page.
   */
  | { status: 'ready'; model: TranscriptModel; ahead?: readonly GatewayEvent[] }
  | { status: 'error'; laneKey: string; message: string };

export interface SendFeedback {
  status: SendStatus;
  message: string;
  at: number;
}

export type AppStatus = Result<'app.status'>;
export type SettingsReply = Result<'settings.get'>;
export type SearchResult = Result<'lanes.search'>[number];

export interface SearchState {
  query: string;
  results: readonly SearchResult[] | null;
  pending: boolean;
}

export interface QueuedText {
  clientId: string | null;
  text: string;
}

export interface AppError {
  id: number;
  message: string;
}

export interface AppState {
  connection: ConnectionView;
  app: Pick<AppStatus, 'version' | 'instanceId' | 'storeId' | 'draining' | 'previousExit' | 'updatedFrom' | 'startup'> | null;
  lanes: ReadonlyMap<string, LaneStatus>;
  /** The first user message of lanes seen in this window, for untitled lanes in the sidebar. */
  previews: ReadonlyMap<string, string>;
  openLaneKey: string | null;
  transcript: TranscriptSlot;
  banners: BannerState;
  update: UpdateState | null;
  sendFeedback: ReadonlyMap<string, SendFeedback>;
  /** Messages this window sent that wait as queued input, oldest first (by client id, L32). */
  queuedTexts: ReadonlyMap<string, readonly QueuedText[]>;
  /** Messages typed in this window that the gateway has not taken yet (L32), oldest first. */
  outbox: readonly OutboxEntry[];
  settings: SettingsReply | null;
  /** MCP servers with their live state (issue 10); null until first asked for. */
  mcpServers: readonly McpServerView[] | null;
  search: SearchState;
  errors: readonly AppError[];
  /** Banners the user closed, by a key naming the banner. */
  dismissed: ReadonlySet<string>;
  /** Issue 11: the Trash view's conversations, newest deletion first; null while it is closed. */
  trash: readonly LaneStatus[] | null;
  /** Issue 11: the conversation just deleted, offered back by the Undo toast. */
  undoDelete: { laneKey: string; label: string } | null;
  /** Issue 11: the Archived view is shown in the sidebar. */
  archiveOpen: boolean;
}

export function initialState(): AppState {
  return {
    connection: { state: 'connecting', reconnectedAt: null, everOpened: false, lostBecause: null },
    app: null,
    lanes: new Map(),
    previews: new Map(),
    openLaneKey: null,
    transcript: { status: 'none' },
    banners: { globalDrain: null, laneDrain: new Map(), sessionReset: new Map() },
    update: null,
    sendFeedback: new Map(),
    queuedTexts: new Map(),
    outbox: [],
    settings: null,
    mcpServers: null,
    search: { query: '', results: null, pending: false },
    errors: [],
    dismissed: new Set(),
    trash: null,
    undoDelete: null,
    archiveOpen: false,
  };
}

export type Action =
  | { type: 'connection'; state: ConnectionState; resync: boolean; at: number }
  | { type: 'app-status'; status: AppStatus }
  | { type: 'lanes-loaded'; lanes: readonly LaneStatus[] }
  | { type: 'lane-created'; lane: LaneStatus }
  | { type: 'push'; event: PushEvent }
  | { type: 'open-lane'; laneKey: string | null }
  | { type: 'transcript-loading'; laneKey: string }
  /** `page`: where a page sits (issue 13); `merge`: rows read again from a seq on (a resync), laid over the rows shown. */
  | { type: 'transcript-loaded'; laneKey: string; sessionId: string; events: readonly StoredEvent[]; page?: PageInfo; merge?: boolean }
  | PageAction
  | { type: 'transcript-failed'; laneKey: string; message: string }
  | { type: 'send-result'; laneKey: string; text: string; clientId?: string; status: SendStatus; message: string; at: number }
  | { type: 'outbox'; entries: readonly OutboxEntry[] }
  | { type: 'settings-loaded'; settings: SettingsReply }
  | { type: 'mcp-loaded'; servers: readonly McpServerView[] }
  | { type: 'settings-changed'; settings: SettingsReply['settings'] }
  | { type: 'search-query'; query: string }
  | { type: 'search-results'; query: string; results: readonly SearchResult[] }
  | { type: 'error'; message: string }
  | { type: 'dismiss-error'; id: number }
  | { type: 'dismiss'; key: string }
  | { type: 'session-restored'; laneKey: string }
  | ManageAction;

/** Issue 13: an older page read as the reader scrolled up, a newer one as they scrolled down (opened at a search hit). */
export type PageAction =
  | { type: 'transcript-older'; laneKey: string; sessionId: string; before: number; events: readonly StoredEvent[]; hasOlder: boolean }
  | { type: 'transcript-newer-start'; laneKey: string; sessionId: string }
  | { type: 'transcript-newer'; laneKey: string; sessionId: string; after: number; events: readonly StoredEvent[]; hasNewer: boolean };

/** Conversations you can manage (issue 11): a lane changed by this window, the Trash view, Undo. */
export type ManageAction =
  | { type: 'lane-changed'; lane: LaneStatus }
  | { type: 'trash-loaded'; lanes: readonly LaneStatus[] | null }
  | { type: 'undo-delete'; offer: { laneKey: string; label: string } | null }
  | { type: 'archive-view'; open: boolean };

export function reduce(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'connection':
      return onConnection(state, action.state, action.resync, action.at);
    case 'app-status': {
      const { banners: startupBanners, update, ...app } = action.status;
      let next: AppState = { ...state, app, update };
      // A fresh instance's banners replace whatever the previous one left behind.
      next = { ...next, banners: { ...initialState().banners } };
      for (const banner of startupBanners) next = onBanner(next, banner);
      return next;
    }
    case 'lanes-loaded': {
      const lanes = new Map(action.lanes.filter((lane) => lane.deletedAt === null).map((lane) => [lane.laneKey, lane] as const));
      let next: AppState = { ...state, lanes };
      for (const lane of action.lanes) next = afterLaneChange(next, lane);
      return next;
    }
    case 'lane-created':
      return { ...state, lanes: withEntry(state.lanes, action.lane.laneKey, action.lane) };
    case 'push':
      if (action.event.channel === 'mcp') return { ...state, mcpServers: action.event.servers };
      // Issue 10: a setting changed somewhere (another window, the CLI): this window shows it at once.
      if (action.event.channel === 'settings') return { ...state, settings: action.event.reply };
      if (action.event.channel === 'open-lane') return state; // the store opens it (it loads the transcript)
      return action.event.channel === 'update' ? { ...state, update: action.event.state } : onGatewayEvent(state, action.event.event);
    case 'open-lane':
      if (action.laneKey === state.openLaneKey) return state;
      return { ...state, openLaneKey: action.laneKey, transcript: { status: 'none' } };
    case 'transcript-loading': {
      if (action.laneKey !== state.openLaneKey) return state;
      // A refetch keeps the rows on screen until the fresh ones arrive.
      const slot = state.transcript;
      const previous = slot.status === 'ready' && slot.model.laneKey === action.laneKey ? slot.model : slot.status === 'loading' ? slot.previous : null;
      return { ...state, transcript: { status: 'loading', laneKey: action.laneKey, buffered: [], previous } };
    }
    case 'transcript-loaded':
      return onTranscriptLoaded(state, action.laneKey, action.sessionId, action.events, action.page, action.merge === true);
    case 'transcript-older':
    case 'transcript-newer-start':
    case 'transcript-newer':
      return onPage(state, action);
    case 'transcript-failed':
      if (action.laneKey !== state.openLaneKey) return state;
      return { ...state, transcript: { status: 'error', laneKey: action.laneKey, message: action.message } };
    case 'send-result': {
      const feedback = withEntry(state.sendFeedback, action.laneKey, { status: action.status, message: action.message, at: action.at });
      const queued = action.status === 'queued' || action.status === 'queued-for-restart' || action.status === 'interrupting';
      const entry: QueuedText = { clientId: action.clientId ?? null, text: action.text };
      const already = action.clientId !== undefined && (state.queuedTexts.get(action.laneKey) ?? []).some((q) => q.clientId === action.clientId);
      const queuedTexts =
        queued && !already ? withEntry(state.queuedTexts, action.laneKey, [...(state.queuedTexts.get(action.laneKey) ?? []), entry]) : state.queuedTexts;
      return { ...state, sendFeedback: feedback, queuedTexts };
    }
    case 'outbox':
      return { ...state, outbox: action.entries };
    case 'settings-loaded':
      return { ...state, settings: action.settings };
    case 'mcp-loaded':
      return { ...state, mcpServers: action.servers };
    case 'settings-changed':
      return state.settings ? { ...state, settings: { ...state.settings, settings: action.settings } } : state;
    case 'search-query':
      if (action.query.trim() === '') return { ...state, search: { query: action.query, results: null, pending: false } };
      return { ...state, search: { ...state.search, query: action.query, pending: true } };
    case 'search-results':
      if (action.query !== state.search.query) return state; // an older answer
      return { ...state, search: { query: action.query, results: action.results, pending: false } };
    case 'error': {
      const id = (state.errors.at(-1)?.id ?? 0) + 1;
      return { ...state, errors: [...state.errors.slice(-4), { id, message: action.message }] };
    }
    case 'dismiss-error':
      return { ...state, errors: state.errors.filter((error) => error.id !== action.id) };
    case 'dismiss':
      return { ...state, dismissed: new Set([...state.dismissed, action.key]) };
    case 'session-restored':
      return { ...state, banners: { ...state.banners, sessionReset: without(state.banners.sessionReset, action.laneKey) } };
    case 'lane-changed':
      return onGatewayEvent(state, { type: 'lane', lane: action.lane });
    case 'trash-loaded':
      return { ...state, trash: action.lanes };
    case 'undo-delete':
      return { ...state, undoDelete: action.offer };
    case 'archive-view':
      return { ...state, archiveOpen: action.open };
  }
}

/**
 * Issue 11: a lane in the trash leaves the conversation list (and closes if it was open) and
 * joins the Trash view if that is shown; a restored one goes the other way.
 */
function onLaneTrash(state: AppState, lane: LaneStatus): AppState {
  const key = lane.laneKey;
  const trash = state.trash === null ? null : state.trash.filter((entry) => entry.laneKey !== key);
  if (lane.deletedAt === null) return { ...state, trash, lanes: withEntry(state.lanes, key, lane) };
  const open = state.openLaneKey === key;
  return {
    ...state,
    lanes: without(state.lanes, key),
    trash: trash === null ? null : [lane, ...trash],
    ...(open ? { openLaneKey: null, transcript: { status: 'none' } as const } : {}),
  };
}

// ── connection ─────────────────────────────────────────────────────────────────────────────

function lostBecause(state: AppState): LostBecause {
  const drain = state.banners.globalDrain;
  if (!drain) return 'crash';
  // Every exit that comes back (restart, update, a backup restore) is a restart to the window.
  return exitActionFor(drain.reason) === 'quit' ? 'quit' : 'restart';
}

function onConnection(state: AppState, connection: ConnectionState, resync: boolean, at: number): AppState {
  const wasLost = state.connection.everOpened && state.connection.state !== 'open';
  const losing = state.connection.state === 'open' && connection !== 'open';
  const view: ConnectionView = {
    state: connection,
    reconnectedAt: connection === 'open' && wasLost ? at : connection === 'open' ? state.connection.reconnectedAt : null,
    everOpened: state.connection.everOpened || connection === 'open',
    lostBecause: connection === 'open' ? null : losing ? lostBecause(state) : state.connection.lostBecause,
  };
  // A reconnect to the same instance replays missed pushes, so a live message keeps streaming.
  let next: AppState = { ...state, connection: view };
  if (losing && view.lostBecause !== 'restart') {
    // Baton is gone: nothing runs until it is back, and the drain it announced is over. What
    // really happened to each conversation is read again when it returns.
    const lanes = new Map([...state.lanes].map(([key, lane]) => [key, lane.activity === 'idle' ? lane : { ...lane, activity: 'idle' as const }]));
    next = { ...next, lanes, banners: { ...next.banners, globalDrain: null, laneDrain: new Map() } };
  }
  if (connection === 'open' && resync) {
    // A new gateway instance: the drain that preceded it is over.
    next = { ...next, banners: { ...next.banners, globalDrain: null, laneDrain: new Map() } };
  }
  return next;
}

// ── gateway pushes ─────────────────────────────────────────────────────────────────────────

function onGatewayEvent(state: AppState, event: GatewayEvent): AppState {
  switch (event.type) {
    case 'transcript':
      return onTranscriptEvent(state, event.laneKey, event.event, event);
    case 'text-delta':
    case 'text-checkpoint':
    case 'tool-output-delta': {
      const slot = state.transcript;
      if (slot.status === 'loading' && slot.laneKey === event.laneKey) return bufferEvent(state, slot, event);
      if (slot.status !== 'ready' || slot.model.laneKey !== event.laneKey) return state;
      const model =
        event.type === 'text-delta' ? applyTextDelta(slot.model, event) : event.type === 'text-checkpoint' ? applyTextCheckpoint(slot.model, event) : applyToolOutputDelta(slot.model, event);
      if (slot.ahead) return { ...state, transcript: { ...slot, model, ahead: [...slot.ahead, event] } };
      return model === slot.model ? state : { ...state, transcript: { ...slot, model } };
    }
    case 'lane': {
      if (event.lane.deletedAt !== null || state.trash?.some((entry) => entry.laneKey === event.lane.laneKey)) return onLaneTrash(state, event.lane);
      const next: AppState = { ...state, lanes: withEntry(state.lanes, event.lane.laneKey, event.lane) };
      return afterLaneChange(next, event.lane);
    }
    case 'banner':
      return onBanner(state, event.banner);
  }
}

function onTranscriptEvent(state: AppState, laneKey: string, stored: StoredEvent, raw: GatewayEvent): AppState {
  let next = state;
  if (stored.kind === 'user_message') {
    if (!state.previews.has(laneKey)) next = { ...next, previews: withEntry(next.previews, laneKey, stored.payload.text) };
    // The window knows its own message by the client id it gave it (L32); older events have none.
    const queued = next.queuedTexts.get(laneKey);
    const clientId = stored.payload.clientId;
    const at = !queued ? -1 : clientId !== undefined ? queued.findIndex((q) => q.clientId === clientId) : queued.findIndex((q) => q.clientId === null && q.text === stored.payload.text);
    if (queued && at >= 0) next = { ...next, queuedTexts: withEntry(next.queuedTexts, laneKey, queued.filter((_, i) => i !== at)) };
  }
  if (stored.kind === 'notice' && stored.payload.code === 'session-restored') {
    next = { ...next, banners: { ...next.banners, sessionReset: without(next.banners.sessionReset, laneKey) } };
  }
  const slot = next.transcript;
  if (slot.status === 'loading' && slot.laneKey === laneKey) return bufferEvent(next, slot, raw);
  if (slot.status !== 'ready' || slot.model.laneKey !== laneKey) return next;
  const model = applyTranscriptEvent(slot.model, stored);
  return { ...next, transcript: slot.ahead ? { ...slot, model, ahead: [...slot.ahead, raw] } : { ...slot, model } };
}

function bufferEvent(state: AppState, slot: Extract<TranscriptSlot, { status: 'loading' }>, event: GatewayEvent): AppState {
  return { ...state, transcript: { ...slot, buffered: [...slot.buffered, event] } };
}

/** Pushes that crossed a fetch, on top of what it read: what the rows already hold is skipped by its offset. */
function applyBuffered(model: TranscriptModel, buffered: readonly GatewayEvent[]): TranscriptModel {
  let next = model;
  for (const event of buffered) {
    if (event.type === 'transcript') next = applyTranscriptEvent(next, event.event);
    else if (event.type === 'text-delta') next = applyTextDelta(next, event);
    else if (event.type === 'text-checkpoint') next = applyTextCheckpoint(next, event);
    else if (event.type === 'tool-output-delta') next = applyToolOutputDelta(next, event);
  }
  return next;
}

function onTranscriptLoaded(state: AppState, laneKey: string, sessionId: string, events: readonly StoredEvent[], page: PageInfo | undefined, merge: boolean): AppState {
  if (laneKey !== state.openLaneKey) return state;
  const slot = state.transcript;
  const previous = slot.status === 'loading' && slot.laneKey === laneKey ? slot.previous : null;
  // A resync (issue 13) reads the rows from the one missing text on and lays them over the page shown.
  let model =
    merge && previous !== null && previous.sessionId === sessionId ? applyTranscriptEvents(previous, events) : buildTranscript(laneKey, sessionId, events, page);
  const lane = state.lanes.get(laneKey);
  if (slot.status === 'loading' && slot.laneKey === laneKey) model = applyBuffered(model, slot.buffered);
  // The preview is the conversation's first message: a page that starts later (issue 13) has not got it.
  const previews = page?.hasOlder === true || merge ? state.previews : withFirstMessage(state.previews, laneKey, events);
  if (lane && lane.activity === 'idle') model = endLiveText(model);
  return { ...state, previews, transcript: { status: 'ready', model } };
}

/** The conversation's first user message as its preview, when `events` begin at its start and none is known yet. */
function withFirstMessage(previews: ReadonlyMap<string, string>, laneKey: string, events: readonly StoredEvent[]): ReadonlyMap<string, string> {
  if (previews.has(laneKey)) return previews;
  const first = events.find((event) => event.kind === 'user_message');
  return first && first.kind === 'user_message' ? withEntry(previews, laneKey, first.payload.text) : previews;
}

function onPage(state: AppState, action: PageAction): AppState {
  const slot = state.transcript;
  if (slot.status !== 'ready' || slot.model.laneKey !== action.laneKey || slot.model.sessionId !== action.sessionId) return state;
  const model = slot.model;
  switch (action.type) {
    case 'transcript-older': {
      // A page read for rows already replaced (a reload) is dropped; the list asks again.
      if (action.before !== model.firstSeq) return state;
      const previews = action.hasOlder ? state.previews : withFirstMessage(state.previews, action.laneKey, action.events);
      return { ...state, previews, transcript: { ...slot, model: prependPage(model, action.events, action.hasOlder) } };
    }
    case 'transcript-newer-start':
      return { ...state, transcript: { ...slot, ahead: slot.ahead ?? [] } };
    case 'transcript-newer': {
      const { ahead, ...rest } = slot;
      if (action.after !== model.lastSeq) return { ...state, transcript: rest };
      let next = applyBuffered(appendPage(model, action.events, action.hasNewer), ahead ?? []);
      if (!next.hasNewer && state.lanes.get(action.laneKey)?.activity === 'idle') next = endLiveText(next);
      return { ...state, transcript: { ...rest, model: next } };
    }
  }
}

/** Lane status is the durable truth: banners that no longer apply go away. */
function afterLaneChange(state: AppState, lane: LaneStatus): AppState {
  const key = lane.laneKey;
  const banners = state.banners;
  const laneDrain = lane.activity === 'idle' ? without(banners.laneDrain, key) : banners.laneDrain;
  let next: AppState = state;
  if (laneDrain !== banners.laneDrain) next = { ...next, banners: { ...banners, laneDrain } };
  if (lane.queuedInputs === 0 && next.queuedTexts.has(key)) next = { ...next, queuedTexts: without(next.queuedTexts, key) };
  const slot = next.transcript;
  if (lane.activity === 'idle' && slot.status === 'ready' && slot.model.laneKey === key && slot.model.live) {
    next = { ...next, transcript: { ...slot, model: endLiveText(slot.model) } };
  }
  return next;
}

function onBanner(state: AppState, banner: Banner): AppState {
  const banners = state.banners;
  switch (banner.kind) {
    case 'drain':
      if (banner.scope === 'global') return { ...state, banners: { ...banners, globalDrain: banner } };
      return { ...state, banners: { ...banners, laneDrain: withEntry(banners.laneDrain, banner.laneKey, banner) } };
    case 'session-reset':
      return { ...state, banners: { ...banners, sessionReset: withEntry(banners.sessionReset, banner.laneKey, banner) } };
  }
}

/**
 * The open transcript must be fetched again: the lane moved to another session (/new, a restore,
 * a reset), so pushes for it no longer fit the rows shown.
 */
export function needsTranscriptReload(state: AppState, event: GatewayEvent): boolean {
  const slot = state.transcript;
  if (slot.status !== 'ready') return false;
  if (event.type === 'lane') return event.lane.laneKey === slot.model.laneKey && event.lane.sessionId !== slot.model.sessionId;
  if (event.type === 'transcript') return event.laneKey === slot.model.laneKey && event.event.sessionId !== slot.model.sessionId;
  return false;
}

// ── selectors ──────────────────────────────────────────────────────────────────────────────

/**
 * L31: conversations that need the person first (shared/lane-condition.ts `byAttention`), then
 * pinned ones (issue 11), then newest activity first.
 */
export function sortedLanes(lanes: ReadonlyMap<string, LaneStatus>): LaneStatus[] {
  return [...lanes.values()].sort(
    (a, b) => byAttention(a, b) || Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt || a.laneKey.localeCompare(b.laneKey),
  );
}

export function laneLabel(lane: LaneStatus, previews: ReadonlyMap<string, string>): string {
  if (lane.title.trim() !== '') return lane.title;
  const preview = previews.get(lane.laneKey)?.trim();
  if (preview) return preview.length > 60 ? `${preview.slice(0, 59)}…` : preview;
  return 'New conversation';
}

export interface LaneConditionView {
  condition: LaneCondition;
  /** The banner's sentence; null when the condition has nothing to say (idle, running). */
  text: string | null;
}

/**
 * A conversation's condition and its words (L16, L20, L21, L31), from the lane summary alone: the
 * one route by which "Interrupted — Resume / Discard" reaches the window, so it survives a
 * reconnect and a reload and matches the sidebar, the tray and the CLI.
 */
export function laneConditionView(state: Pick<AppState, 'lanes'>, laneKey: string): LaneConditionView | null {
  const lane = state.lanes.get(laneKey);
  if (!lane) return null;
  return { condition: laneCondition(lane), text: conditionSentence(lane) };
}

/** The relaunch banner's dismissal key: one per launch (the gateway's instance id). */
export function relaunchBannerKey(instanceId: string): string {
  return `startup:${instanceId}`;
}

/** Where the window remembers, per data directory, the launch whose relaunch banner was closed. */
export function relaunchDismissedKey(storeId: string): string {
  return `baton.relaunchDismissed:${storeId}`;
}

export interface SessionResetView {
  previousSessionId: string;
  text: string;
  dismissKey: string;
}

/** L25: from the banner, or from the transcript's newest session-reset notice (after a reload). */
export function sessionResetView(state: Pick<AppState, 'banners' | 'transcript' | 'dismissed'>, laneKey: string): SessionResetView | null {
  let view: SessionResetView | null = null;
  const banner = state.banners.sessionReset.get(laneKey);
  if (banner && banner.previousSessionId !== '') {
    view = { previousSessionId: banner.previousSessionId, text: banner.text, dismissKey: `session-reset:${banner.previousSessionId}` };
  } else if (state.transcript.status === 'ready' && state.transcript.model.laneKey === laneKey) {
    const items = state.transcript.model.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.type !== 'notice') continue;
      if (item.code === 'session-restored') break;
      const previous = item.data?.previousSessionId;
      if (item.code === 'session-reset' && typeof previous === 'string' && previous !== '') {
        view = { previousSessionId: previous, text: item.text, dismissKey: `session-reset:${previous}` };
        break;
      }
    }
  }
  return view && !state.dismissed.has(view.dismissKey) ? view : null;
}

export function laneIsActive(lane: LaneStatus | undefined): boolean {
  return lane !== undefined && lane.activity !== 'idle';
}

// ── small immutable helpers ────────────────────────────────────────────────────────────────

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}
