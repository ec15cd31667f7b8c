/**
 * The robustness policy shared by every provider: cancellation, time limits and retries. The SDKs'
 * own retries are off so that this is the only policy: a retry is invisible to the user only while
 * nothing has been streamed, so it happens then and never after (SPEC R3).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelStreamEvent } from './provider.ts';
import { ProviderError } from './provider.ts';
import { endpointOf, fromSdkError, isRetriedBeforeOutput, providerError, type ErrorContext, type SdkErrorDialect } from './provider-errors.ts';

export interface ProviderTimeouts {
  /** From sending the request until the response headers arrive. */
  requestMs: number;
  /** Longest silence allowed between two chunks of an open stream. */
  idleMs: number;
}

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  retries: number;
  /** First backoff; doubled for each further attempt. */
  baseDelayMs: number;
  /** Cap on one backoff, including a provider's Retry-After. */
  maxDelayMs: number;
}

// Reasoning models can think for minutes before their first token; Node's fetch gives up on a
// silent body after 300 s, so the idle limit stays below that to fail with our own message.
export const DEFAULT_TIMEOUTS: ProviderTimeouts = { requestMs: 120_000, idleMs: 240_000 };
export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 500, maxDelayMs: 8_000 };

export interface AttemptContext {
  /** Pass to the SDK: aborted on cancellation and on either time limit. */
  readonly signal: AbortSignal;
  /** Call once the response headers have arrived: the request time limit no longer applies. */
  responded(): void;
  /** Reads the SDK's stream with the idle time limit armed only while waiting for a chunk. */
  chunks<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined>;
}

export interface PolicyOptions {
  context: ErrorContext;
  timeouts: ProviderTimeouts;
  retry: RetryPolicy;
  /** Maps an SDK or network error of one attempt to a ProviderError. */
  toProviderError(error: unknown): ProviderError;
}

/** What every provider's options say about its policy. */
export interface PolicySettings {
  name: string;
  baseUrl: string;
  apiKey: string | null;
  timeouts?: Partial<ProviderTimeouts>;
  retry?: Partial<RetryPolicy>;
}

/**
 * One provider's policy: our defaults with its overrides, its errors mapped through the one SDK
 * error table in its SDK's dialect (read when an error happens, so a provider may build it late).
 */
export function providerPolicy(settings: PolicySettings, dialect: () => SdkErrorDialect): PolicyOptions {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...settings.timeouts };
  const context: ErrorContext = { name: settings.name, secret: settings.apiKey, endpoint: endpointOf(settings.baseUrl) };
  return {
    context,
    timeouts,
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    toProviderError: (error) => fromSdkError(error, dialect(), context, timeouts.requestMs),
  };
}

/** One attempt's cancellation: the caller's signal plus our own time limits. */
class AttemptGuard implements AttemptContext {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal;
  readonly #context: ErrorContext;
  readonly #timeouts: ProviderTimeouts;
  #failure: ProviderError | null = null;
  #requestTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #onCallerAbort = () => this.#fail(providerError(this.#context, 'cancelled'));

  constructor(callerSignal: AbortSignal, context: ErrorContext, timeouts: ProviderTimeouts) {
    this.#callerSignal = callerSignal;
    this.#context = context;
    this.#timeouts = timeouts;
    if (callerSignal.aborted) {
      this.#fail(providerError(context, 'cancelled'));
      return;
    }
    callerSignal.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.#requestTimer = setTimeout(() => this.#fail(providerError(context, 'timeout', { ms: timeouts.requestMs })), timeouts.requestMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why this attempt was cut short by us or the caller; wins over whatever the SDK threw. */
  get failure(): ProviderError | null {
    return this.#failure;
  }

  #fail(error: ProviderError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#clearTimers();
    // No reason argument: the SDKs recognise a plain AbortError as a cancellation.
    this.#controller.abort();
  }

  #clearTimers(): void {
    clearTimeout(this.#requestTimer);
    clearTimeout(this.#idleTimer);
    this.#requestTimer = undefined;
    this.#idleTimer = undefined;
  }

  responded(): void {
    clearTimeout(this.#requestTimer);
    this.#requestTimer = undefined;
  }

  async *chunks<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    const iterator = source[Symbol.asyncIterator]();
    let finished = false;
    try {
      while (true) {
        if (this.#failure) return;
        this.#idleTimer = setTimeout(() => this.#fail(providerError(this.#context, 'idle-timeout', { ms: this.#timeouts.idleMs })), this.#timeouts.idleMs);
        let result: IteratorResult<T>;
        try {
          result = await iterator.next();
        } finally {
          clearTimeout(this.#idleTimer);
          this.#idleTimer = undefined;
        }
        if (result.done) {
          finished = true;
          return;
        }
        yield result.value;
      }
    } finally {
      // Leaving early (our consumer stopped, or we failed) must close the SDK's stream.
      if (!finished) await iterator.return?.();
    }
  }

  /** `completed`: the stream ended normally, so there is no connection left to close. */
  dispose(completed: boolean): void {
    this.#clearTimers();
    this.#callerSignal.removeEventListener('abort', this.#onCallerAbort);
    if (!completed && !this.#controller.signal.aborted) this.#controller.abort();
  }
}

function backoffMs(policy: RetryPolicy, attemptIndex: number, error: ProviderError): number {
  const exponential = policy.baseDelayMs * 2 ** attemptIndex;
  // Jitter keeps many conversations hit by one rate limit from retrying in lockstep.
  const jittered = exponential * (0.75 + Math.random() * 0.5);
  return Math.min(policy.maxDelayMs, Math.max(jittered, error.retryAfterMs ?? 0));
}

/**
 * Runs `attempt` under the policy. Events are passed through as they come; an error before the
 * first event may be retried, an error after it never is.
 */
export async function* streamWithPolicy(
  options: PolicyOptions,
  signal: AbortSignal,
  attempt: (context: AttemptContext) => AsyncIterable<ModelStreamEvent>,
): AsyncGenerator<ModelStreamEvent, void, undefined> {
  let emitted = false;
  for (let attemptIndex = 0; ; attemptIndex++) {
    const guard = new AttemptGuard(signal, options.context, options.timeouts);
    let completed = false;
    let lastError: ProviderError;
    try {
      if (guard.failure) throw guard.failure;
      for await (const event of attempt(guard)) {
        if (guard.failure) throw guard.failure;
        emitted = true;
        yield event;
      }
      // The SDKs end a cancelled stream quietly; the guard knows whether that is what happened.
      if (guard.failure) throw guard.failure;
      completed = true;
      return;
    } catch (raw) {
      const error = guard.failure ?? (raw instanceof ProviderError ? raw : options.toProviderError(raw));
      if (emitted || !isRetriedBeforeOutput(error) || attemptIndex >= options.retry.retries) throw error;
      lastError = error;
    } finally {
      guard.dispose(completed);
    }
    if (signal.aborted) throw providerError(options.context, 'cancelled');
    try {
      await sleep(backoffMs(options.retry, attemptIndex, lastError), undefined, { signal });
    } catch {
      throw providerError(options.context, 'cancelled');
    }
  }
}
