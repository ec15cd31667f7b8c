/**
 * A transcript is an ordered log of turn events per session (SPEC L26). These are the kinds the
 * store persists; the renderer reads the same shapes. `note_marker` and `notice` are for people
 * only: they are never sent to the model (L19).
 */
import * as z from './zod.ts';
import { attachmentRefSchema } from './attachments.ts';

/** How a tool may touch the world; decides whether an interrupted call blocks auto-resume (L20). */
export const TOOL_EFFECTS = ['read-only', 'side-effecting', 'lifecycle'] as const;
export type ToolEffect = (typeof TOOL_EFFECTS)[number];

/** SPEC §1: how a turn ends. */
export const TURN_OUTCOMES = ['completed', 'interrupted', 'failed'] as const;
export type TurnOutcome = (typeof TURN_OUTCOMES)[number];

export const INTERRUPTION_CAUSES = ['stop', 'busy-input', 'drain', 'crash'] as const;
export type InterruptionCause = (typeof INTERRUPTION_CAUSES)[number];

/**
 * Issue 10: how a person answers a tool approval. `conversation` lets later calls of the same tool
 * in this conversation run without asking; `always` sets the tool to `auto` in Settings.
 */
export const APPROVAL_CHOICES = ['once', 'conversation', 'always', 'deny'] as const;
export type ApprovalChoice = (typeof APPROVAL_CHOICES)[number];
/** A deny reason reaches the model verbatim, so it is capped like any other user text sent along. */
export const APPROVAL_REASON_MAX = 2000;
export interface ApprovalAnswer {
  decision: ApprovalChoice;
  reason?: string | undefined;
}

/**
 * Issue 10: what a tool's card reads beside the text the model gets (which stays as it was): a
 * command's exit code or signal, and the diff a `write_file` made.
 */
export const toolResultDetailsSchema = z.object({
  exitCode: z.optional(z.nullable(z.number().check(z.int()))),
  signal: z.optional(z.nullable(z.string())),
  /** The command was stopped by Baton: its time ran out, or its turn was interrupted. */
  stopped: z.optional(z.enum(['timeout', 'interrupted'])),
  diff: z.optional(
    z.object({
      path: z.string(),
      /** A unified diff of the old content against the new (capped; `truncated` says so). */
      text: z.string(),
      added: z.number().check(z.int(), z.minimum(0)),
      removed: z.number().check(z.int(), z.minimum(0)),
      truncated: z.boolean(),
      created: z.boolean(),
    }),
  ),
});
export type ToolResultDetails = z.infer<typeof toolResultDetailsSchema>;

export const eventPayloadSchemas = {
  /** `clientId`: the id the sending window gave the message (L32), so it knows its own message. */
  user_message: z.object({
    text: z.string(),
    clientId: z.optional(z.string()),
    /** Issue 11 (L35): an edit names the message it is a new version of; the old one stays in the log. */
    replaces: z.optional(z.number().check(z.int())),
    /** Issue 11: files copied into the workspace and images kept in the store. */
    attachments: z.optional(z.array(attachmentRefSchema)),
  }),
  /** `final: false` while streaming; a kill leaves it false and repair flags it interrupted (L18). */
  /** `provider`/`model` (L34): what produced the answer; absent on answers stored before they were recorded. */
  assistant_text: z.object({ text: z.string(), final: z.boolean(), provider: z.optional(z.string()), model: z.optional(z.string()) }),
  tool_call: z.object({
    callId: z.string(),
    name: z.string(),
    args: z.unknown(),
    effect: z.enum(TOOL_EFFECTS),
  }),
  /** Written right before the tool starts: a call without it provably never ran. */
  tool_dispatch: z.object({ callId: z.string() }),
  tool_result: z.object({ callId: z.string(), output: z.string(), isError: z.boolean(), details: z.optional(toolResultDetailsSchema) }),
  /**
   * Issue 10: a command's output as it streams, one row per call grown in place at the text's
   * 250 ms cadence (L26), capped to its head and tail (shared/tool-output.ts). `length` counts every
   * character streamed; `fullOutput`: the whole output is in a file "Download full output" reads.
   * `final` once the call's result is recorded; a crash leaves it false with what was flushed.
   */
  tool_output: z.object({
    callId: z.string(),
    head: z.string(),
    tail: z.string(),
    length: z.number().check(z.int(), z.minimum(0)),
    totalBytes: z.number().check(z.int(), z.minimum(0)),
    fullOutput: z.boolean(),
    final: z.boolean(),
  }),
  /** The user is asked before a tool with `ask` approval runs; the answer is recorded too. */
  approval_request: z.object({ callId: z.string(), name: z.string(), args: z.unknown() }),
  /**
   * `decision`/`reason`/`name` were added in issue 10 (older events hold `approved` only). A
   * `conversation` decision is also the durable allowance: the gateway reads these back (with `name`)
   * when a turn starts, so no store migration was needed.
   */
  approval_decision: z.object({
    callId: z.string(),
    approved: z.boolean(),
    decision: z.optional(z.enum(APPROVAL_CHOICES)),
    reason: z.optional(z.nullable(z.string())),
    name: z.optional(z.string()),
  }),
  interruption: z.object({ cause: z.enum(INTERRUPTION_CAUSES), reason: z.nullable(z.string()) }),
  error: z.object({ message: z.string() }),
  note_marker: z.object({ note: z.enum(['resume', 'tool-tail', 'continue']), reason: z.nullable(z.string()) }),
  notice: z.object({ code: z.string(), text: z.string(), data: z.optional(z.record(z.string(), z.unknown())) }),
  /**
   * Issue 11 (L35): a regenerated answer starts here, as a new version of the answer to the user
   * message `fromSeq`. The earlier answer stays in the log (shared/message-path.ts).
   */
  branch: z.object({ fromSeq: z.number().check(z.int()) }),
  /** Issue 11 (L35): the person switched to another version (‹ 1/2 ›) of the message or answer `seq`. */
  version_select: z.object({ seq: z.number().check(z.int()) }),
  /**
   * Issue 10, L26: a model's thinking, streamed and saved like assistant_text (same deltas and
   * checkpoints). `signature` (Anthropic) is what lets the block be sent back; `redacted` holds a
   * `redacted_thinking` block's opaque data (no readable text). A block without a signature is never
   * sent back to Anthropic (a partial one after a crash included).
   */
  reasoning: z.object({ text: z.string(), final: z.boolean(), signature: z.optional(z.string()), redacted: z.optional(z.string()) }),
  /** Issue 10: the tokens one model call used; cost is worked out from the price table when shown. */
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheRead: z.optional(z.number()),
    cacheWrite: z.optional(z.number()),
    model: z.string(),
    provider: z.string(),
  }),
} as const;

export type TurnEventKind = keyof typeof eventPayloadSchemas;
export const TURN_EVENT_KINDS = Object.keys(eventPayloadSchemas) as TurnEventKind[];
export type EventPayload<K extends TurnEventKind> = z.infer<(typeof eventPayloadSchemas)[K]>;

export type TurnEvent = { [K in TurnEventKind]: { kind: K; payload: EventPayload<K> } }[TurnEventKind];

export type StoredEvent = TurnEvent & {
  seq: number;
  sessionId: string;
  turnId: string | null;
  createdAt: number;
};

export function isTurnEventKind(value: string): value is TurnEventKind {
  return Object.hasOwn(eventPayloadSchemas, value);
}
