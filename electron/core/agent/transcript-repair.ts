/**
 * L18: turns a stored event log into a history a model accepts after any interruption. Pure: the
 * stored events are never changed; repair happens on the way to the model, every time.
 */
import { textForModel, type AttachmentRef } from '../../../shared/attachments.ts';
import type { StoredEvent, ToolEffect } from '../../../shared/transcript.ts';

export interface TranscriptToolCall {
  callId: string;
  name: string;
  args: unknown;
}

/**
 * Issue 10: a thinking block that may be sent back to its model: signed (Anthropic `thinking`) or
 * redacted (its opaque `data`). Unsigned thinking (OpenAI-compatible servers, or a block a crash
 * cut short) is for people only and never reaches a history.
 */
export interface ReasoningBlock {
  text: string;
  signature?: string;
  redacted?: string;
}

/**
 * An image of a user message (issue 11). Repair names it by hash; the gateway fills `data` from the
 * store right before the request, so every request of the session (a resume, a retry) sends it again.
 */
export interface ModelImage {
  sha256: string;
  mimeType: string;
  /** Base64 bytes, or null when the store no longer holds them (the model is told so instead). */
  data: string | null;
}

export type TranscriptEntry =
  | { role: 'user'; text: string; images?: ModelImage[] }
  | { role: 'assistant'; text: string; interrupted: boolean; toolCalls: TranscriptToolCall[]; reasoning?: ReasoningBlock[] }
  | { role: 'tool'; callId: string; name: string; output: string; isError: boolean; synthetic: boolean };

export const INTERRUPTED_CALL_OUTPUT =
  'Interrupted: Baton stopped while this tool call was in progress, before its result was recorded. ' +
  'Its outcome is unknown: it may or may not have taken effect. Verify the current state before repeating it.';

export const NOT_RUN_CALL_OUTPUT = 'Not run: Baton stopped before this tool call started, so it had no effect.';

interface PendingCall {
  call: TranscriptToolCall;
  answered: boolean;
  dispatched: boolean;
}

export interface ResumeRepair {
  history: TranscriptEntry[];
  /** Calls at the very end that never started: a resumed turn runs them instead of faking results. */
  pendingCalls: TranscriptToolCall[];
}

export function repairTranscript(events: readonly StoredEvent[]): TranscriptEntry[] {
  return repair(events, false).history;
}

/** For a resumed turn: like repairTranscript, but never-started calls at the tail stay open. */
export function repairForResume(events: readonly StoredEvent[]): ResumeRepair {
  return repair(events, true);
}

function repair(events: readonly StoredEvent[], keepTailOpen: boolean): ResumeRepair {
  const entries: TranscriptEntry[] = [];
  let pending: PendingCall[] = [];
  const pendingCalls: TranscriptToolCall[] = [];
  // The assistant message tool calls attach to, while no tool result has followed it yet.
  let openAssistant: Extract<TranscriptEntry, { role: 'assistant' }> | null = null;
  // Signed thinking waiting for the assistant message of its model call (issue 10).
  let reasoning: ReasoningBlock[] = [];
  const takeReasoning = (): { reasoning?: ReasoningBlock[] } => {
    const blocks = reasoning;
    reasoning = [];
    return blocks.length > 0 ? { reasoning: blocks } : {};
  };

  const settlePending = (atTail = false) => {
    for (const p of pending) {
      if (p.answered) continue;
      if (atTail && keepTailOpen && !p.dispatched) {
        pendingCalls.push(p.call);
        continue;
      }
      const output = p.dispatched ? INTERRUPTED_CALL_OUTPUT : NOT_RUN_CALL_OUTPUT;
      entries.push({ role: 'tool', callId: p.call.callId, name: p.call.name, output, isError: true, synthetic: true });
    }
    pending = [];
  };

  for (const event of events) {
    switch (event.kind) {
      case 'user_message':
        settlePending();
        openAssistant = null;
        reasoning = [];
        entries.push(userEntry(event.payload.text, event.payload.attachments));
        break;
      case 'assistant_text': {
        const { text, final } = event.payload;
        if (!final && text.trim() === '') break; // an empty partial answer carries nothing
        settlePending();
        openAssistant = { role: 'assistant', text, interrupted: !final, toolCalls: [], ...takeReasoning() };
        entries.push(openAssistant);
        break;
      }
      case 'tool_call': {
        if (!openAssistant) {
          settlePending();
          openAssistant = { role: 'assistant', text: '', interrupted: false, toolCalls: [], ...takeReasoning() };
          entries.push(openAssistant);
        }
        const call = { callId: event.payload.callId, name: event.payload.name, args: event.payload.args };
        openAssistant.toolCalls.push(call);
        pending.push({ call, answered: false, dispatched: false });
        break;
      }
      case 'tool_dispatch': {
        const match = pending.find((p) => p.call.callId === event.payload.callId);
        if (match) match.dispatched = true;
        break;
      }
      case 'tool_result': {
        const match = pending.find((p) => p.call.callId === event.payload.callId && !p.answered);
        if (!match) break; // a result without its call would be rejected by every provider
        match.answered = true;
        openAssistant = null;
        entries.push({ role: 'tool', callId: match.call.callId, name: match.call.name, output: event.payload.output, isError: event.payload.isError, synthetic: false });
        break;
      }
      case 'reasoning': {
        // Only a finished, signed (or redacted) block can go back to the model: the API checks the
        // signature against the text, so a partial block a crash left would fail the whole request.
        const { text, final, signature, redacted } = event.payload;
        if (!final || (signature === undefined && redacted === undefined)) break;
        reasoning.push({ text, ...(signature !== undefined ? { signature } : {}), ...(redacted !== undefined ? { redacted } : {}) });
        break;
      }
      default:
        break; // interruptions, errors, note markers and notices are for people, not the model
    }
  }
  settlePending(true);
  return { history: entries, pendingCalls };
}

/** A user message as the model sees it: the text naming attached files, and the images by hash. */
export function userEntry(text: string, attachments: readonly AttachmentRef[] | undefined): Extract<TranscriptEntry, { role: 'user' }> {
  const images = imagesOf(attachments);
  return { role: 'user', text: textForModel(text, attachments ? [...attachments] : undefined), ...(images.length > 0 ? { images } : {}) };
}

export function imagesOf(attachments: readonly AttachmentRef[] | null | undefined): ModelImage[] {
  return (attachments ?? []).flatMap((a) => (a.kind === 'image' && a.sha256 ? [{ sha256: a.sha256, mimeType: a.mimeType, data: null }] : []));
}

/** True when the history ends with tool results the model has not answered yet (L19 case 2). */
export function endsWithToolTail(history: readonly TranscriptEntry[]): boolean {
  return history.at(-1)?.role === 'tool';
}

export interface UnfinishedCall {
  callId: string;
  name: string;
  effect: ToolEffect;
}

/**
 * Tool calls recorded in these turns that have no result: their outcome is unknown. Several turns,
 * because a resumed turn dispatches (and may lose) calls its interrupted predecessor recorded.
 */
export function unfinishedCalls(events: readonly StoredEvent[], turnIds: string | ReadonlySet<string>): UnfinishedCall[] {
  const inScope = typeof turnIds === 'string' ? (id: string | null) => id === turnIds : (id: string | null) => id !== null && turnIds.has(id);
  const open = new Map<string, UnfinishedCall>();
  for (const event of events) {
    if (!inScope(event.turnId)) continue;
    if (event.kind === 'tool_call') open.set(event.payload.callId, { callId: event.payload.callId, name: event.payload.name, effect: event.payload.effect });
    if (event.kind === 'tool_result') open.delete(event.payload.callId);
  }
  return [...open.values()];
}

/** L20: an interrupted turn may be continued automatically only if no call with effects is in doubt. */
export function blocksAutoResume(calls: readonly UnfinishedCall[]): boolean {
  return calls.some((call) => call.effect !== 'read-only');
}
