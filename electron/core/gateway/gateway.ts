/**
 * The gateway: accepts messages and commands for every lane, runs one turn per lane at a time
 * (L23) through an Agent, persists everything as it happens (L26) and exposes the small surface
 * the drain needs (L7, L11). A lane's pending work lives in the store's queued input, so nothing
 * typed is ever held only in memory.
 */
import path from 'node:path';
import { BatonError, describeError } from '../../../shared/errors.ts';
import type { Banner, GatewayEvent, LaneStatus, SendResult } from '../../../shared/gateway-events.ts';
import { helpText, parseCommand, unescapeMessage, type ParsedCommand } from '../../../shared/commands.ts';
import { CONDITION_WORDS, conditionSentence, laneCondition } from '../../../shared/lane-condition.ts';
import type { BusyInputMode } from '../../../shared/lifecycle.ts';
import type { ApprovalAnswer, StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import type { Agent, AgentFactory, AgentTurnResult, LaneAgentSpec, ModelChoice } from '../agent/agent.ts';
import { CONTINUE_NOTE, decideNote, type ModelNote } from '../agent/notes.ts';
import { currentPath, pathEvents, userMessageAtOrBefore } from '../../../shared/message-path.ts';
import { imagesOf, repairForResume, repairTranscript, type ModelImage, type TranscriptEntry } from '../agent/transcript-repair.ts';
import { textForModel, type AttachmentRef } from '../../../shared/attachments.ts';
import { keepAttachments, type StagedAttachment } from './attachment-uploads.ts';
import type { GatewayEventSink } from '../ports.ts';
import { isFreshMark } from '../lifecycle/lane-banners.ts';
import { newId } from '../sessions/ids.ts';
import type { LaneRecord } from '../sessions/lane-record.ts';
import { StoreCorruptError, StoreFullError, StoreIoError } from '../sessions/store-errors.ts';
import type { LaneListView, LaneOverrides } from '../sessions/lanes.ts';
import type { QueuedInput, SessionRecord, SessionStore, TurnOutcome } from '../sessions/store.ts';
import { titleFromCommand } from './commands.ts';
import { conversationAllowances, TurnRecorder } from './turn-recorder.ts';
import { TurnRegistry, type LiveTurn, type TurnEnd } from './turn-registry.ts';
import { removeFullOutputs } from './tool-output-files.ts';

export interface GatewaySettings {
  busyInput: BusyInputMode;
  /** L21: how old a resume mark may be and still count as fresh (lane summaries report it); default 24. */
  resumeFreshnessHours?: number;
}

export interface GatewayOptions {
  store: SessionStore;
  agents: AgentFactory;
  settings: () => GatewaySettings;
  events?: GatewayEventSink;
  now?: () => number;
  /** `/restart` hands over to the drain coordinator. */
  requestRestart?: () => void;
  log?: Log;
  /** Delay before a lane whose turn could not start tries again (default START_RETRY_MS). */
  startRetryMs?: number;
  /** How long a deleted conversation's turn may take to reach a safe point before it is aborted (default DELETE_ABORT_MS). */
  deleteAbortMs?: number;
  /** Issue 11: where attached files are copied (the agents' workspace). */
  workspaceDir?: () => string;
}

export class InvalidInputError extends BatonError<'INVALID_INPUT'> {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'InvalidInputError';
  }
}

/** L2/L7: the store refused the message; it was not acknowledged, so the window keeps the text. */
export class MessageNotSavedError extends BatonError<'STORAGE_FULL' | 'STORAGE_FAILED' | 'STORE_CORRUPT'> {
  constructor(cause: StoreFullError | StoreIoError | StoreCorruptError) {
    super(cause.code, `Baton could not save your message: ${cause.message.replace(/\.$/, '')}. Your text is still in the message box.`, { cause });
    this.name = 'MessageNotSavedError';
  }
}

function notSaved(error: unknown): unknown {
  if (error instanceof StoreFullError || error instanceof StoreIoError || error instanceof StoreCorruptError) return new MessageNotSavedError(error);
  return error;
}

/**
 * `retry` re-runs a failed turn on the user message it answered (issue 11): the message is already
 * in the transcript, so the turn appends none; the model sees the history before it, then it once.
 */
type TurnJob = { kind: 'message'; input: QueuedInput } | { kind: 'resume' } | RequestedJob;

/**
 * Jobs a person asks for on an idle lane (issue 11, L35); none is queued input. `retry` and
 * `regenerate` answer the user message at `beforeSeq` again from the path before it; `edit` sends a
 * new version of the message `replaces` (keeping its attachments); `continue` picks up the stopped answer at the path's end.
 */
type RequestedJob =
  | { kind: 'retry'; userText: string; beforeSeq: number; attachments: AttachmentRef[] | null }
  | { kind: 'regenerate'; userText: string; beforeSeq: number; attachments: AttachmentRef[] | null }
  | { kind: 'edit'; text: string; replaces: number; attachments: AttachmentRef[] | null }
  | { kind: 'continue' };

/** The history a job's model request is built from: the current path, up to the message it answers again. */
function historyEvents(job: TurnJob, path: readonly StoredEvent[]): readonly StoredEvent[] {
  switch (job.kind) {
    case 'retry':
    case 'regenerate':
      return path.filter((event) => event.seq < job.beforeSeq);
    case 'edit':
      return path.filter((event) => event.seq < job.replaces);
    default:
      return path;
  }
}

/** Anthropic refuses a final assistant message that ends in white space; a continued answer ends the history. */
function trimContinuedAnswer(history: TranscriptEntry[]): void {
  const last = history.at(-1);
  if (last?.role === 'assistant') last.text = last.text.trimEnd();
}

/**
 * Message actions refused (issue 11, L35): nothing to act on, or the lane is busy or Baton is
 * restarting. An edit, regeneration, continuation or version switch waits for an idle lane: a
 * running turn appends to the current path, so moving the path under it would split its answer
 * across two versions; the window offers Stop first instead of stopping it silently.
 */
export class MessageActionRefusedError extends BatonError<'INVALID_INPUT' | 'NOT_FOUND' | 'BUSY' | 'UNAVAILABLE'> {
  constructor(code: 'INVALID_INPUT' | 'NOT_FOUND' | 'BUSY' | 'UNAVAILABLE', message: string) {
    super(code, message);
    this.name = 'MessageActionRefusedError';
  }
}

/** turn.retry refused: nothing to retry, or the lane is busy or Baton is restarting. */
export class RetryRefusedError extends BatonError<'INVALID_INPUT' | 'NOT_FOUND' | 'BUSY' | 'UNAVAILABLE'> {
  constructor(code: 'INVALID_INPUT' | 'NOT_FOUND' | 'BUSY' | 'UNAVAILABLE', message: string) {
    super(code, message);
    this.name = 'RetryRefusedError';
  }
}

const TITLE_LENGTH = 60;
const DEFAULT_FRESHNESS_HOURS = 24;
/** How long a lane whose turn could not even start (store trouble) waits before trying again. */
export const START_RETRY_MS = 5_000;
/** Issue 11: a turn in a conversation being deleted is asked to stop, then aborted after this long. */
export const DELETE_ABORT_MS = 5_000;
const DELETED_REASON = 'The conversation was deleted.';
/** Interrupted turns recorded in one commit during a drain (drainRecord). */
const DRAIN_RECORD_BATCH = 32;

/** L34: what the agent factory builds a lane's agent from. */
function specOf(lane: LaneRecord): LaneAgentSpec {
  return { provider: lane.provider, model: lane.model, profile: lane.profile, instructions: lane.instructions, workspaceDir: lane.workspaceDir };
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim().replace(/\s+/g, ' ');
  return line.length <= TITLE_LENGTH ? line : `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…`;
}

export class Gateway {
  readonly registry = new TurnRegistry();
  private readonly store: SessionStore;
  private readonly agents: AgentFactory;
  private readonly settings: () => GatewaySettings;
  private readonly sink: GatewayEventSink | undefined;
  private readonly now: () => number;
  private readonly requestRestart: (() => void) | undefined;
  private readonly log: Log;
  private intakeOpen = true;
  private readonly resumeRequests = new Set<string>();
  /** A retry, edit, regeneration or continuation asked for and not yet started (issue 11). */
  private readonly retryRequests = new Map<string, RequestedJob>();
  /** Lanes whose live turn is a retry: a second click while it runs gets the first answer. */
  private readonly retrying = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  /** Set by dispose(): no retry is scheduled any more (the store is about to close). */
  private disposed = false;
  private readonly startFailures = new Set<string>();
  private readonly startRetryMs: number;
  private readonly deleteAbortMs: number;
  /** Lanes being moved to the trash: their running turn is stopping and nothing new may start. */
  private readonly deleting = new Set<string>();
  /** Interrupted turns' records waiting for their batch during a drain (drainRecord). */
  private readonly drainRecords: Array<{ record: () => void; resolve: () => void; reject: (error: unknown) => void }> = [];
  private drainBatchTimer: NodeJS.Immediate | null = null;
  private readonly workspaceDir: ((spec?: LaneAgentSpec) => string) | undefined;

  constructor(options: GatewayOptions) {
    this.store = options.store;
    this.agents = options.agents;
    this.settings = options.settings;
    this.sink = options.events;
    this.now = options.now ?? Date.now;
    this.requestRestart = options.requestRestart;
    this.log = options.log ?? defaultLog;
    this.startRetryMs = options.startRetryMs ?? START_RETRY_MS;
    this.deleteAbortMs = options.deleteAbortMs ?? DELETE_ABORT_MS;
    this.workspaceDir = options.workspaceDir ?? (options.agents.workspaceDir ? (spec?: LaneAgentSpec) => options.agents.workspaceDir!(spec) : undefined);
  }

  // ── intake ───────────────────────────────────────────────────────────────────────────────

  /**
   * `clientId` (L32): the sending window's id for the message. A message whose id was already
   * taken is not taken again; the window gets the answer it was given the first time.
   */
  async send(laneKey: string, rawText: string, options: { clientId?: string; attachments?: readonly StagedAttachment[] } = {}): Promise<SendResult> {
    try {
      return this.accept(laneKey, rawText, options.clientId, options.attachments ?? []);
    } catch (error) {
      throw notSaved(error);
    }
  }

  /** Every acknowledgement below is given only after the message is committed to disk (L2, L7). */
  private accept(laneKey: string, rawText: string, clientId: string | undefined, staged: readonly StagedAttachment[]): SendResult {
    if (typeof laneKey !== 'string' || laneKey.trim() === '') throw new InvalidInputError('A conversation key is required.');
    if (typeof rawText !== 'string') throw new InvalidInputError('A message cannot be empty.');
    if (clientId !== undefined) {
      const earlier = this.store.clientMessage(clientId);
      if (earlier) {
        if (earlier.laneKey !== laneKey) throw new InvalidInputError('This message id was already used for another conversation.');
        return { status: earlier.status as SendResult['status'], message: earlier.message };
      }
    }
    // Issue 11: an attachment alone is a message (a resend of one, answered above, carries none any more).
    if (rawText.trim() === '' && staged.length === 0) throw new InvalidInputError('A message cannot be empty.');
    const command = parseCommand(rawText);
    const lane = this.store.ensureLane(laneKey, { model: this.defaultModel() });
    if (lane.deletedAt !== null || this.deleting.has(laneKey)) throw new InvalidInputError('This conversation is in the trash; restore it to continue it.');
    if (command && staged.length > 0) throw new InvalidInputError('Commands take no attachments; send the files with a message.');
    if (command) {
      const answer = this.runCommand(laneKey, command);
      if (clientId !== undefined) this.store.recordClientMessage(clientId, laneKey, answer);
      return answer;
    }
    const text = unescapeMessage(rawText);
    // Files are in the workspace and images in the store before the message is acknowledged.
    const attachments = staged.length > 0 ? this.keepAttachments(laneKey, staged) : [];
    const withId = { ...(clientId !== undefined ? { clientId } : {}), ...(attachments.length > 0 ? { attachments } : {}) };

    // L7: during a drain nothing starts; the message waits durably for the relaunch.
    if (!this.intakeOpen) {
      const answer: SendResult = { status: 'queued-for-restart', message: 'Baton is restarting. Your message is saved and will be sent when it is back.' };
      this.store.enqueueInput(laneKey, text, { duringDrain: true, answer, ...withId });
      this.emitLane(laneKey);
      return answer;
    }
    const live = this.registry.get(laneKey);
    const interrupting = live !== undefined && this.settings().busyInput === 'interrupt' && live.state === 'running';
    const answer: SendResult = !live
      ? { status: 'started', message: 'Sent.' }
      : interrupting
        ? { status: 'interrupting', message: 'Stopping the running turn at its next safe point; your message runs next.' }
        : { status: 'queued', message: 'Queued: your message runs when the current turn finishes.' };
    this.store.enqueueInput(laneKey, text, { answer, ...withId });
    if (!live) {
      this.pump(laneKey);
      return answer;
    }
    this.emitLane(laneKey);
    if (interrupting) live.requestStop('busy-input');
    return answer;
  }

  /** `/stop` and the Stop button: a soft interrupt that does not suspend anything (L24). */
  stop(laneKey: string): boolean {
    const live = this.registry.get(laneKey);
    if (!live) return false;
    live.requestStop('stop');
    return true;
  }

  /** The user's answer to a tool approval request of the running turn; `true`/`false` is the old once/deny form. */
  answerApproval(laneKey: string, callId: string, answer: ApprovalAnswer | boolean): boolean {
    const pending = this.registry.get(laneKey)?.approvals.get(callId);
    if (!pending) return false;
    pending.answer(typeof answer === 'boolean' ? { decision: answer ? 'once' : 'deny' } : answer);
    return true;
  }

  /** The tool a waiting approval question is about (the service needs it for "Always allow"). */
  pendingApprovalTool(laneKey: string, callId: string): string | null {
    return this.registry.get(laneKey)?.approvals.get(callId)?.toolName ?? null;
  }

  /** Saves the running turn's streamed text now: a transcript read next then holds every piece already sent (issue 9 item 9). */
  saveStreamedText(laneKey: string): void {
    this.registry.get(laneKey)?.saveStreamedText();
  }

  /** L20: continue an interrupted turn (the Resume button, or auto-resume at launch). */
  requestResume(laneKey: string): boolean {
    const lane = this.store.getLane(laneKey);
    if (!lane || !lane.resumePending || lane.suspended || lane.deletedAt !== null || this.deleting.has(laneKey)) return false;
    this.resumeRequests.add(laneKey);
    this.pump(laneKey);
    return true;
  }

  /**
   * Retry of the lane's last turn, which must have failed (issue 11): it runs again on the same
   * user message without appending it a second time. A second request while that retry runs (a
   * double click) gets the same answer and starts nothing.
   */
  retry(laneKey: string): SendResult {
    const lane = this.store.getLane(laneKey);
    if (!lane) throw new RetryRefusedError('NOT_FOUND', `No conversation ${laneKey}.`);
    if (lane.deletedAt !== null || this.deleting.has(laneKey)) throw new RetryRefusedError('INVALID_INPUT', 'This conversation is in the trash; restore it first.');
    const live = this.registry.get(laneKey);
    if (live && this.retrying.has(laneKey)) return { status: 'started', message: 'Already retrying.' };
    if (live || this.retryRequests.has(laneKey)) throw new RetryRefusedError('BUSY', 'A turn is running in this conversation; retry once it is over.');
    if (!this.intakeOpen) throw new RetryRefusedError('UNAVAILABLE', 'Baton is restarting; retry once it is back.');
    const last = this.store.lastTurn(lane.sessionId);
    if (!last || last.outcome !== 'failed') throw new RetryRefusedError('INVALID_INPUT', 'Only a failed turn can be retried, and the last turn here did not fail.');
    if (last.trigger === 'resume' || last.trigger === 'continue') throw new RetryRefusedError('INVALID_INPUT', 'The failed turn continued an interrupted one; use Resume to try it again.');
    // The message on the current path (L35): after a switch of versions, not simply the newest one.
    const userEvent = pathEvents(this.store.listEvents(lane.sessionId)).findLast((event) => event.kind === 'user_message');
    if (!userEvent || userEvent.kind !== 'user_message') throw new RetryRefusedError('INVALID_INPUT', 'The failed turn has no message to send again.');
    this.retryRequests.set(laneKey, { kind: 'retry', userText: userEvent.payload.text, beforeSeq: userEvent.seq, attachments: userEvent.payload.attachments ?? null });
    this.pump(laneKey);
    return { status: 'started', message: 'Retrying.' };
  }

  // ── message actions (issue 11, L35): edit, regenerate, continue, switch versions ─────────────

  /** The lane an action may change now: it exists, is not in the trash, runs nothing and Baton is not restarting. */
  private idleLaneFor(laneKey: string, action: string): LaneRecord {
    const lane = this.store.getLane(laneKey);
    if (!lane) throw new MessageActionRefusedError('NOT_FOUND', `No conversation ${laneKey}.`);
    if (lane.deletedAt !== null || this.deleting.has(laneKey)) throw new MessageActionRefusedError('INVALID_INPUT', 'This conversation is in the trash; restore it first.');
    if (this.registry.get(laneKey) || this.retryRequests.has(laneKey) || this.store.countQueuedInputs(laneKey) > 0) {
      throw new MessageActionRefusedError('BUSY', `A turn is running in this conversation; stop it first, then ${action}.`);
    }
    if (!this.intakeOpen) throw new MessageActionRefusedError('UNAVAILABLE', `Baton is restarting; ${action} once it is back.`);
    return lane;
  }

  private startRequested(laneKey: string, job: RequestedJob): SendResult {
    this.retryRequests.set(laneKey, job);
    this.pump(laneKey);
    return { status: 'started', message: 'Sent.' };
  }

  /**
   * Edit and resend (L35): `text` becomes a new version of the user message `seq`, which must be on
   * the current path; what followed the old version stays in the log as the earlier version.
   */
  editMessage(laneKey: string, seq: number, text: string): SendResult {
    const lane = this.idleLaneFor(laneKey, 'edit');
    if (text.trim() === '') throw new MessageActionRefusedError('INVALID_INPUT', 'A message cannot be empty.');
    const target = pathEvents(this.store.listEvents(lane.sessionId)).find((event) => event.seq === seq);
    if (target?.kind !== 'user_message') throw new MessageActionRefusedError('INVALID_INPUT', 'Only a message you sent, in the version shown, can be edited.');
    return this.startRequested(laneKey, { kind: 'edit', text, replaces: seq, attachments: target.payload.attachments ?? null });
  }

  /**
   * Regenerate (L35): a new version of the answer to the user message at or before `seq` on the
   * current path (the last one when `seq` is absent). The earlier answer stays as version 1.
   */
  regenerate(laneKey: string, seq?: number): SendResult {
    const lane = this.idleLaneFor(laneKey, 'regenerate');
    const path = pathEvents(this.store.listEvents(lane.sessionId));
    if (seq !== undefined && !path.some((event) => event.seq === seq)) throw new MessageActionRefusedError('INVALID_INPUT', 'Only an answer in the version shown can be regenerated.');
    const userEvent = userMessageAtOrBefore(path, seq ?? Number.MAX_SAFE_INTEGER);
    if (userEvent?.kind !== 'user_message') throw new MessageActionRefusedError('INVALID_INPUT', 'There is no message here to answer again.');
    return this.startRequested(laneKey, { kind: 'regenerate', userText: userEvent.payload.text, beforeSeq: userEvent.seq, attachments: userEvent.payload.attachments ?? null });
  }

  /**
   * Continue (issue 11): the model picks up the answer that was stopped or interrupted, from the
   * partial answer at the end of the current path. A lane waiting to resume after a restart is
   * resumed instead (its note already says what happened, L19).
   */
  continueAnswer(laneKey: string): SendResult {
    const lane = this.idleLaneFor(laneKey, 'continue');
    if (lane.resumePending && !lane.suspended) {
      this.requestResume(laneKey);
      return { status: 'started', message: 'Resuming.' };
    }
    const path = pathEvents(this.store.listEvents(lane.sessionId));
    const lastTurnId = path.findLast((event) => event.turnId !== null)?.turnId;
    const stopped = lastTurnId !== undefined && path.some((event) => event.turnId === lastTurnId && event.kind === 'interruption');
    if (!stopped) throw new MessageActionRefusedError('INVALID_INPUT', 'Only an answer that was stopped or interrupted can be continued.');
    return this.startRequested(laneKey, { kind: 'continue' });
  }

  /**
   * Switches to another version (‹ 1/2 ›) of a message or answer: the choice is appended to the log
   * as `version_select`, so the next turn, a resume and every window follow it (L35).
   */
  selectVersion(laneKey: string, seq: number): boolean {
    const lane = this.idleLaneFor(laneKey, 'switch versions');
    const path = currentPath(this.store.listEvents(lane.sessionId));
    if (!path.versionStarts.has(seq)) throw new MessageActionRefusedError('INVALID_INPUT', 'There is no such version in this conversation.');
    if (path.onPath.has(seq)) return false;
    this.append(laneKey, lane.sessionId, null, { kind: 'version_select', payload: { seq } });
    this.emitLane(laneKey);
    return true;
  }

  /** L20/L21 "Discard": the user declines the resume; the transcript stays as it is. */
  discardResume(laneKey: string): boolean {
    this.resumeRequests.delete(laneKey);
    const cleared = this.store.marks.discard(laneKey);
    if (cleared) this.emitLane(laneKey);
    return cleared;
  }

  /** L25: "Restore previous session". */
  restoreSession(laneKey: string, sessionId: string): boolean {
    if (this.registry.isBusy(laneKey)) return false;
    const restored = this.store.restoreSession(laneKey, sessionId);
    if (restored) {
      this.notice(laneKey, 'session-restored', 'Restored the previous session.', { sessionId });
      this.emitLane(laneKey);
    }
    return restored;
  }

  laneStatus(laneKey: string): LaneStatus | null {
    const lane = this.store.getLane(laneKey);
    return lane ? this.statusOf(lane, this.store.countQueuedInputs(laneKey)) : null;
  }

  /** Every lane with its status, pinned then most recently active first (or the trash), from one store query (lanes.list, app.status). */
  laneViews(view?: LaneListView): Array<{ record: LaneRecord; status: LaneStatus }> {
    return this.store.listLaneSummaries(view).map(({ lane, queuedInputs }) => ({ record: lane, status: this.statusOf(lane, queuedInputs) }));
  }

  private statusOf(lane: LaneRecord, queuedInputs: number): LaneStatus {
    const laneKey = lane.laneKey;
    const live = this.registry.get(laneKey);
    return {
      laneKey,
      sessionId: lane.sessionId,
      title: lane.title,
      activity: live ? live.state : 'idle',
      awaitingApproval: live !== undefined && live.approvals.size > 0,
      // L16: suspension beats resume pending; a suspended lane is never offered a resume.
      resumePending: lane.resumePending && !lane.suspended,
      resumeReason: lane.resumeReason,
      resumeStale: lane.resumePending && !isFreshMark(lane.lastResumeMarkedAt, this.settings().resumeFreshnessHours ?? DEFAULT_FRESHNESS_HOURS, this.now()),
      suspended: lane.suspended,
      queuedInputs,
      restartFailureCount: lane.restartFailureCount,
      updatedAt: lane.updatedAt,
      pinned: lane.pinned,
      deletedAt: lane.deletedAt,
      provider: lane.provider,
      model: lane.model,
      profile: lane.profile,
      instructions: lane.instructions,
      workspaceDir: lane.workspaceDir,
      // Issue 10, the activity view: what the live turn is doing, in the one place summaries are built.
      turnStartedAt: live?.startedAt ?? null,
      stepCount: live?.steps ?? 0,
      currentTool: live?.currentTool ?? null,
      approvals: live ? [...live.approvals].map(([callId, pending]) => ({ callId, tool: pending.toolName })) : [],
      archivedAt: lane.archivedAt,
    };
  }

  // ── a conversation keeps its agent (L34) ─────────────────────────────────────────────────

  /** The provider and model a new conversation takes now; null when no provider is configured. */
  private defaultModel(): ModelChoice | null {
    return this.agents.defaultModel?.() ?? null;
  }

  /** A new conversation, on the default provider and model of this moment (L34). */
  createLane(laneKey: string, init: { title?: string; platform?: string } = {}): void {
    this.store.ensureLane(laneKey, { ...init, model: this.defaultModel() });
    this.emitLane(laneKey);
  }

  /**
   * L34: conversations with no model yet (written before models were per conversation, or made
   * while no provider existed) take the current default once; the rest are never touched.
   */
  assignDefaultModels(): string[] {
    const choice = this.defaultModel();
    return choice ? this.store.lanes.assignDefaultModel(choice) : [];
  }

  /** L34: the conversation's next turn uses this provider and model; a running turn keeps its own. The caller checked the provider exists. */
  setLaneModel(laneKey: string, choice: ModelChoice): boolean {
    if (!this.store.lanes.setModel(laneKey, choice)) return false;
    this.emitLane(laneKey);
    return true;
  }

  /** L34: the conversation's profile (null: Default); the profile's provider and model, when it has them, come along. */
  setLaneProfile(laneKey: string, profile: string | null, model: ModelChoice | null): boolean {
    if (!this.store.lanes.setProfile(laneKey, profile)) return false;
    if (model) this.store.lanes.setModel(laneKey, model);
    this.emitLane(laneKey);
    return true;
  }

  setLaneOverrides(laneKey: string, overrides: LaneOverrides): boolean {
    if (!this.store.lanes.setOverrides(laneKey, overrides)) return false;
    this.emitLane(laneKey);
    return true;
  }

  /** What the agent factory builds this lane's agent from; a lane with no model yet takes the default now. */
  private agentSpec(laneKey: string): LaneAgentSpec | undefined {
    let lane = this.store.getLane(laneKey);
    if (!lane) return undefined;
    if (lane.provider === null) {
      const choice = this.defaultModel();
      if (choice && this.store.lanes.setModel(laneKey, choice)) lane = this.store.getLane(laneKey)!;
    }
    return specOf(lane);
  }

  // ── conversations you can manage (issue 11, L35) ─────────────────────────────────────────

  /** Renames the conversation; false when there is none. The caller checked the title. */
  renameLane(laneKey: string, title: string): boolean {
    if (!this.store.setTitle(laneKey, title)) return false;
    this.emitLane(laneKey);
    return true;
  }

  pinLane(laneKey: string, pinned: boolean): boolean {
    if (!this.store.lanes.setPinned(laneKey, pinned)) return false;
    this.emitLane(laneKey);
    return true;
  }

  /** Issue 11: archives the conversation or brings it back to the main list; false when there is none. */
  archiveLane(laneKey: string, archived: boolean): boolean {
    if (!this.store.lanes.setArchived(laneKey, archived)) return false;
    this.emitLane(laneKey);
    return true;
  }

  /**
   * Moves the conversation to the trash. A running turn is stopped first through the normal
   * interruption path (its interruption is recorded like a Stop); one that does not reach a safe
   * point within deleteAbortMs is aborted. Queued input stays with the conversation. False when
   * there is no such conversation; deleting one already in the trash changes nothing.
   */
  async deleteLane(laneKey: string): Promise<boolean> {
    const lane = this.store.getLane(laneKey);
    if (!lane) return false;
    if (lane.deletedAt !== null || this.deleting.has(laneKey)) return true;
    this.deleting.add(laneKey);
    try {
      this.resumeRequests.delete(laneKey);
      this.retryRequests.delete(laneKey);
      const live = this.registry.get(laneKey);
      if (live) {
        const ended = new Promise<void>((resolve) => {
          const off = this.registry.onTurnEnded((end) => {
            if (end.laneKey !== laneKey) return;
            off();
            resolve();
          });
        });
        live.requestStop('stop', DELETED_REASON);
        const abort = setTimeout(() => live.abortNow('stop', DELETED_REASON), this.deleteAbortMs);
        try {
          await ended;
        } finally {
          clearTimeout(abort);
        }
      }
      this.store.trash.moveToTrash(laneKey);
    } finally {
      this.deleting.delete(laneKey);
    }
    this.emitLane(laneKey);
    return true;
  }

  /** Takes the conversation out of the trash; its queued input, if any, runs again. */
  restoreLane(laneKey: string): boolean {
    if (!this.store.getLane(laneKey)) return false;
    if (this.store.trash.restore(laneKey)) {
      this.emitLane(laneKey);
      this.pump(laneKey);
    }
    return true;
  }

  /**
   * Issue 11: removes conversations deleted more than 30 days ago (at startup and hourly), and
   * their tool outputs' files; returns their keys once the files are gone too.
   */
  async purgeTrash(): Promise<string[]> {
    const purged = this.store.trash.purgeExpired();
    await removeFullOutputs(path.dirname(this.store.file), purged.fullOutputs, this.log);
    return purged.laneKeys;
  }

  // ── the drain's surface (L7, L11) ────────────────────────────────────────────────────────

  get accepting(): boolean {
    return this.intakeOpen;
  }

  /** L7: from this instant no new turn starts; messages are queued for the relaunch. */
  closeIntake(): void {
    this.intakeOpen = false;
  }

  /** Lanes whose turn is running now (starting lanes excluded), read from the live registry. */
  runningLanes(): string[] {
    return this.registry.lanesIn('running');
  }

  /** L31: of these lanes, those whose turn waits for a person's answer to an approval now. */
  awaitingApproval(laneKeys: readonly string[]): string[] {
    return laneKeys.filter((laneKey) => (this.registry.get(laneKey)?.approvals.size ?? 0) > 0);
  }

  /** L31: the tool calls of this lane's running turn that wait for the person's answer now. */
  pendingApprovals(laneKey: string): string[] {
    return [...(this.registry.get(laneKey)?.approvals.keys() ?? [])];
  }

  startingLanes(): string[] {
    return this.registry.lanesIn('starting');
  }

  /** L11: abort model streams and kill tools of these lanes now. */
  interruptNow(laneKeys: readonly string[], reason: string): void {
    for (const laneKey of laneKeys) {
      const live = this.registry.get(laneKey);
      if (live?.state === 'running') live.abortNow('drain', reason);
    }
  }

  onTurnEnded(listener: (end: TurnEnd) => void): () => void {
    return this.registry.onTurnEnded(listener);
  }

  /** L17: replay every lane's queued input (startup), in lane order of the oldest message. */
  replayQueuedInput(): string[] {
    const lanes = this.store.lanesWithQueuedInput();
    lanes.forEach((laneKey) => this.pump(laneKey));
    return lanes;
  }

  /**
   * Clears the start-retry timers (issue 9, item 7): BatonCore.close calls it before closing the
   * store, so no retry wakes up later to pump a lane over a closed store.
   */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Resolves when no turn is starting or running. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  banner(banner: Banner): void {
    this.emit({ type: 'banner', banner });
  }

  // ── turns ────────────────────────────────────────────────────────────────────────────────

  private pump(laneKey: string): void {
    if (!this.intakeOpen || this.registry.isBusy(laneKey)) return;
    // A conversation in the trash (or on its way there) keeps its queued input but runs nothing.
    if (this.deleting.has(laneKey) || (this.store.getLane(laneKey)?.deletedAt ?? null) !== null) return;
    const retry = this.retryTimers.get(laneKey);
    if (retry) {
      clearTimeout(retry);
      this.retryTimers.delete(laneKey);
    }
    const retryJob = this.retryRequests.get(laneKey);
    const wantsResume = retryJob === undefined && this.resumeRequests.has(laneKey);
    const next = retryJob || wantsResume ? undefined : (this.store.nextQueuedInput(laneKey) ?? undefined);
    if (!retryJob && !wantsResume && !next) return;
    const live = this.registry.claim(laneKey);
    if (!live) return;
    live.startedAt = this.now();
    this.resumeRequests.delete(laneKey);
    this.retryRequests.delete(laneKey);
    const job: TurnJob = retryJob ?? (next ? { kind: 'message', input: next } : { kind: 'resume' });
    if (job.kind === 'retry') this.retrying.add(laneKey);
    const run = this.runTurn(live, job);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async runTurn(live: LiveTurn, job: TurnJob): Promise<void> {
    const laneKey = live.laneKey;
    let outcome: TurnEnd['outcome'] = 'not-started';
    let startFailed = false;
    try {
      const access = this.store.getOrCreateSession(laneKey);
      if (access.autoResetReason === 'suspended') this.announceReset(laneKey, access.session);
      this.emitLane(laneKey);

      let agent: Agent | null = null;
      let createError: string | null = null;
      try {
        // L34: built from the lane (its provider, model, profile), so a resume uses the same ones.
        agent = await this.agents.create(laneKey, this.agentSpec(laneKey));
      } catch (error) {
        createError = `Could not start the agent: ${describeError(error)}`;
      }
      // L11: a lane still starting when the drain began is never marked or interrupted; its
      // message stays queued and is replayed after the relaunch.
      if (!this.intakeOpen) return;
      const lane = this.store.getLane(laneKey);
      if (!lane) return;
      if (job.kind === 'resume' && !lane.resumePending) return; // discarded while starting

      // A journal entry no live turn owns was left by an end that could not be written (a full
      // disk); close it now, or the lane could never start a turn again.
      if (lane.activeTurn) {
        this.store.endTurn({ laneKey, turnId: lane.activeTurn.turnId, outcome: 'failed', error: 'Baton could not record how this turn ended.' });
      }
      const allEvents = this.store.listEvents(lane.sessionId);
      // The model sees the current path only (L35): earlier versions stay in the log, not in the request.
      // A retry or regeneration answers its message again from the path before it.
      const events = historyEvents(job, pathEvents(allEvents));
      // L18: only a resumed turn may pick up calls the interrupted one never started.
      const resuming = lane.resumePending && (job.kind === 'message' || job.kind === 'resume');
      const repaired = resuming ? repairForResume(events) : { history: repairTranscript(events), pendingCalls: [] };
      const { pendingCalls } = repaired;
      // Issue 11: images are named by hash in the history; their bytes come from the store for every request.
      const history = this.withImageData(laneKey, repaired.history);
      if (job.kind === 'continue') trimContinuedAnswer(history);
      const note: ModelNote | null = job.kind === 'continue' ? { kind: 'continue', text: CONTINUE_NOTE } : decideNote(lane, history, this.now());
      const turnId = newId('turn');
      const jobAttachments = job.kind === 'message' ? job.input.attachments : job.kind === 'retry' || job.kind === 'regenerate' || job.kind === 'edit' ? job.attachments : null;
      const plainText = job.kind === 'message' ? job.input.text : job.kind === 'retry' || job.kind === 'regenerate' ? job.userText : job.kind === 'edit' ? job.text : null;
      // The model reads attached files' places in the workspace with the text; the transcript keeps the person's words.
      const userText = plainText === null ? null : textForModel(plainText, jobAttachments ?? undefined);
      const userImages = this.imageData(laneKey, imagesOf(jobAttachments));
      const begun = this.store.beginTurn({
        laneKey,
        turnId,
        trigger: job.kind,
        // The retried message is in the transcript already (issue 11): it is not appended again.
        ...(job.kind === 'message' ? { userText: job.input.text } : {}),
        ...(job.kind === 'message' ? { queuedInputId: job.input.id, clientId: job.input.clientId, attachments: job.input.attachments } : {}),
        ...(job.kind === 'edit' ? { userText: job.text, replaces: job.replaces, attachments: job.attachments } : {}),
        ...(job.kind === 'regenerate' ? { branchFrom: job.beforeSeq } : {}),
      });
      live.state = 'running';
      live.turnId = turnId;
      this.startFailures.delete(laneKey);
      if (begun.userEvent) this.emit({ type: 'transcript', laneKey, event: begun.userEvent });
      if (begun.branchEvent) this.emit({ type: 'transcript', laneKey, event: begun.branchEvent });
      // An untitled conversation is named after its first message, as chat apps do.
      if (job.kind === 'message' && lane.title === '') this.store.setTitle(laneKey, titleFrom(job.input.text.trim() !== '' ? job.input.text : (job.input.attachments?.[0]?.name ?? '')));
      if (note) {
        // For people only ("Resumed after a restart" divider); the note itself goes to the model request.
        this.append(laneKey, begun.sessionId, turnId, { kind: 'note_marker', payload: { note: note.kind, reason: note.kind === 'resume' ? note.reason : null } });
      }
      this.emitLane(laneKey);

      const recorder = new TurnRecorder({
        store: this.store,
        live,
        sessionId: begun.sessionId,
        turnId,
        emit: (event) => this.emit(event),
        log: this.log,
        // L31: waiting on a person is part of the lane's condition.
        approvalsChanged: () => this.emitLane(laneKey),
        activityChanged: () => this.emitLane(laneKey),
        allowedTools: conversationAllowances(allEvents),
        model: agent?.modelInUse,
      });
      let result: AgentTurnResult;
      if (createError !== null || agent === null) {
        result = { outcome: 'failed', error: createError ?? 'Could not start the agent.' };
      } else if (live.stopRequested) {
        result = { outcome: 'interrupted' };
      } else {
        try {
          result = await agent.runTurn({ laneKey, sessionId: begun.sessionId, turnId, history, userText, ...(userImages.length > 0 ? { userImages } : {}), note, pendingCalls }, recorder);
        } catch (error) {
          result = live.interruptCause ? { outcome: 'interrupted' } : { outcome: 'failed', error: describeError(error) };
        }
      }
      // An aborted stream often surfaces as an error; it is still an interruption.
      if (result.outcome === 'failed' && live.hardAbort.signal.aborted) result = { outcome: 'interrupted' };
      const record = () => {
        recorder.close(result.outcome === 'completed');
        this.finishTurn(live, turnId, result);
      };
      if (live.interruptCause === 'drain') await this.drainRecord(record);
      else record();
      outcome = result.outcome;
    } catch (error) {
      // R3: whatever broke (a full disk, a bug), the lane is never left running.
      this.log(`Turn on ${laneKey} failed: ${describeError(error)}`);
      outcome = 'failed';
      if (live.turnId) this.tryFinishFailed(live, live.turnId, describeError(error));
      else {
        startFailed = true;
        this.noticeStartFailure(laneKey, describeError(error));
      }
    } finally {
      this.retrying.delete(laneKey);
      this.registry.release(live, { laneKey, turnId: live.turnId, outcome });
      try {
        this.emitLane(laneKey);
        // Nothing began, so the message is still queued: retrying at once would spin on the same
        // failure and starve the event loop (even the drain's watchdog). Try again later instead.
        if (startFailed) this.retryLater(laneKey);
        else this.pump(laneKey);
      } catch (error) {
        // Nobody awaits a turn; after the store is gone (the process is exiting) just say so.
        this.log(`After the turn on ${laneKey}: ${describeError(error)}`);
      }
    }
  }

  /**
   * Turns the drain interrupted record their ends in batches, one batch per turn of the event loop
   * (L11, L12 at scale). All in one stretch, 1,000 records held the event loop — and with it the
   * grace timer and its watchdog — for seconds on a busy disk; one per turn of the loop, each with
   * its own fsync, took seconds too when the disk was slow (bench/drain.bench.ts at load 9: 48 of
   * 1,000 not recorded within the grace). A batch commits its records together, one fsync. A
   * record the exit cuts short, or a batch whose commit fails, is made at the next start with the
   * drain's reason (ResumeMarks.markCrash keeps that mark). Events a record emits go out just
   * before its batch commits: the process is exiting, and what a restart reads is the store.
   */
  private drainRecord(record: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.drainRecords.push({ record, resolve, reject });
      this.drainBatchTimer ??= setImmediate(() => this.recordDrainBatch());
    });
  }

  private recordDrainBatch(): void {
    this.drainBatchTimer = null;
    const batch = this.drainRecords.splice(0, DRAIN_RECORD_BATCH);
    const failed = new Map<(typeof batch)[number], unknown>();
    try {
      this.store.inOneCommit(() => {
        for (const job of batch) {
          try {
            // Its own savepoint: a record that fails undoes only itself; its turn then ends failed (R3).
            this.store.inOneCommit(job.record);
          } catch (error) {
            failed.set(job, error);
          }
        }
      });
      for (const job of batch) if (failed.has(job)) job.reject(failed.get(job));
      else job.resolve();
    } catch (error) {
      for (const job of batch) job.reject(error);
    }
    if (this.drainRecords.length > 0) this.drainBatchTimer = setImmediate(() => this.recordDrainBatch());
  }

  private keepAttachments(laneKey: string, staged: readonly StagedAttachment[]): AttachmentRef[] {
    if (!this.workspaceDir) throw new InvalidInputError('This Baton has no workspace to put attachments in.');
    const lane = this.store.getLane(laneKey);
    return keepAttachments(staged, {
      // L34: the conversation's own workspace, where its agent will look for them.
      workspaceDir: this.workspaceDir(lane ? specOf(lane) : undefined),
      keepImage: (sha256, mimeType, data) => this.store.attachments.put(laneKey, sha256, mimeType, data),
    });
  }

  /** The images' bytes from the store, base64; an image the store no longer holds keeps `data: null`. */
  private imageData(laneKey: string, images: readonly ModelImage[]): ModelImage[] {
    return images.map((image) => {
      const blob = this.store.attachments.get(laneKey, image.sha256);
      return blob ? { ...image, mimeType: blob.mimeType, data: blob.data.toString('base64') } : image;
    });
  }

  private withImageData(laneKey: string, history: TranscriptEntry[]): TranscriptEntry[] {
    return history.map((entry) => (entry.role === 'user' && entry.images ? { ...entry, images: this.imageData(laneKey, entry.images) } : entry));
  }

  /** Said once per run of failures, so a lane that keeps failing does not fill its transcript. */
  private noticeStartFailure(laneKey: string, message: string): void {
    if (this.startFailures.has(laneKey)) return;
    this.startFailures.add(laneKey);
    try {
      this.notice(laneKey, 'start-failed', `Baton could not start this turn (${message}). Your message is kept and will be tried again.`);
    } catch (error) {
      this.log(`Could not tell ${laneKey} about the failed start: ${describeError(error)}`);
    }
  }

  private retryLater(laneKey: string): void {
    if (this.disposed || this.retryTimers.has(laneKey)) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(laneKey);
      this.pump(laneKey);
    }, this.startRetryMs);
    timer.unref();
    this.retryTimers.set(laneKey, timer);
  }

  private finishTurn(live: LiveTurn, turnId: string, result: AgentTurnResult): void {
    const outcome: TurnOutcome = result.outcome;
    const closing = this.store.endTurn({
      laneKey: live.laneKey,
      turnId,
      outcome,
      cause: live.interruptCause ?? 'stop',
      reason: live.interruptReason,
      ...(result.outcome === 'failed' ? { error: result.error } : {}),
      countsAsRestartFailure: outcome === 'interrupted' && live.interruptCause === 'drain',
    });
    if (closing) this.emit({ type: 'transcript', laneKey: live.laneKey, event: closing });
  }

  private tryFinishFailed(live: LiveTurn, turnId: string, message: string): void {
    try {
      this.finishTurn(live, turnId, { outcome: 'failed', error: message });
    } catch (error) {
      this.log(`Could not record the failure of turn ${turnId}: ${describeError(error)}`);
    }
  }

  // ── commands (L24, L25) ──────────────────────────────────────────────────────────────────

  private runCommand(laneKey: string, command: ParsedCommand): SendResult {
    const reply = (code: string, text: string, data?: Record<string, unknown>): SendResult => {
      this.notice(laneKey, code, text, data);
      return { status: 'command', message: text };
    };
    const busy = this.registry.isBusy(laneKey);
    switch (command.name) {
      case null:
        return reply('unknown-command', `Unknown command ${command.typed}. Type /help to see the commands.`);
      case 'help':
        return reply('help', helpText());
      case 'stop':
        return this.stop(laneKey) ? reply('stopping', 'Stopping the running turn.') : reply('stop-idle', 'Nothing is running in this conversation.');
      case 'new': {
        if (busy) return reply('busy', 'A turn is running. Send /stop first, then /new.');
        const previous = this.store.getLane(laneKey)!.sessionId;
        this.store.startNewSession(laneKey, 'user');
        this.emitLane(laneKey);
        return reply('new-session', 'Started a new session. /resume lists the earlier ones.', { previousSessionId: previous });
      }
      case 'title': {
        const checked = titleFromCommand(command.arg);
        if ('problem' in checked) return reply(command.arg === '' ? 'usage' : 'title-refused', checked.problem);
        this.store.setTitle(laneKey, checked.title);
        this.emitLane(laneKey);
        return reply('title', `Renamed to “${checked.title}”.`);
      }
      case 'status':
        return reply('status', this.statusText(laneKey));
      case 'resume':
        return this.resumeCommand(laneKey, command.arg, busy, reply);
      case 'restart':
        if (!this.requestRestart) return reply('unavailable', 'Restart is not available here.');
        this.requestRestart();
        return reply('restarting', 'Restarting Baton. Running turns are drained first and resumed afterwards.');
    }
  }

  private resumeCommand(
    laneKey: string,
    arg: string,
    busy: boolean,
    reply: (code: string, text: string, data?: Record<string, unknown>) => SendResult,
  ): SendResult {
    const lane = this.store.getLane(laneKey)!;
    const earlier = this.store.listSessions(laneKey).filter((s) => s.sessionId !== lane.sessionId);
    if (arg === '') {
      if (earlier.length === 0) return reply('resume-list', 'This conversation has no earlier sessions.');
      const lines = earlier.map((s) => `• ${s.title || 'Untitled'} — ${s.sessionId} — started ${new Date(s.createdAt).toISOString()}`);
      return reply('resume-list', ['Earlier sessions (restore one with /resume <title or id>):', ...lines].join('\n'), {
        sessions: earlier.map((s) => s.sessionId),
      });
    }
    if (busy) return reply('busy', 'A turn is running. Send /stop first, then /resume.');
    const wanted = arg.toLowerCase();
    const exact = earlier.filter((s) => s.sessionId.toLowerCase() === wanted || s.title.toLowerCase() === wanted);
    const loose = exact.length > 0 ? exact : earlier.filter((s) => s.sessionId.toLowerCase().startsWith(wanted) || s.title.toLowerCase().includes(wanted));
    if (loose.length === 0) return reply('resume-none', `No earlier session matches “${arg}”. /resume lists them.`);
    if (loose.length > 1) return reply('resume-ambiguous', `${loose.length} sessions match “${arg}”; use the id. /resume lists them.`);
    const target = loose[0]!;
    this.store.restoreSession(laneKey, target.sessionId);
    this.emitLane(laneKey);
    return reply('session-restored', `Restored “${target.title || target.sessionId}”.`, { sessionId: target.sessionId });
  }

  private statusText(laneKey: string): string {
    const status = this.laneStatus(laneKey)!;
    const lane = this.store.getLane(laneKey)!;
    const sentence = conditionSentence(status);
    return [
      `Session: ${status.sessionId}`,
      `State: ${CONDITION_WORDS[laneCondition(status)].state}${sentence ? ` — ${sentence}` : ''}`,
      `Running: ${status.activity === 'idle' ? 'no' : status.activity}`,
      `Queued messages: ${status.queuedInputs}`,
      `Tokens: ${lane.inputTokens} in, ${lane.outputTokens} out`,
    ].join('\n');
  }

  // ── events ───────────────────────────────────────────────────────────────────────────────

  private announceReset(laneKey: string, session: SessionRecord): void {
    const previousSessionId = session.previousSessionId ?? '';
    const text = 'The previous session was reset after repeated interruptions. You can restore it.';
    this.notice(laneKey, 'session-reset', text, { previousSessionId });
    this.banner({ kind: 'session-reset', laneKey, previousSessionId, text });
  }

  private notice(laneKey: string, code: string, text: string, data?: Record<string, unknown>): void {
    const lane = this.store.getLane(laneKey);
    if (!lane) return;
    this.append(laneKey, lane.sessionId, null, { kind: 'notice', payload: { code, text, ...(data ? { data } : {}) } });
  }

  private append(laneKey: string, sessionId: string, turnId: string | null, event: TurnEvent): void {
    this.emit({ type: 'transcript', laneKey, event: this.store.appendEvent(sessionId, turnId, event) });
  }

  emitLane(laneKey: string): void {
    const lane = this.laneStatus(laneKey);
    if (lane) this.emit({ type: 'lane', lane });
  }

  /** Front ends come and go; a failing sink must never break a turn or an exit (L8). */
  private emit(event: GatewayEvent): void {
    if (!this.sink) return;
    try {
      this.sink.emit(event);
    } catch (error) {
      this.log(`Could not deliver a ${event.type} event: ${describeError(error)}`);
    }
  }
}
