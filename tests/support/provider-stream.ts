/** Reading a model provider's stream the way the agent loop does, for the provider tests. */
import { ProviderError, type ModelRequest, type ModelStreamEvent } from '../../electron/core/agent/providers/provider.ts';

/** A plain request: Baton's system prompt, no history, no note, "Hello", no tools. */
export function modelRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: 'You are Baton.', history: [], note: null, userText: 'Hello', tools: [], ...overrides };
}

export interface StreamOutcome {
  events: ModelStreamEvent[];
  /** The typed error the stream ended with (R3), or null when it ended normally. */
  error: ProviderError | null;
}

/** Every event of the stream, then its ending; anything but a ProviderError fails the test. */
export async function collectStream(iterable: AsyncIterable<ModelStreamEvent>, onEvent?: (event: ModelStreamEvent) => void): Promise<StreamOutcome> {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const event of iterable) {
      events.push(event);
      onEvent?.(event);
    }
    return { events, error: null };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { events, error };
  }
}

/** The streamed text, deltas joined. */
export function streamedText(events: ModelStreamEvent[]): string {
  return events.flatMap((event) => (event.type === 'text' ? [event.delta] : [])).join('');
}
