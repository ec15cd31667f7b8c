/**
 * Builds the real agent for a turn from the conversation's lane (L34: its provider, model,
 * profile and its own instructions / workspace) over the current settings: the provider
 * (configured, or the usual environment variables), its key from the SecretStore, the workspace,
 * the built-in tools plus any MCP tools the profile allows, and the approval policy. Read per
 * turn, so a settings change applies to the next turn without a restart; a lane whose provider
 * was removed fails with words naming it, never silently on another provider.
 *
 * The provider SDKs (openai, @anthropic-ai/sdk) take a few hundred milliseconds to load, so
 * provider-config.ts and the SDKs behind it are imported at the first turn, not at start (issue
 * 13: start → ready is mostly loading code). Type imports cost nothing at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentFactory, LaneAgentSpec, ModelChoice } from './agent.ts';
import { AgentLoop, BATON_SYSTEM_PROMPT } from './agent-loop.ts';
import { chooseProvider, defaultModelChoice, providerGoneMessage, providerNamed, type ProviderChoice } from './providers/provider-choice.ts';
import type * as ProviderModule from './providers/provider-config.ts';
import type { ProviderConfig } from './providers/provider-config.ts';
import type { ProviderTimeouts, RetryPolicy } from './providers/stream-policy.ts';
import { builtinTools, type BuiltinToolOptions } from './tools/builtin-tools.ts';
import { bubblewrapSandbox, bubblewrapStatus, defaultLayout, type SandboxProbe } from './tools/shell-sandbox.ts';
import type { ShellToolOptions } from './tools/shell.ts';
import { ToolRegistry, type Tool } from './tools/tool.ts';
import type { SecretStore } from '../ports.ts';
import { DEFAULT_PROFILE_NAME, type AgentProfile, type Settings } from '../../../shared/settings.ts';

export type AgentSettings = Pick<Settings, 'providers' | 'activeProvider' | 'maxSteps' | 'toolApproval' | 'systemPrompt' | 'workspaceDir'> &
  Partial<Pick<Settings, 'shellSandbox' | 'anthropicThinkingBudget' | 'profiles'>>;

/** A lane that says nothing: the Default profile on the default provider. */
const NO_SPEC: LaneAgentSpec = { provider: null, model: null, profile: null, instructions: null, workspaceDir: null };

/** L34: a conversation names a profile that was removed; it is not silently run as another. */
export function profileGoneMessage(name: string): string {
  return `The profile “${name}” this conversation uses no longer exists. Choose another profile in the conversation's header, then send or retry.`;
}

/** The lane's profile; null for Default. Throws when the lane names one that is gone. */
export function profileFor(settings: AgentSettings, name: string | null): AgentProfile | null {
  if (name === null || name === DEFAULT_PROFILE_NAME) return null;
  const profile = (settings.profiles ?? []).find((p) => p.name === name);
  if (!profile) throw new Error(profileGoneMessage(name));
  return profile;
}

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

  /**
   * The conversation's folder, else its profile's, else the setting's, else one under the data
   * directory. Also where the gateway copies attached files (issue 11).
   */
  workspaceDir(spec: LaneAgentSpec = NO_SPEC, settings: AgentSettings = this.options.settings()): string {
    const profile = profileFor(settings, spec.profile);
    return spec.workspaceDir ?? profile?.workspaceDir ?? settings.workspaceDir ?? path.join(this.options.dataDir, 'workspace');
  }

  /** L34: what a new conversation takes now. */
  defaultModel(): ModelChoice | null {
    return defaultModelChoice(this.options.settings(), this.options.env);
  }

  /**
   * The lane's provider and model (L34), else its profile's, else the default. A provider the
   * lane or profile names that no longer exists is an error naming it, never another provider.
   */
  async resolveProvider(settings: AgentSettings, spec: LaneAgentSpec = NO_SPEC): Promise<ProviderConfig> {
    const profile = profileFor(settings, spec.profile);
    const wanted = spec.provider !== null ? { provider: spec.provider, model: spec.model } : profile?.provider ? { provider: profile.provider, model: profile.model } : null;
    let choice: ProviderChoice | null;
    if (wanted) {
      choice = providerNamed(settings, this.options.env, wanted.provider);
      if (!choice) throw new Error(providerGoneMessage(wanted.provider));
    } else {
      choice = chooseProvider(settings, this.options.env);
    }
    if (!choice) throw new Error(NO_PROVIDER_MESSAGE);
    const model = wanted?.model ?? undefined;
    // Issue 10: only Anthropic is asked to think; OpenAI-compatible reasoning models think on their own.
    const tuning = { ...this.options.providerTuning, ...(settings.anthropicThinkingBudget ? { thinkingBudgetTokens: settings.anthropicThinkingBudget } : {}) };
    if (choice.source === 'environment') return { ...choice.config, ...(model ? { model } : {}), ...tuning };
    const configured = choice.setting;
    const apiKey = configured.keyRef ? await this.options.secrets.get(configured.keyRef) : null;
    return {
      kind: configured.kind,
      name: configured.name,
      model: model ?? configured.model,
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

  /** `spec`: the conversation's lane (L34); without it the Default profile on the default provider. */
  async create(_laneKey?: string, spec: LaneAgentSpec = NO_SPEC): Promise<AgentLoop & { readonly modelInUse: ModelChoice }> {
    const settings = this.options.settings();
    const profile = profileFor(settings, spec.profile);
    const config = await this.resolveProvider(settings, spec);
    const { providerFromConfig } = await loadProviders();
    const provider = providerFromConfig(config);
    const workspaceDir = this.workspaceDir(spec, settings);
    fs.mkdirSync(workspaceDir, { recursive: true });
    const shell = { ...this.options.builtins?.shell, ...(await this.shellSandbox(settings)) };
    const allTools = [...builtinTools({ ...this.options.builtins, shell }), ...(this.options.extraTools?.() ?? [])];
    // A profile's tool list narrows what the model is offered; null offers everything.
    const allowed = profile?.tools ? new Set(profile.tools) : null;
    const tools = new ToolRegistry(allowed ? allTools.filter((tool) => allowed.has(tool.name)) : allTools);
    const instructions = spec.instructions ?? profile?.instructions ?? settings.systemPrompt;
    const loop = new AgentLoop({
      provider,
      tools,
      workspaceDir,
      systemPrompt: instructions ? `${BATON_SYSTEM_PROMPT}\n\n${instructions}` : BATON_SYSTEM_PROMPT,
      maxSteps: profile?.maxSteps ?? settings.maxSteps,
      approvalFor: (tool) => profile?.toolApproval[tool.name] ?? settings.toolApproval[tool.name] ?? tool.defaultApproval,
    });
    return Object.assign(loop, { modelInUse: { provider: config.name, model: config.model } });
  }
}
