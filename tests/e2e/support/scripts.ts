/** Scripted model turns the flows share. */
import type { ChatRequestBody, ChatScript, RecordedRequest, Gate } from '../../fixtures/scripted-openai-server.ts';
import { lastUserText } from './supervisor.ts';

/** Streams `text`, then sends nothing more until the connection closes: a turn that is mid-answer for as long as the test wants. */
export function stalledReply(text: string): ChatScript {
  return { kind: 'stream', steps: [{ type: 'text', text }, { type: 'hang' }] };
}

/** A slowly streamed final answer (visible streaming, still quick). */
export function slowReply(text: string): ChatScript {
  return {
    kind: 'stream',
    chunkDelayMs: 40,
    steps: [...text.split(/(?<= )/).map((word) => ({ type: 'text' as const, text: word })), { type: 'finish', reason: 'stop' }],
  };
}

/** Answers by the request's newest user message, for requests whose order is not fixed (two lanes at once). */
export function replyByLastUserMessage(answers: Record<string, ChatScript>, otherwise: ChatScript): (request: RecordedRequest<ChatRequestBody>) => ChatScript {
  return (request) => answers[lastUserText(request)] ?? otherwise;
}

/** Says `text`, then waits for `gate` before asking to run `command` in the shell: an approval that starts waiting when the test chooses. */
export function shellCallAfter(text: string, gate: Gate, callId: string, command: string): ChatScript {
  return {
    kind: 'stream',
    steps: [
      { type: 'text', text },
      { type: 'wait', until: gate.promise },
      { type: 'tool_call', id: callId, name: 'shell', args: { command }, fragments: 2 },
      { type: 'finish', reason: 'tool_calls' },
    ],
  };
}
