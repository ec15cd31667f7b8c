/**
 * Folds a session's stored transcript events, and the live `text-delta`s of its running turn, into
 * the rows the conversation view shows. Pure and DOM-free, so it is tested in Node.
 *
 * The gateway re-sends an `assistant_text` row under the same `seq` each time it flushes streamed
 * text (at least every 250 ms) and once more with `final: true`, so rows are upserted by `seq`.
 * Deltas arrive before the first flush creates the row: they show as a provisional row at the end
 * until the stored row takes over.
 *
 * Items are immutable; an update replaces one item and copies the array (a pointer copy, cheap
 * even for a 10,000-event session). Lookups scan backwards from the end, where live events land.
 */
import type { InterruptionCause, StoredEvent, ToolEffect, TurnOutcome } from '../../../shared/transcript.ts';

interface ItemBase {
  /** Stable React / virtualizer key. */
  key: string;
  /** The stored event this row comes from; null for the provisional streaming row. */
  seq: number | null;
  turnId: string | null;
  createdAt: number;
}

export interface UserItem extends ItemBase {
  type: 'user';
  text: string;
}

export interface AssistantItem extends ItemBase {
  type: 'assistant';
  text: string;
  /** False while streaming, and for a partial answer an interruption cut short. */
  final: boolean;
  /** Deltas are still arriving for this row. */
  streaming: boolean;
}

export type ApprovalState = 'none' | 'requested' | 'approved' | 'denied';

export interface ToolItem extends ItemBase {
  type: 'tool';
  callId: string;
  name: string;
  args: unknown;
  effect: ToolEffect | null;
  dispatched: boolean;
  approval: ApprovalState;
  result: { output: string; isError: boolean } | null;
}

export interface InterruptionItem extends ItemBase {
  type: 'interruption';
  cause: InterruptionCause;
  reason: string | null;
}

export interface ErrorItem extends ItemBase {
  type: 'error';
  message: string;
  /** The user message the failed turn answered: what Retry sends again. */
  retryText: string | null;
}

export interface ResumedItem extends ItemBase {
  type: 'resumed';
  note: 'resume' | 'tool-tail';
  reason: string | null;
}

export interface NoticeItem extends ItemBase {
  type: 'notice';
  code: string;
  text: string;
  data: Readonly<Record<string, unknown>> | null;
}

export type TranscriptItem = UserItem | AssistantItem | ToolItem | InterruptionItem | ErrorItem | ResumedItem | NoticeItem;

/** How a turn ended when it did not complete. */
export type UnfinishedOutcome = Exclude<TurnOutcome, 'completed'>;

/** The assistant message being streamed now: its turn, its text so far, and its row once stored. */
export interface LiveText {
  turnId: string;
  text: string;
  seq: number | null;
}

export interface TranscriptModel {
  laneKey: string;
  sessionId: string;
  items: readonly TranscriptItem[];
  live: LiveText | null;
  turnEnds: ReadonlyMap<string, UnfinishedOutcome>;
  /** The turn of the newest event that named one: the turn a running lane is working on. */
  latestTurnId: string | null;
  lastSeq: number;
}

interface Draft {
  items: TranscriptItem[];
  live: LiveText | null;
  turnEnds: Map<string, UnfinishedOutcome>;
  turnEndsCopied: boolean;
  latestTurnId: string | null;
  lastSeq: number;
}

export function emptyTranscript(laneKey: string, sessionId: string): TranscriptModel {
  return { laneKey, sessionId, items: [], live: null, turnEnds: new Map(), latestTurnId: null, lastSeq: 0 };
}

/** One pass over a loaded session: O(n) for the common case of events in seq order. */
export function buildTranscript(laneKey: string, sessionId: string, events: readonly StoredEvent[]): TranscriptModel {
  const draft: Draft = { items: [], live: null, turnEnds: new Map(), turnEndsCopied: true, latestTurnId: null, lastSeq: 0 };
  for (const event of events) {
    if (event.sessionId === sessionId) fold(draft, event);
  }
  return finish(laneKey, sessionId, draft);
}

/** Applies one pushed transcript event; events of another session leave the model unchanged. */
export function applyTranscriptEvent(model: TranscriptModel, event: StoredEvent): TranscriptModel {
  if (event.sessionId !== model.sessionId) return model;
  const draft = toDraft(model);
  fold(draft, event);
  return finish(model.laneKey, model.sessionId, draft);
}

export function applyTranscriptEvents(model: TranscriptModel, events: readonly StoredEvent[]): TranscriptModel {
  if (events.length === 0) return model;
  const draft = toDraft(model);
  for (const event of events) {
    if (event.sessionId === model.sessionId) fold(draft, event);
  }
  return finish(model.laneKey, model.sessionId, draft);
}

/** Streamed text of the running turn, appended to its in-progress assistant message. */
export function applyTextDelta(model: TranscriptModel, turnId: string, delta: string): TranscriptModel {
  if (delta === '' || model.turnEnds.has(turnId)) return model; // nothing, or a late delta of an ended turn
  const draft = toDraft(model);
  const live: LiveText = draft.live && draft.live.turnId === turnId ? { ...draft.live, text: draft.live.text + delta } : { turnId, text: delta, seq: null };
  draft.live = live;
  draft.latestTurnId = turnId;
  showLive(draft);
  return finish(model.laneKey, model.sessionId, draft);
}

/**
 * The lane stopped running (or the connection dropped): nothing more will stream into the live
 * message. A provisional row is dropped (the stored row, if any, holds what was saved); a stored
 * row stops showing as streaming.
 */
export function endLiveText(model: TranscriptModel): TranscriptModel {
  if (!model.live) return model;
  const draft = toDraft(model);
  dropLive(draft);
  return finish(model.laneKey, model.sessionId, draft);
}

/**
 * A transcript loaded while its turn runs: the newest non-final answer of that turn becomes the
 * live message, so deltas extend it instead of starting a second one. Text a buffered delta
 * repeats is corrected by the next flush, which carries the stored text.
 */
export function adoptPartialAnswer(model: TranscriptModel): TranscriptModel {
  if (model.live || model.latestTurnId === null || model.turnEnds.has(model.latestTurnId)) return model;
  for (let i = model.items.length - 1; i >= 0; i--) {
    const item = model.items[i]!;
    if (item.type !== 'assistant') continue;
    if (item.final || item.seq === null || item.turnId !== model.latestTurnId) return model;
    const items = model.items.slice();
    items[i] = { ...item, streaming: true };
    return { ...model, items, live: { turnId: item.turnId, text: item.text, seq: item.seq } };
  }
  return model;
}

// ── folding ──────────────────────────────────────────────────────────────────────────────────

function toDraft(model: TranscriptModel): Draft {
  return {
    items: model.items.slice(),
    live: model.live,
    turnEnds: model.turnEnds as Map<string, UnfinishedOutcome>,
    turnEndsCopied: false,
    latestTurnId: model.latestTurnId,
    lastSeq: model.lastSeq,
  };
}

function finish(laneKey: string, sessionId: string, draft: Draft): TranscriptModel {
  return {
    laneKey,
    sessionId,
    items: draft.items,
    live: draft.live,
    turnEnds: draft.turnEnds,
    latestTurnId: draft.latestTurnId,
    lastSeq: draft.lastSeq,
  };
}

function fold(draft: Draft, event: StoredEvent): void {
  const base = { seq: event.seq, turnId: event.turnId, createdAt: event.createdAt };
  if (event.turnId !== null && event.seq >= draft.lastSeq) draft.latestTurnId = event.turnId;
  switch (event.kind) {
    case 'user_message':
      upsert(draft, { ...base, key: `e${event.seq}`, type: 'user', text: event.payload.text });
      break;
    case 'assistant_text':
      foldAssistantText(draft, event.seq, event.turnId, event.createdAt, event.payload.text, event.payload.final);
      break;
    case 'tool_call': {
      const index = findTool(draft.items, event.payload.callId);
      if (index >= 0) {
        const tool = draft.items[index] as ToolItem;
        draft.items[index] = { ...tool, name: event.payload.name, args: event.payload.args, effect: event.payload.effect };
      } else {
        upsert(draft, {
          ...base,
          key: `tool:${event.payload.callId}`,
          type: 'tool',
          callId: event.payload.callId,
          name: event.payload.name,
          args: event.payload.args,
          effect: event.payload.effect,
          dispatched: false,
          approval: 'none',
          result: null,
        });
      }
      break;
    }
    case 'tool_dispatch':
      updateTool(draft, event.payload.callId, (tool) => ({ ...tool, dispatched: true, turnId: event.turnId ?? tool.turnId }));
      break;
    case 'tool_result':
      updateTool(draft, event.payload.callId, (tool) => ({
        ...tool,
        result: { output: event.payload.output, isError: event.payload.isError },
        turnId: event.turnId ?? tool.turnId,
      }));
      break;
    case 'approval_request': {
      const { callId, name, args } = event.payload;
      // A resumed turn asks again for a call its interrupted predecessor recorded: same card.
      const found = updateTool(draft, callId, (tool) => ({ ...tool, approval: 'requested', turnId: event.turnId ?? tool.turnId }));
      if (!found) {
        upsert(draft, { ...base, key: `tool:${callId}`, type: 'tool', callId, name, args, effect: null, dispatched: false, approval: 'requested', result: null });
      }
      break;
    }
    case 'approval_decision':
      updateTool(draft, event.payload.callId, (tool) => ({ ...tool, approval: event.payload.approved ? 'approved' : 'denied' }));
      break;
    case 'interruption':
      endTurn(draft, event.turnId, 'interrupted');
      upsert(draft, { ...base, key: `e${event.seq}`, type: 'interruption', cause: event.payload.cause, reason: event.payload.reason });
      break;
    case 'error':
      endTurn(draft, event.turnId, 'failed');
      upsert(draft, { ...base, key: `e${event.seq}`, type: 'error', message: event.payload.message, retryText: userTextBefore(draft.items, event.seq) });
      break;
    case 'note_marker':
      upsert(draft, { ...base, key: `e${event.seq}`, type: 'resumed', note: event.payload.note, reason: event.payload.reason });
      break;
    case 'notice':
      upsert(draft, { ...base, key: `e${event.seq}`, type: 'notice', code: event.payload.code, text: event.payload.text, data: event.payload.data ?? null });
      break;
  }
  if (event.seq > draft.lastSeq) draft.lastSeq = event.seq;
}

function foldAssistantText(draft: Draft, seq: number, turnId: string | null, createdAt: number, stored: string, final: boolean): void {
  const live = draft.live;
  const ownsLive = live !== null && turnId === live.turnId && (live.seq === null || live.seq === seq);
  let text = stored;
  let streaming = false;
  if (ownsLive) {
    removeProvisional(draft);
    if (final) {
      draft.live = null;
    } else {
      // Deltas already carry everything the flush saved; after missed deltas the row knows more.
      const merged = live.text.startsWith(stored) ? live.text : stored;
      draft.live = { turnId: live.turnId, text: merged, seq };
      text = merged;
      streaming = true;
    }
  }
  upsert(draft, { key: `e${seq}`, seq, turnId, createdAt, type: 'assistant', text, final, streaming });
}

/** Shows `draft.live` in the list: in its stored row, or in a provisional row at the end. */
function showLive(draft: Draft): void {
  const live = draft.live;
  if (!live) return;
  if (live.seq !== null) {
    const index = findBySeq(draft.items, live.seq);
    const item = index >= 0 ? draft.items[index] : undefined;
    if (item?.type === 'assistant') {
      draft.items[index] = { ...item, text: live.text, streaming: true };
      return;
    }
  }
  const last = draft.items.at(-1);
  const provisional: AssistantItem = {
    key: `live:${live.turnId}`,
    seq: null,
    turnId: live.turnId,
    createdAt: last?.createdAt ?? 0,
    type: 'assistant',
    text: live.text,
    final: false,
    streaming: true,
  };
  if (last && last.type === 'assistant' && last.seq === null) draft.items[draft.items.length - 1] = provisional;
  else draft.items.push(provisional);
}

function dropLive(draft: Draft): void {
  const live = draft.live;
  if (!live) return;
  removeProvisional(draft);
  if (live.seq !== null) {
    const index = findBySeq(draft.items, live.seq);
    const item = index >= 0 ? draft.items[index] : undefined;
    if (item?.type === 'assistant' && item.streaming) draft.items[index] = { ...item, streaming: false };
  }
  draft.live = null;
}

function removeProvisional(draft: Draft): void {
  const last = draft.items.at(-1);
  if (last && last.seq === null) draft.items.pop();
}

function endTurn(draft: Draft, turnId: string | null, end: UnfinishedOutcome): void {
  if (turnId === null) return;
  if (!draft.turnEndsCopied) {
    draft.turnEnds = new Map(draft.turnEnds);
    draft.turnEndsCopied = true;
  }
  draft.turnEnds.set(turnId, end);
  if (draft.live?.turnId === turnId) dropLive(draft);
}

/** The newest user message before `seq`: what the failed turn was answering. */
function userTextBefore(items: readonly TranscriptItem[], seq: number): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === 'user' && item.seq !== null && item.seq < seq) return item.text;
  }
  return null;
}

/** Inserts a stored row in seq order, or replaces the row already holding that seq. */
function upsert(draft: Draft, item: TranscriptItem): void {
  const items = draft.items;
  const seq = item.seq ?? Number.MAX_SAFE_INTEGER;
  // The provisional streaming row (seq null) always stays last.
  let end = items.length;
  if (end > 0 && items[end - 1]!.seq === null) end -= 1;
  let i = end - 1;
  while (i >= 0 && (items[i]!.seq ?? Number.MAX_SAFE_INTEGER) > seq) i--;
  if (i >= 0 && items[i]!.seq === seq && sameRow(items[i]!, item)) {
    items[i] = item;
    return;
  }
  items.splice(i + 1, 0, item);
}

function sameRow(existing: TranscriptItem, incoming: TranscriptItem): boolean {
  return existing.type === incoming.type || existing.key === incoming.key;
}

function findBySeq(items: readonly TranscriptItem[], seq: number): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const itemSeq = items[i]!.seq;
    if (itemSeq === seq) return i;
    if (itemSeq !== null && itemSeq < seq) return -1;
  }
  return -1;
}

function findTool(items: readonly TranscriptItem[], callId: string): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === 'tool' && item.callId === callId) return i;
  }
  return -1;
}

function updateTool(draft: Draft, callId: string, change: (tool: ToolItem) => ToolItem): boolean {
  const index = findTool(draft.items, callId);
  if (index < 0) return false;
  draft.items[index] = change(draft.items[index] as ToolItem);
  return true;
}
