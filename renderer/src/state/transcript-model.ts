/**
 * Folds a session's stored transcript events, and the live `text-delta`s of its running turn, into
 * the rows the conversation view shows. Pure and DOM-free, so it is tested in Node.
 *
 * Streamed text arrives once (issue 9 item 9): the first piece of an answer comes as its stored
 * `assistant_text` row, every later piece as a delta naming that row (`seq`) and the offset it
 * starts at, and the row comes whole once more when the message ends. A delta is applied when it
 * starts where the row's text ends, skipped when the row already holds it (a replay, or a fetch
 * that brought it), and anything further ahead is a gap: the row is marked as missing text and the
 * store fetches the transcript again. Nothing is guessed from the text itself.
 *
 * Items are immutable; an update replaces one item and copies the array (a pointer copy, cheap
 * even for a 10,000-event session). Lookups scan backwards from the end, where live events land.
 *
 * Paging (issue 13): a model may hold only part of the session, from `firstSeq` to `lastSeq`: the
 * newest page when a conversation opens, older pages prepended as the reader scrolls up
 * (`prependPage`), or the page around a search hit with newer pages appended (`appendPage`). A
 * delta or checkpoint for a row outside that range is not a gap: it is ignored, and the row comes
 * whole with its page. A tool's later events whose call sits in an older page wait in `unresolved`
 * until that page arrives.
 */
import type { AttachmentRef } from '../../../shared/attachments.ts';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { InterruptionCause, StoredEvent, ToolEffect, ToolResultDetails, TurnOutcome } from '../../../shared/transcript.ts';
import { approvalDecisionSentence } from '../../../shared/lane-condition.ts';
import { currentPath, type CurrentPath, type PathEvent } from '../../../shared/message-path.ts';
import { applyOutputPiece, type KeptOutput } from '../../../shared/tool-output.ts';

interface ItemBase {
  /** Stable React / virtualizer key. */
  key: string;
  /** The stored event this row comes from. */
  seq: number;
  turnId: string | null;
  createdAt: number;
}

export interface UserItem extends ItemBase {
  type: 'user';
  text: string;
  /** Issue 11: files and images sent with the message. */
  attachments?: readonly AttachmentRef[] | undefined;
}

export interface AssistantItem extends ItemBase {
  type: 'assistant';
  text: string;
  /** False while streaming, and for a partial answer an interruption cut short. */
  final: boolean;
  /** Deltas are still arriving for this row. */
  streaming: boolean;
  /** L34: the model that produced it ("provider · model"); absent on answers stored before it was recorded. */
  modelLabel?: string;
}

/** Issue 10: the model's thinking before its answer; deltas extend it like an answer's text. */
export interface ReasoningItem extends ItemBase {
  type: 'reasoning';
  text: string;
  final: boolean;
  streaming: boolean;
  /** A redacted_thinking block: the provider kept its words from us. */
  redacted: boolean;
}

/** Issue 10: one model call's tokens (a `usage` event), as the turn's line sums them. */
export interface UsageCall {
  inputTokens: number;
  outputTokens: number;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
  model: string;
  provider: string;
}

/** Issue 10: the tokens of every model call of one turn, shown under its answer (after its newest call). */
export interface UsageItem extends ItemBase {
  type: 'usage';
  calls: readonly UsageCall[];
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
  /** Issue 10: what the person chose, in words ("Approved for this conversation", "Denied: …"); set once answered. */
  decisionText?: string;
  result: { output: string; isError: boolean; details?: ToolResultDetails | undefined } | null;
  /** Issue 10: when the call started (its dispatch) and when its result came, for the elapsed time. */
  startedAt?: number | undefined;
  endedAt?: number | undefined;
  /** Issue 10: its live output (a command's stdout and stderr), from its `tool_output` row and deltas. */
  output?: ToolOutputView | undefined;
}

export interface ToolOutputView {
  /** The `tool_output` row: what "Download full output" asks for. */
  seq: number;
  kept: KeptOutput;
  totalBytes: number;
  fullOutput: boolean;
  /** No more output will come (the call ended, or its turn did). */
  final: boolean;
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
  note: 'resume' | 'tool-tail' | 'continue';
  reason: string | null;
}

export interface NoticeItem extends ItemBase {
  type: 'notice';
  code: string;
  text: string;
  data: Readonly<Record<string, unknown>> | null;
}

export type TranscriptItem = UserItem | AssistantItem | ToolItem | InterruptionItem | ErrorItem | ResumedItem | NoticeItem | ReasoningItem | UsageItem;

/** Rows streamed text grows: an answer, or the thinking before it (issue 10). */
type StreamedItem = AssistantItem | ReasoningItem;
function isStreamedItem(item: TranscriptItem | undefined): item is StreamedItem {
  return item?.type === 'assistant' || item?.type === 'reasoning';
}

/** How a turn ended when it did not complete. */
export type UnfinishedOutcome = Exclude<TurnOutcome, 'completed'>;

/** The assistant message being streamed now: its turn and its stored row. */
export interface LiveText {
  turnId: string;
  seq: number;
}

export type TextDelta = Extract<GatewayEvent, { type: 'text-delta' }>;
export type TextCheckpoint = Extract<GatewayEvent, { type: 'text-checkpoint' }>;
export type ToolOutputDelta = Extract<GatewayEvent, { type: 'tool-output-delta' }>;

export interface TranscriptModel {
  laneKey: string;
  sessionId: string;
  items: readonly TranscriptItem[];
  live: LiveText | null;
  turnEnds: ReadonlyMap<string, UnfinishedOutcome>;
  /** The turn of the newest event that named one: the turn a running lane is working on. */
  latestTurnId: string | null;
  lastSeq: number;
  /**
   * The row a delta or checkpoint showed to be missing text: it keeps what it has, takes no more
   * deltas, and the transcript must be fetched again (the store does). Null when nothing is missing.
   */
  missingText: number | null;
  /**
   * Issue 11 (L35): which rows are on the current path, and where it forks into versions. Every
   * row of every version stays in `items`; the view shows the path (state/message-versions.ts).
   */
  path: CurrentPath;
  /** What the path is computed from: one entry per stored event, in seq order. */
  pathEvents: readonly PathEvent[];
  /** Issue 13: the oldest stored row this model holds (0 when it holds none). */
  firstSeq: number;
  /** Stored rows exist before `firstSeq` that this model has not loaded. */
  hasOlder: boolean;
  /** Stored rows exist after `lastSeq` that this model has not loaded (it was opened at a search hit). */
  hasNewer: boolean;
  /** The row the conversation was opened at (a search hit), shown centred and marked; null otherwise. */
  focusSeq: number | null;
  /** Loaded tool events (dispatch, result, decision) whose call is in an older page not loaded yet. */
  unresolved: readonly StoredEvent[];
}

/** Where a loaded page sits in its session (transcript.get's `hasMore` / `hasNewer`). */
export interface PageInfo {
  hasOlder: boolean;
  hasNewer: boolean;
  focusSeq?: number | null;
}

interface Draft {
  items: TranscriptItem[];
  live: LiveText | null;
  turnEnds: Map<string, UnfinishedOutcome>;
  turnEndsCopied: boolean;
  latestTurnId: string | null;
  lastSeq: number;
  pathEvents: PathEvent[];
  /** Set once a new event joined `pathEvents` (copied first): the path is computed again. */
  pathChanged: boolean;
  path: CurrentPath;
  /** Set while folding a loaded page: tool events whose call is not here are kept, not dropped. */
  unresolved: StoredEvent[] | null;
}

const NO_PATH = currentPath([]);

export function emptyTranscript(laneKey: string, sessionId: string): TranscriptModel {
  return { ...NO_PAGE, laneKey, sessionId, items: [], live: null, turnEnds: new Map(), latestTurnId: null, lastSeq: 0, missingText: null, path: NO_PATH, pathEvents: [] };
}

const NO_PAGE = { firstSeq: 0, hasOlder: false, hasNewer: false, focusSeq: null, unresolved: [] } as const;

/**
 * One pass over a loaded session, or a page of it (`page`): O(n) for the common case of events in
 * seq order.
 */
export function buildTranscript(laneKey: string, sessionId: string, events: readonly StoredEvent[], page?: PageInfo): TranscriptModel {
  const draft: Draft = { items: [], live: null, turnEnds: new Map(), turnEndsCopied: true, latestTurnId: null, lastSeq: 0, pathEvents: [], pathChanged: true, path: NO_PATH, unresolved: [] };
  let firstSeq = 0;
  for (const event of events) {
    if (event.sessionId !== sessionId) continue;
    if (firstSeq === 0 || event.seq < firstSeq) firstSeq = event.seq;
    fold(draft, event, false);
  }
  const paging = { firstSeq, hasOlder: page?.hasOlder ?? false, hasNewer: page?.hasNewer ?? false, focusSeq: page?.focusSeq ?? null, unresolved: draft.unresolved ?? [] };
  return { ...finish(laneKey, sessionId, draft, null, NO_PAGE), ...paging };
}

/**
 * An older page (issue 13): its rows go before the ones shown; tool events waiting for their call
 * find it; a tool card both pages made (its approval request was on the newer side) stays once, as
 * the newer page built it.
 */
export function prependPage(model: TranscriptModel, events: readonly StoredEvent[], hasOlder: boolean): TranscriptModel {
  const older: Draft = { items: [], live: null, turnEnds: new Map(), turnEndsCopied: true, latestTurnId: null, lastSeq: 0, pathEvents: [], pathChanged: true, path: NO_PATH, unresolved: [] };
  let firstSeq = model.firstSeq;
  for (const event of events) {
    if (event.sessionId !== model.sessionId || (model.firstSeq !== 0 && event.seq >= model.firstSeq)) continue;
    if (firstSeq === 0 || event.seq < firstSeq) firstSeq = event.seq;
    fold(older, event, false);
  }
  const waiting = model.unresolved;
  older.unresolved = [];
  for (const event of waiting) fold(older, event, false);
  const shown = new Set(model.items.map((item) => item.key));
  const items = [...older.items.filter((item) => !shown.has(item.key)), ...model.items];
  const turnEnds = older.turnEnds.size === 0 ? model.turnEnds : new Map([...older.turnEnds, ...model.turnEnds]);
  // The path is computed again over every loaded event (issue 11): a fork in the older page is now seen.
  const pathEvents = [...older.pathEvents.filter((event) => model.firstSeq === 0 || event.seq < model.firstSeq), ...model.pathEvents];
  return { ...model, items, turnEnds, firstSeq, hasOlder, unresolved: older.unresolved, pathEvents, path: currentPath(pathEvents) };
}

/**
 * A newer page of a model opened at a search hit (issue 13): its rows go after the ones shown,
 * then whatever was pushed while it was read. Once it is the newest page, pushes apply as usual.
 */
export function appendPage(model: TranscriptModel, events: readonly StoredEvent[], hasNewer: boolean): TranscriptModel {
  const draft = toDraft(model);
  draft.unresolved = model.unresolved.slice();
  for (const event of events) {
    if (event.sessionId === model.sessionId) fold(draft, event, false);
  }
  return { ...finish(model.laneKey, model.sessionId, draft, model.missingText, model), hasNewer };
}

/** Lies after the rows this model holds while newer ones are not loaded: it comes with a later page. */
function beyondLoaded(model: TranscriptModel, seq: number): boolean {
  return model.hasNewer && seq > model.lastSeq;
}

/** Lies before the rows this model holds: it comes with an older page, whole. */
function beforeLoaded(model: TranscriptModel, seq: number): boolean {
  return model.firstSeq !== 0 && seq < model.firstSeq;
}

/** Applies one pushed transcript event; events of another session leave the model unchanged. */
export function applyTranscriptEvent(model: TranscriptModel, event: StoredEvent): TranscriptModel {
  if (event.sessionId !== model.sessionId || beyondLoaded(model, event.seq)) return model;
  const draft = toDraft(model);
  fold(draft, event, true);
  return finish(model.laneKey, model.sessionId, draft, stillMissing(model, event), model);
}

export function applyTranscriptEvents(model: TranscriptModel, events: readonly StoredEvent[]): TranscriptModel {
  if (events.length === 0) return model;
  const draft = toDraft(model);
  let missing = model.missingText;
  for (const event of events) {
    if (event.sessionId !== model.sessionId || beyondLoaded(model, event.seq)) continue;
    fold(draft, event, true);
    missing = stillMissing({ missingText: missing }, event);
  }
  return finish(model.laneKey, model.sessionId, draft, missing, model);
}

/** A piece of streamed text: appended when it starts where its row's text ends, skipped when the row holds it. */
export function applyTextDelta(model: TranscriptModel, event: TextDelta): TranscriptModel {
  if (event.delta === '' || model.turnEnds.has(event.turnId) || model.missingText === event.seq) return model;
  const index = findBySeq(model.items, event.seq);
  const item = index >= 0 ? model.items[index] : undefined;
  if (item === undefined && (beforeLoaded(model, event.seq) || beyondLoaded(model, event.seq))) return model; // its page has it
  if (!isStreamedItem(item)) return missing(model, event.seq); // its row never reached us
  if (item.final) return model; // a late piece of a finished message: the final row has it
  const have = item.text.length;
  if (event.offset + event.delta.length <= have) return model;
  if (event.offset > have) return missing(model, event.seq);
  const items = model.items.slice();
  items[index] = { ...item, text: item.text + event.delta.slice(have - event.offset), streaming: true };
  return { ...model, items, live: { turnId: event.turnId, seq: event.seq }, latestTurnId: event.turnId };
}

/** The gateway saved a row's first `length` characters: a row shown shorter missed deltas. */
export function applyTextCheckpoint(model: TranscriptModel, event: TextCheckpoint): TranscriptModel {
  if (model.turnEnds.has(event.turnId) || model.missingText === event.seq) return model;
  const index = findBySeq(model.items, event.seq);
  const item = index >= 0 ? model.items[index] : undefined;
  if (item === undefined && (beforeLoaded(model, event.seq) || beyondLoaded(model, event.seq))) return model;
  if (!isStreamedItem(item)) return missing(model, event.seq);
  return item.final || item.text.length >= event.length ? model : missing(model, event.seq);
}

/**
 * Issue 10: a piece of a running tool's output, applied like a text delta: at the end of what the
 * card holds, skipped when held, and a gap (read the transcript again) when a piece was missed.
 */
export function applyToolOutputDelta(model: TranscriptModel, event: ToolOutputDelta): TranscriptModel {
  if (event.delta === '' || model.turnEnds.has(event.turnId) || model.missingText === event.seq) return model;
  const index = findTool(model.items, event.callId);
  const tool = index >= 0 ? (model.items[index] as ToolItem) : undefined;
  const output = tool?.output;
  if (!tool && (beforeLoaded(model, event.seq) || beyondLoaded(model, event.seq))) return model; // its page has it
  if (!tool || output?.seq !== event.seq) return missing(model, event.seq); // its row never reached us
  if (output.final) return model;
  const kept = applyOutputPiece(output.kept, event.offset, event.delta);
  if (kept === 'gap') return missing(model, event.seq);
  if (kept === output.kept) return model;
  const items = model.items.slice();
  items[index] = { ...tool, output: { ...output, kept } };
  return { ...model, items, latestTurnId: event.turnId };
}

/**
 * The lane stopped running (or the connection dropped): nothing more will stream into the live
 * message, which stops showing as streaming.
 */
export function endLiveText(model: TranscriptModel): TranscriptModel {
  if (!model.live) return model;
  const draft = toDraft(model);
  dropLive(draft);
  return finish(model.laneKey, model.sessionId, draft, model.missingText, model);
}

function missing(model: TranscriptModel, seq: number): TranscriptModel {
  return { ...model, missingText: seq };
}

/** A row that arrives whole (its message ended) holds all its text: it is no longer missing any. */
function stillMissing(model: Pick<TranscriptModel, 'missingText'>, event: StoredEvent): number | null {
  return model.missingText === event.seq && (event.kind === 'assistant_text' || event.kind === 'reasoning' || event.kind === 'tool_output') ? null : model.missingText;
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
    pathEvents: model.pathEvents as PathEvent[],
    pathChanged: false,
    path: model.path,
    // A pushed tool event whose call is in a page not loaded yet waits for that page too.
    unresolved: model.hasOlder ? model.unresolved.slice() : null,
  };
}

/** `paging`: the page fields carried over from the model the draft came from. */
function finish(laneKey: string, sessionId: string, draft: Draft, missingText: number | null, paging: Omit<PageInfo, 'focusSeq'> & Pick<TranscriptModel, 'firstSeq' | 'focusSeq' | 'unresolved'>): TranscriptModel {
  return {
    firstSeq: paging.firstSeq,
    hasOlder: paging.hasOlder,
    hasNewer: paging.hasNewer,
    focusSeq: paging.focusSeq,
    unresolved: draft.unresolved ?? paging.unresolved,
    laneKey,
    sessionId,
    items: draft.items,
    live: draft.live,
    turnEnds: draft.turnEnds,
    latestTurnId: draft.latestTurnId,
    lastSeq: draft.lastSeq,
    missingText,
    path: draft.pathChanged ? currentPath(draft.pathEvents) : draft.path,
    pathEvents: draft.pathEvents,
  };
}

/** Each stored event once, in seq order; a row sent again (a streamed answer grown) changes nothing. */
function notePathEvent(draft: Draft, event: StoredEvent): void {
  const events = draft.pathEvents;
  let i = events.length;
  while (i > 0 && events[i - 1]!.seq > event.seq) i--;
  if (i > 0 && events[i - 1]!.seq === event.seq) return;
  if (!draft.pathChanged) draft.pathEvents = events.slice();
  draft.pathEvents.splice(i, 0, { seq: event.seq, kind: event.kind, payload: event.payload });
  draft.pathChanged = true;
}

/** `pushed`: the event arrives as it happens (a row pushed unfinished is being streamed), not from a load. */
function fold(draft: Draft, event: StoredEvent, pushed: boolean): void {
  const base = { seq: event.seq, turnId: event.turnId, createdAt: event.createdAt };
  if (event.turnId !== null && event.seq >= draft.lastSeq) draft.latestTurnId = event.turnId;
  notePathEvent(draft, event);
  switch (event.kind) {
    case 'user_message':
      upsert(draft, { ...base, key: `e${event.seq}`, type: 'user', text: event.payload.text, ...(event.payload.attachments ? { attachments: event.payload.attachments } : {}) });
      break;
    case 'assistant_text':
      foldAssistantText(draft, { seq: event.seq, turnId: event.turnId, createdAt: event.createdAt }, event.payload.text, event.payload.final, pushed, undefined, modelLabel(event.payload));
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
      updateTool(draft, event.payload.callId, (tool) => ({ ...tool, dispatched: true, turnId: event.turnId ?? tool.turnId, startedAt: event.createdAt }), event);
      break;
    case 'tool_result':
      updateTool(draft, event.payload.callId, (tool) => ({
        ...tool,
        result: { output: event.payload.output, isError: event.payload.isError, details: event.payload.details },
        turnId: event.turnId ?? tool.turnId,
        endedAt: event.createdAt,
      }), event);
      break;
    case 'tool_output': {
      const { callId, head, tail, length, totalBytes, fullOutput, final } = event.payload;
      updateTool(draft, callId, (tool) => {
        // A row saved before pieces this card already applied holds less: keep the longer text.
        const held = tool.output?.seq === event.seq && !final && tool.output.kept.length > length ? tool.output.kept : { head, tail, length };
        return { ...tool, output: { seq: event.seq, kept: held, totalBytes, fullOutput, final } };
      });
      break;
    }
    case 'approval_request': {
      const { callId, name, args } = event.payload;
      const index = findTool(draft.items, callId);
      if (index < 0) {
        upsert(draft, { ...base, key: `tool:${callId}`, type: 'tool', callId, name, args, effect: null, dispatched: false, approval: 'requested', result: null });
        break;
      }
      const tool = draft.items[index] as ToolItem;
      const asked: ToolItem = { ...tool, approval: 'requested', turnId: event.turnId ?? tool.turnId };
      if (event.turnId === null || event.turnId === tool.turnId) {
        draft.items[index] = asked;
        break;
      }
      // A resumed turn asks again for a call its interrupted predecessor recorded (L18): the same
      // card, moved to where the question was asked — after the Interrupted and Resumed dividers,
      // in the order things happened — since rows are ordered by the seq they carry.
      draft.items.splice(index, 1);
      upsert(draft, { ...asked, seq: event.seq, createdAt: event.createdAt });
      break;
    }
    case 'approval_decision':
      updateTool(draft, event.payload.callId, (tool) => ({
        ...tool,
        approval: event.payload.approved ? 'approved' : 'denied',
        decisionText: approvalDecisionSentence(event.payload.decision, event.payload.approved, event.payload.reason),
      }), event);
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
    case 'reasoning':
      foldAssistantText(draft, base, event.payload.text, event.payload.final, pushed, event.payload.redacted !== undefined);
      break;
    case 'usage':
      foldUsage(draft, base, event.payload);
      break;
  }
  if (event.seq > draft.lastSeq) draft.lastSeq = event.seq;
}

/**
 * The row as stored: pushed when its first piece was written (deltas then extend it), and whole
 * when its message ends, which replaces whatever the deltas built.
 */
/** L34: how an answer names its model. */
export function modelLabel(payload: { provider?: string | undefined; model?: string | undefined }): string | undefined {
  if (payload.model === undefined) return undefined;
  return payload.provider ? `${payload.provider} · ${payload.model}` : payload.model;
}

function foldAssistantText(
  draft: Draft,
  base: Pick<ItemBase, 'seq' | 'turnId' | 'createdAt'>,
  text: string,
  final: boolean,
  pushed: boolean,
  /** Set for a thinking row (issue 10): whether its block was redacted. */
  redacted?: boolean,
  /** L34: an answer's model. */
  label?: string,
): void {
  const { seq, turnId } = base;
  const streaming = pushed && !final && turnId !== null && !draft.turnEnds.has(turnId);
  if (streaming) draft.live = { turnId, seq };
  else if (draft.live?.seq === seq) draft.live = null;
  if (redacted === undefined) upsert(draft, { ...base, key: `e${seq}`, type: 'assistant', text, final, streaming, ...(label !== undefined ? { modelLabel: label } : {}) });
  else upsert(draft, { ...base, key: `e${seq}`, type: 'reasoning', text, final, streaming, redacted });
}

/**
 * Issue 10: a turn's usage is one row that moves to its newest call, so it sits under the answer
 * (a model call's usage is written after its text). Usage outside a turn gets a row of its own.
 */
function foldUsage(draft: Draft, base: Pick<ItemBase, 'seq' | 'turnId' | 'createdAt'>, call: UsageCall): void {
  const key = base.turnId === null ? `usage:e${base.seq}` : `usage:${base.turnId}`;
  let calls: readonly UsageCall[] = [call];
  for (let i = draft.items.length - 1; i >= 0; i--) {
    const item = draft.items[i]!;
    if (item.key !== key || item.type !== 'usage') continue;
    if (item.seq >= base.seq) return; // already counted (a replay)
    calls = [...item.calls, call];
    draft.items.splice(i, 1);
    break;
  }
  upsert(draft, { ...base, key, type: 'usage', calls });
}

function dropLive(draft: Draft): void {
  const live = draft.live;
  if (!live) return;
  const index = findBySeq(draft.items, live.seq);
  const item = index >= 0 ? draft.items[index] : undefined;
  if (isStreamedItem(item) && item.streaming) draft.items[index] = { ...item, streaming: false };
  draft.live = null;
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
    if (item.type === 'user' && item.seq < seq) return item.text;
  }
  return null;
}

/** Inserts a stored row in seq order, or replaces the row already holding that seq. */
function upsert(draft: Draft, item: TranscriptItem): void {
  const items = draft.items;
  const seq = item.seq;
  let i = items.length - 1;
  while (i >= 0 && items[i]!.seq > seq) i--;
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
    if (itemSeq < seq) return -1;
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

function updateTool(draft: Draft, callId: string, change: (tool: ToolItem) => ToolItem, event?: StoredEvent): boolean {
  const index = findTool(draft.items, callId);
  if (index < 0) {
    // A loaded page may begin after the call: its page, read later, resolves the event (issue 13).
    if (event && draft.unresolved) draft.unresolved.push(event);
    return false;
  }
  draft.items[index] = change(draft.items[index] as ToolItem);
  return true;
}
