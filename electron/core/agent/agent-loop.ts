/**
 * The real Agent: model call → tool calls → results → next call, until a final answer or the step
 * limit. Every step goes through the TurnContext, which makes it durable before the next one
 * starts (L26): a tool call is recorded before it is dispatched, its start and its result after.
 *
 * Interrupts: a soft stop (busy input, /stop) closes the model stream — nothing with effects is in
 * flight then — but lets a running tool finish, and stops before the next step. The drain's hard
 * interrupt aborts the stream and kills running tools at once (the tool honours the signal).
 */
import type { Agent, AgentTurnInput, AgentTurnResult, ToolCallRecord, TurnContext } from './agent.ts';
import { isProviderError, type ModelProvider } from './providers/provider.ts';
import type { ToolApprovalMode } from '../../../shared/settings.ts';
import type { Tool, ToolRegistry } from './tools/tool.ts';
import type { ModelImage, ReasoningBlock, TranscriptEntry, TranscriptToolCall } from './transcript-repair.ts';
import { describeError } from '../../../shared/errors.ts';
import { APPROVAL_REASON_MAX, type ToolResultDetails } from '../../../shared/transcript.ts';

export interface AgentLoopOptions {
  provider: ModelProvider;
  tools: ToolRegistry;
  workspaceDir: string;
  systemPrompt: string;
  maxSteps: number;
  /** The approval policy for a tool: the user's per-tool setting, else the tool's own default. */
  approvalFor: (tool: Tool) => ToolApprovalMode;
}

export const BATON_SYSTEM_PROMPT =
  'You are an agent working inside Baton, a desktop app. You can use tools to inspect and change files in the ' +
  "user's workspace and to run shell commands there. Prefer small, verifiable steps. When a tool call's " +
  'outcome is unknown, check the current state before repeating it.';

class Interrupted extends Error {}

const DENIED_RESULT = 'The user declined this tool call. Do not retry it unless the user asks.';
/** Issue 10: the person's reason reaches the model verbatim, quoted and capped. */
export function deniedWithReason(reason: string): string {
  const capped = reason.length > APPROVAL_REASON_MAX ? `${reason.slice(0, APPROVAL_REASON_MAX)}…` : reason;
  return `${DENIED_RESULT} The user's reason: ${JSON.stringify(capped)}`;
}

export class AgentLoop implements Agent {
  private readonly options: AgentLoopOptions;

  constructor(options: AgentLoopOptions) {
    this.options = options;
  }

  async runTurn(input: AgentTurnInput, context: TurnContext): Promise<AgentTurnResult> {
    try {
      return await this.loop(input, context);
    } catch (error) {
      if (error instanceof Interrupted || context.signal.aborted) return { outcome: 'interrupted' };
      return { outcome: 'failed', error: describeError(error) };
    }
  }

  private async loop(input: AgentTurnInput, context: TurnContext): Promise<AgentTurnResult> {
    const history: TranscriptEntry[] = [...input.history];
    // L18/L20: calls the interrupted turn recorded but never started run now, approval first.
    for (const call of input.pendingCalls) history.push(await this.execute(call, context));

    let userText = input.userText;
    const userImages = input.userImages ?? [];
    let note = input.note;
    for (let step = 0; step < this.options.maxSteps; step++) {
      if (context.stopRequested) return { outcome: 'interrupted' };
      const answer = await this.callModel({ history, note, userText, userImages: userText !== null ? userImages : [] }, context);
      if (answer === 'interrupted') return { outcome: 'interrupted' };
      // The user's message and the note belong to the first request only (L19: never replayed).
      if (userText !== null) history.push({ role: 'user', text: userText, ...(userImages.length > 0 ? { images: userImages } : {}) });
      userText = null;
      note = null;
      // Issue 10: signed thinking goes back with its message in the turn's next request.
      const reasoning = answer.reasoning.length > 0 ? { reasoning: answer.reasoning } : {};
      history.push({ role: 'assistant', text: answer.text, interrupted: false, toolCalls: answer.calls, ...reasoning });
      if (answer.calls.length === 0) return { outcome: 'completed' };

      // Record every call first (durable intent), then run them one by one.
      const records = answer.calls.map((call) => this.record(call));
      for (const record of records) context.toolCall(record);
      for (const call of answer.calls) {
        if (context.stopRequested) return { outcome: 'interrupted' };
        history.push(await this.execute(call, context));
      }
    }
    return { outcome: 'failed', error: `Stopped after ${this.options.maxSteps} model calls without a final answer (the step limit).` };
  }

  private async callModel(
    request: { history: TranscriptEntry[]; note: AgentTurnInput['note']; userText: string | null; userImages: ModelImage[] },
    context: TurnContext,
  ): Promise<{ text: string; calls: TranscriptToolCall[]; reasoning: ReasoningBlock[] } | 'interrupted'> {
    // A soft stop may close the stream: no side effect is ever in flight while the model talks.
    const stream = new AbortController();
    const onAbort = () => stream.abort(context.signal.reason);
    context.signal.addEventListener('abort', onAbort, { once: true });
    const offStop = context.onStopRequested(() => stream.abort(new Error('stopped')));
    let text = '';
    let thought = '';
    const calls: TranscriptToolCall[] = [];
    const reasoning: ReasoningBlock[] = [];
    try {
      for await (const event of this.options.provider.stream(
        {
          system: this.options.systemPrompt,
          history: request.history,
          note: request.note,
          userText: request.userText,
          ...(request.userImages.length > 0 ? { userImages: request.userImages } : {}),
          tools: this.options.tools.specs(),
        },
        stream.signal,
      )) {
        if (event.type === 'text') {
          text += event.delta;
          context.text(event.delta);
        } else if (event.type === 'tool_call') {
          calls.push({ callId: event.callId, name: event.name, args: event.args });
        } else if (event.type === 'reasoning') {
          thought += event.delta;
          context.reasoning(event.delta);
        } else if (event.type === 'reasoning_end') {
          const { signature, redacted } = event;
          if (signature !== undefined || redacted !== undefined) {
            reasoning.push({ text: thought, ...(signature !== undefined ? { signature } : {}), ...(redacted !== undefined ? { redacted } : {}) });
          }
          thought = '';
          context.endReasoning({ ...(signature !== undefined ? { signature } : {}), ...(redacted !== undefined ? { redacted } : {}) });
        } else if (event.type === 'usage') {
          const { type: _type, ...usage } = event;
          context.usage({ ...usage, provider: this.options.provider.name });
        }
      }
    } catch (error) {
      if (stream.signal.aborted) return 'interrupted';
      // R3: the provider's message is already written for a person; say which provider it was.
      throw new Error(isProviderError(error) ? error.message : `${this.options.provider.name}: ${describeError(error)}`, { cause: error });
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      offStop();
    }
    if (stream.signal.aborted) return 'interrupted';
    context.endAssistantMessage();
    return { text, calls, reasoning };
  }

  private record(call: TranscriptToolCall): ToolCallRecord {
    const tool = this.options.tools.get(call.name);
    // An unknown tool cannot have effects, but say so honestly in its result.
    return { callId: call.callId, name: call.name, args: call.args, effect: tool?.effect ?? 'read-only' };
  }

  /** Approval, dispatch record, run, result record. Returns the result as the model will see it. */
  private async execute(call: TranscriptToolCall, context: TurnContext): Promise<TranscriptEntry> {
    const tool = this.options.tools.get(call.name);
    const result = (output: string, isError: boolean, details?: ToolResultDetails): TranscriptEntry => {
      context.toolResult({ callId: call.callId, output, isError, ...(details ? { details } : {}) });
      return { role: 'tool', callId: call.callId, name: call.name, output, isError, synthetic: false };
    };
    if (!tool) return result(`Unknown tool "${call.name}". Available tools: ${this.options.tools.list().map((t) => t.name).join(', ')}.`, true);
    if (this.options.approvalFor(tool) === 'ask') {
      const decision = await context.requestApproval(this.record(call));
      if (decision === 'interrupted') throw new Interrupted();
      if (decision === 'denied') return result(DENIED_RESULT, true);
      if (typeof decision === 'object') return result(deniedWithReason(decision.deniedWithReason), true);
    }
    if (context.signal.aborted) throw new Interrupted();
    context.toolDispatched(call.callId);
    const output = context.toolOutput?.bind(context, call.callId);
    const outcome = await tool.run(call.args, { signal: context.signal, workspaceDir: this.options.workspaceDir, ...(output ? { output } : {}) });
    // Killed by the hard interrupt: its effects are partial, so no result is recorded and the call
    // stays "outcome unknown" — the resume note asks the model to check before repeating it (L19, L20).
    if (context.signal.aborted) throw new Interrupted();
    return result(outcome.output, outcome.isError, outcome.details);
  }
}
