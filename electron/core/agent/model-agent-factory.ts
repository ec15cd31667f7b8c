/**
 * Builds the real agent for a turn from the current settings: the provider (configured, or the
 * usual environment variables), its key from the SecretStore, the workspace, the built-in tools
 * plus any MCP tools, and the approval policy. Read per turn, so a settings change applies to the
 * next turn without a restart.
 *
 * The provider SDKs (openai, @anthropic-ai/sdk) take a few hundred milliseconds to load, so
 * provider-config.ts and the SDKs behind it are imported at the first turn, not at start (issue
 * 13: start → ready is mostly loading code). Type imports cost nothing at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentFactory } from './agent.ts';
import { AgentLoop, BATON_SYSTEM_PROMPT } from './agent-loop.ts';
import { chooseProvider } from './providers/provider-choice.ts';
import type * as ProviderModule from './providers/provider-config.ts';
import type { ProviderConfig } from './providers/provider-config.ts';
import type { ProviderTimeouts, RetryPolicy } from './providers/stream-policy.ts';
import { builtinTools, type BuiltinToolOptions } from './tools/builtin-tools.ts';
import { bubblewrapSandbox, bubblewrapStatus, defaultLayout, type SandboxProbe } from './tools/shell-sandbox.ts';
import type { ShellToolOptions } from './tools/shell.ts';
import { ToolRegistry, type Tool } from './tools/tool.ts';
import type { SecretStore } from '../ports.ts';
import type { Settings } from '../../../shared/settings.ts';

export type AgentSettings = Pick<Settings, 'providers' | 'activeProvider' | 'maxSteps' | 'toolApproval' | 'systemPrompt' | 'workspaceDir'> &
  Partial<Pick<Settings, 'shellSandbox' | 'anthropicThinkingBudget'>>;

export interface ModelAgentFactoryOptions {
  settings: () => AgentSettings;
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** MCP tools currently offered (the MCP manager's live list). */
  extraTools?: () => Tool[];
  builtins?: BuiltinToolOptions;
  /**
   * Whether commands can be sandboxed here (R4); the process-wide bubblewrap probe by default.
   * Asked only while the `shellSandbox` setting is `auto`.
   */
  sandboxProbe?: () => Promise<SandboxProbe>;
  /** Transport tuning (tests shorten timeouts and retries). */
  providerTuning?: { timeouts?: Partial<ProviderTimeouts>; retry?: Partial<RetryPolicy> };
}

/** The providers' module, loaded once, at the first turn that needs it. */
let providerModule: Promise<typeof ProviderModule> | null = null;
function loadProviders(): Promise<typeof ProviderModule> {
  providerModule ??= import('./providers/provider-config.ts');
  return providerModule;
}

export const NO_PROVIDER_MESSAGE =
  'No model provider is configured. Add one in Settings, or start Baton with OPENAI_API_KEY, ANTHROPIC_API_KEY or OPENAI_BASE_URL set.';

export class ModelAgentFactory implements AgentFactory {
  private readonly options: ModelAgentFactoryOptions;

  constructor(options: ModelAgentFactoryOptions) {
    this.options = options;
  }

  /** Also where the gateway copies attached files (issue 11). */
  workspaceDir(settings: AgentSettings = this.options.settings()): string {
    return settings.workspaceDir ?? path.join(this.options.dataDir, 'workspace');
  }

  async resolveProvider(settings: AgentSettings): Promise<ProviderConfig> {
    const choice = chooseProvider(settings, this.options.env);
    if (!choice) throw new Error(NO_PROVIDER_MESSAGE);
    // Issue 10: only Anthropic is asked to think; OpenAI-compatible reasoning models think on their own.
    const tuning = { ...this.options.providerTuning, ...(settings.anthropicThinkingBudget ? { thinkingBudgetTokens: settings.anthropicThinkingBudget } : {}) };
    if (choice.source === 'environment') return { ...choice.config, ...tuning };
    const configured = choice.setting;
    const apiKey = configured.keyRef ? await this.options.secrets.get(configured.keyRef) : null;
    return {
      kind: configured.kind,
      name: configured.name,
      model: configured.model,
      apiKey,
      ...(configured.baseUrl ? { baseUrl: configured.baseUrl } : {}),
      ...tuning,
    };
  }

  /** R4: the shell tool's sandbox per the `shellSandbox` setting, read per turn like the rest. */
  async shellSandbox(settings: AgentSettings): Promise<Pick<ShellToolOptions, 'sandbox' | 'unsandboxedReason'>> {
    if (settings.shellSandbox === 'off') return { sandbox: null, unsandboxedReason: null };
    const probe = await (this.options.sandboxProbe ?? bubblewrapStatus)();
    if (!probe.available) return { sandbox: null, unsandboxedReason: probe.reason };
    return { sandbox: bubblewrapSandbox(probe.bwrapPath, defaultLayout(this.options.dataDir)), unsandboxedReason: null };
  }

  async create(): Promise<AgentLoop> {
    const settings = this.options.settings();
    const config = await this.resolveProvider(settings);
    const { providerFromConfig } = await loadProviders();
    const provider = providerFromConfig(config);
    const workspaceDir = this.workspaceDir(settings);
    fs.mkdirSync(workspaceDir, { recursive: true });
    const shell = { ...this.options.builtins?.shell, ...(await this.shellSandbox(settings)) };
    const tools = new ToolRegistry([...builtinTools({ ...this.options.builtins, shell }), ...(this.options.extraTools?.() ?? [])]);
    return new AgentLoop({
      provider,
      tools,
      workspaceDir,
      systemPrompt: settings.systemPrompt ? `${BATON_SYSTEM_PROMPT}\n\n${settings.systemPrompt}` : BATON_SYSTEM_PROMPT,
      maxSteps: settings.maxSteps,
      approvalFor: (tool) => settings.toolApproval[tool.name] ?? tool.defaultApproval,
    });
  }
}
