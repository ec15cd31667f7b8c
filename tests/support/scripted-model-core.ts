/**
 * The real core with the real agent loop (ModelAgentFactory) talking to a scripted
 * OpenAI-compatible HTTP server: what the approval tests run turns against.
 */
import { MemorySecretStore } from '../../electron/core/agent/memory-secret-store.ts';
import { ModelAgentFactory, type ModelAgentFactoryOptions } from '../../electron/core/agent/model-agent-factory.ts';
import type { ProviderSetting } from '../../shared/settings.ts';
import { afterEach, beforeEach } from 'vitest';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import { CoreHarness } from './core-harness.ts';

/** The scripted server as a saved OpenAI-compatible provider (its key is `sk-test` under keyRef `scripted`). */
function scriptedProvider(server: ScriptedOpenAIServer): ProviderSetting {
  return { name: 'Scripted', kind: 'openai-compatible', baseUrl: server.url, model: 'test-model', keyRef: 'scripted' };
}

export async function startScriptedModelCore(server: ScriptedOpenAIServer): Promise<CoreHarness> {
  return startModelCore({ provider: scriptedProvider(server), maxSteps: 10 });
}

/** The same with any provider setting (its key is `sk-test` under keyRef `scripted`) and transport tuning. */
export async function startModelCore(options: {
  provider: ProviderSetting;
  maxSteps: number;
  providerTuning?: ModelAgentFactoryOptions['providerTuning'];
}): Promise<CoreHarness> {
  const secrets = new MemorySecretStore();
  await secrets.set('scripted', 'sk-test');
  const settings = { providers: [options.provider], activeProvider: null, maxSteps: options.maxSteps, toolApproval: {}, systemPrompt: null, workspaceDir: null };
  return CoreHarness.start({
    agentFactory: (h) =>
      new ModelAgentFactory({ settings: () => settings, secrets, env: {}, dataDir: h.dataDir, ...(options.providerTuning ? { providerTuning: options.providerTuning } : {}) }),
  });
}

/**
 * A scripted model server per test and the core started against it on demand, both closed after
 * the test (registers the hooks; call at the top of a test file).
 */
export function useScriptedModelCore(options: { maxSteps?: number; providerTuning?: ModelAgentFactoryOptions['providerTuning'] } = {}): {
  server: () => ScriptedOpenAIServer;
  start: () => Promise<CoreHarness>;
} {
  let server: ScriptedOpenAIServer | null = null;
  let harness: CoreHarness | null = null;
  beforeEach(async () => {
    server = await startScriptedOpenAIServer();
  });
  afterEach(async () => {
    harness?.cleanup();
    harness = null;
    await server?.close();
    server = null;
  });
  const current = (): ScriptedOpenAIServer => {
    if (!server) throw new Error('no scripted model server outside a test');
    return server;
  };
  return {
    server: current,
    start: async () =>
      (harness = await startModelCore({
        provider: scriptedProvider(current()),
        maxSteps: options.maxSteps ?? 10,
        ...(options.providerTuning ? { providerTuning: options.providerTuning } : {}),
      })),
  };
}
