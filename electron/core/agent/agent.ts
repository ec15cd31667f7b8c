/**
 * The seam between the gateway and whatever answers a turn. The gateway owns persistence and
 * lifecycle; an Agent only talks to its model and tools and reports what happens through the
 * TurnContext, which records each step durably before returning (L26).
 */
import type { ToolEffect, ToolResultDetails } from '../../../shared/transcript.ts';
import type { ToolOutputChannel } from './tools/tool.ts';
import type { ModelNote } from './notes.ts';
import type { ModelImage, TranscriptEntry, TranscriptToolCall } from './transcript-repair.ts';

export interface AgentTurnInput {
  laneKey: string;
  sessionId: string;
  turnId: string;
  /** History before this turn, repaired (L18). Never contains notes or notices. */
  history: TranscriptEntry[];
  /** The user's message for this turn, verbatim; null when the turn resumes without one. */
  userText: string | null;
  /** Issue 11: images attached to that message, with their bytes (sent as image parts). */
  userImages?: ModelImage[];
  /** At most one system note for this request only (L19); never persisted as user text. */
  note: ModelNote | null;
  /**
   * Tool calls the interrupted turn recorded but never started (L18, L20). The agent runs them
   * (asking approval again where needed) before its next model call; the history ends with them.
   */
  pendingCalls: TranscriptToolCall[];
}

/** `{ deniedWithReason }`: denied, with the person's words for the model (issue 10). */
export type ApprovalDecision = 'approved' | 'denied' | 'interrupted' | { readonly deniedWithReason: string };

export interface ToolCallRecord {
  callId: string;
  name: string;
  args: unknown;
  effect: ToolEffect;
}

export interface ToolResultRecord {
  callId: string;
  output: string;
  isError: boolean;
  /** Issue 10: exit code, signal, diff: for the card; the model reads `output` only. */
  details?: ToolResultDetails | undefined;
}

/** One model call's tokens (issue 10): input is uncached input; cache reads and writes apart. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** The model and provider the call went to, for the price table; absent from scripted agents. */
  model?: string;
  provider?: string;
}

/** How a thinking block ended (issue 10): what lets it be sent back to its model, if anything. */
export interface ReasoningEnd {
  signature?: string;
  redacted?: string;
}

export interface TurnContext {
  /** Aborted by a hard interrupt (drain deadline): abort model streams and kill tools at once. */
  readonly signal: AbortSignal;
  /** True once a soft interrupt (`/stop`, busy input) asks the turn to stop at its next safe point. */
  readonly stopRequested: boolean;
  onStopRequested(listener: () => void): () => void;
  /** Streamed assistant text; flushed to the store at least every 250 ms. */
  text(delta: string): void;
  /** Ends the current assistant message (before tool calls or at a step boundary). */
  endAssistantMessage(): void;
  /** Issue 10: streamed thinking; saved like text (at least every 250 ms). */
  reasoning(delta: string): void;
  /** Ends the thinking block being streamed; a redacted block may come with no text at all. */
  endReasoning(end: ReasoningEnd): void;
  /** Recorded durably before the tool is dispatched, so after a kill we know it may have run. */
  toolCall(call: ToolCallRecord): void;
  /** Recorded right before the tool starts; without it a call provably never ran. */
  toolDispatched(callId: string): void;
  /**
   * Issue 10: a piece of a running tool's output (stdout and stderr in arrival order), streamed to
   * the window and flushed with the text's cadence (L26), so a crash keeps what was flushed.
   */
  toolOutput?(callId: string, stream: ToolOutputChannel, chunk: string): void;
  toolResult(result: ToolResultRecord): void;
  /** Asks the user (an event the UI answers); resolves `interrupted` if the turn is stopped first. */
  requestApproval(call: ToolCallRecord): Promise<ApprovalDecision>;
  usage(usage: Usage): void;
}

export type AgentTurnResult = { outcome: 'completed' } | { outcome: 'interrupted' } | { outcome: 'failed'; error: string };

/** L34: a provider (by its shown name) and a model. */
export interface ModelChoice {
  provider: string;
  model: string;
}

/** L34: what a conversation's lane says about its agent; null fields take the profile's, then the Default's. */
export interface LaneAgentSpec {
  provider: string | null;
  model: string | null;
  /** Null: the Default profile. */
  profile: string | null;
  instructions: string | null;
  workspaceDir: string | null;
}

export interface Agent {
  runTurn(input: AgentTurnInput, context: TurnContext): Promise<AgentTurnResult>;
  /** L34: the provider and model that answer; recorded on each answer. */
  readonly modelInUse?: ModelChoice;
}

/** Building an agent may take time (MCP servers, credentials); until it resolves the lane is *starting*. */
export interface AgentFactory {
  /** `spec`: the lane's provider, model, profile and overrides (L34); without it, the defaults. */
  create(laneKey: string, spec?: LaneAgentSpec): Promise<Agent>;
  /** L34: the provider and model a new conversation takes now; null when none is configured. */
  defaultModel?(): ModelChoice | null;
  /** Issue 11: where attached files are copied (the agents' workspace); the gateway's default when absent. L34: the lane's own folder when `spec` names one. */
  workspaceDir?(spec?: LaneAgentSpec): string;
}
