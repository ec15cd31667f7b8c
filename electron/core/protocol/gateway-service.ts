/**
 * Every contract method (shared/protocol/contract.ts) on top of the core, the settings and the
 * secret store. Transport-neutral: the connection handler validates frames and params, this
 * answers them. `events.subscribe` belongs to a connection and lives in the ProtocolServer.
 *
 * R4: API keys go in through `provider.setKey` and never come back out; `settings.get` shows
 * each provider with `hasKey` instead of its key reference.
 *
 * MCP (issue 10): a change to `mcpServers` is handed to the McpManager as it is saved, so servers
 * start, stop and restart without restarting Baton; their state goes out as `mcp` push events.
 */
import path from 'node:path';
import type { z } from 'zod';
import { parseCommand } from '../../../shared/commands.ts';
import { normalizeTitle } from '../../../shared/lane-title.ts';
import type { ExitReason } from '../../../shared/lifecycle.ts';
import type { Contract, MethodName, Result } from '../../../shared/protocol/contract.ts';
import { DEFAULT_PROFILE_NAME, isAbsolutePath, isSettingKey, validateSetting, type McpServerConfig, type ProviderSetting, type Settings } from '../../../shared/settings.ts';
import { choiceModel, choiceName, providerNamed } from '../agent/providers/provider-choice.ts';
import { ProviderSetup } from '../agent/providers/provider-setup.ts';
import type { McpServerView } from '../../../shared/mcp-status.ts';
import { maskUrlCredentials } from '../../../shared/url-credentials.ts';
import type { McpManager } from '../agent/mcp/mcp-manager.ts';
import { maskMcpServer, maskUrlPassword, restoreMaskedMcpValues, storeMcpSecrets, unusedMcpSecretRefs } from '../settings/mcp-secrets.ts';
import { DisposableStore } from '../../../shared/disposables.ts';
import type { BatonCore } from '../baton-core.ts';
import type { SecretStore } from '../ports.ts';
import { newId } from '../sessions/ids.ts';
import { AttachmentUploads } from '../gateway/attachment-uploads.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { fullOutputOf } from '../gateway/tool-output-files.ts';
import { currentBanners } from './current-banners.ts';
import { storeMethods } from './store-methods.ts';
import type { EventHub } from './event-hub.ts';
import { invalidInput, notFound, ServiceError } from './service-errors.ts';
import type { Log } from '../../../shared/log.ts';
import { describeError } from '../../../shared/errors.ts';

/** Methods the service answers; `events.subscribe` is per connection. */
export type ServiceMethod = Exclude<MethodName, 'events.subscribe'>;
export type ServiceParams<M extends MethodName> = z.output<Contract[M]['params']>;

type Handlers = { [M in ServiceMethod]: (params: ServiceParams<M>) => Result<M> | Promise<Result<M>> };

export interface GatewayServiceOptions {
  core: BatonCore;
  settings: SettingsStore;
  secrets: SecretStore;
  hub: EventHub;
  version: string;
  /** Starts the drain; defaults to `core.requestExit`. The host wraps it to log the outcome. */
  requestExit?: (reason: ExitReason) => void;
  log?: Log;
  /** The running MCP servers; settings changes are applied to it live (issue 10). */
  mcp?: McpManager;
  /**
   * Where the provider from the environment (OPENAI_* / ANTHROPIC_*) is read: the same environment
   * the agents get (the headless host holds the keys outside `process.env`); `process.env` by default.
   */
  env?: NodeJS.ProcessEnv;
  /** Provider setup checks; built from the settings, secrets and env by default (tests tune it). */
  providerSetup?: ProviderSetup;
}

/**
 * Messages one conversation may have waiting (queued behind a running turn or for the relaunch).
 * Far beyond what a person types ahead; it keeps a client that pipelines thousands of messages
 * (issue 14) from growing the store, and every turn start that reads the queue, without bound.
 * Commands (`/stop`) are never refused by it.
 */
export const MAX_QUEUED_MESSAGES_PER_CONVERSATION = 100;

/** Where `provider.setKey` stores a provider's key. */
export function providerKeyRef(providerName: string): string {
  return `provider:${providerName}`;
}

export class GatewayService {
  private readonly options: GatewayServiceOptions;
  private readonly handlers: Handlers;
  private readonly subscriptions = new DisposableStore();
  private settingsPushes: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly providerSetup: ProviderSetup;
  /** Issue 11: attachment uploads waiting for the message that names them. */
  private readonly uploads = new AttachmentUploads();

  constructor(options: GatewayServiceOptions) {
    this.options = options;
    this.providerSetup =
      options.providerSetup ?? new ProviderSetup({ settings: () => options.settings.get(), secrets: options.secrets, env: options.env ?? process.env });
    this.handlers = {
      'app.status': () => this.status(),
      'app.restart': () => this.restart(),
      'lanes.list': (params) => this.listLanes(params.view),
      'lanes.rename': (params) => this.renameLane(params.laneKey, params.title),
      'lanes.pin': (params) => this.laneAfter(params.laneKey, this.options.core.gateway.pinLane(params.laneKey, params.pinned)),
      'lanes.delete': async (params) => this.laneAfter(params.laneKey, await this.options.core.gateway.deleteLane(params.laneKey)),
      'lanes.restore': (params) => this.laneAfter(params.laneKey, this.options.core.gateway.restoreLane(params.laneKey)),
      'lanes.archive': (params) => this.laneAfter(params.laneKey, this.options.core.gateway.archiveLane(params.laneKey, params.archived)),
      'lanes.create': (params) => this.createLane(params.title),
      'lanes.setModel': (params) => this.setLaneModel(params.laneKey, params.provider, params.model),
      'lanes.setProfile': (params) => this.setLaneProfile(params.laneKey, params.profile),
      'lanes.setOverrides': (params) => this.setLaneOverrides(params),
      // A conversation in the trash is found only by restoring it (issue 11).
      'lanes.search': (params) => this.options.core.store.searchLanes(params.query).filter((hit) => this.options.core.store.getLane(hit.laneKey)?.deletedAt === null),
      'transcript.get': (params) => this.transcript(params),
      'sessions.list': (params) => this.sessions(params.laneKey),
      'tool.output': (params) => this.toolOutput(params.laneKey, params.seq),
      'message.send': (params) => this.sendMessage(params.laneKey, params.text, params.clientMessageId, params.attachments),
      'attachment.put': (params) => this.uploads.put(params),
      'turn.stop': (params) => ({ stopped: this.options.core.gateway.stop(params.laneKey) }),
      'turn.retry': (params) => this.options.core.gateway.retry(params.laneKey),
      'message.edit': (params) => this.options.core.gateway.editMessage(params.laneKey, params.seq, params.text),
      'turn.regenerate': (params) => this.options.core.gateway.regenerate(params.laneKey, params.seq),
      'turn.continue': (params) => this.options.core.gateway.continueAnswer(params.laneKey),
      'message.selectVersion': (params) => ({ selected: this.options.core.gateway.selectVersion(params.laneKey, params.seq) }),
      'resume.accept': (params) => ({ accepted: this.options.core.gateway.requestResume(params.laneKey) }),
      'resume.discard': (params) => ({ discarded: this.options.core.gateway.discardResume(params.laneKey) }),
      'session.restore': (params) => ({ restored: this.options.core.gateway.restoreSession(params.laneKey, params.sessionId) }),
      'approval.answer': (params) => this.answerApproval(params),
      'settings.get': () => this.settingsView(),
      'settings.set': (params) => this.setSetting(params.key, params.value),
      'provider.setKey': (params) => this.setProviderKey(params.providerName, params.apiKey),
      'mcp.status': () => ({ servers: this.mcpViews() }),
      'mcp.restart': (params) => this.restartMcpServer(params.name),
      // Provider setup checks (issue 11): answered with the provider error table's words, never a key.
      'provider.models': (params) => this.providerSetup.models(params),
      'provider.test': (params) => this.providerSetup.test(params),
      'provider.detectLocal': async () => ({ servers: await this.providerSetup.detectLocal() }),
      'provider.rename': (params) => this.renameProvider(params.from, params.to),
      // Issue 11 (L36): whole-store export/import and the backups in Settings.
      ...storeMethods({
        core: options.core,
        requestExit: options.requestExit ?? ((reason: ExitReason) => void options.core.requestExit(reason)),
        disposables: this.subscriptions,
      }),
    };
    const { mcp, settings } = options;
    // Issue 10: every window shows a changed setting at once, whoever changed it.
    this.subscriptions.add(settings.onChange(() => this.publishSettings()));
    if (mcp) {
      // The one hook for live MCP changes: whoever changes the settings (this service, another
      // window, a test), the manager hears it at once. Approval modes live in the settings too.
      this.subscriptions.add(settings.onChange((changed) => void this.applyMcp(mcp, changed.mcpServers)));
      this.subscriptions.add(mcp.onStatusChange(() => this.publishMcp()));
    }
  }

  /** Stops listening to the settings and the MCP manager (the runtime that made it calls this). */
  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
  }

  /** Answers one request whose params already passed the contract's schema. */
  async handle<M extends ServiceMethod>(method: M, params: ServiceParams<M>): Promise<Result<M>> {
    const handler = this.handlers[method] as (params: ServiceParams<M>) => Result<M> | Promise<Result<M>>;
    return handler(params);
  }

  // ── app ──────────────────────────────────────────────────────────────────────────────────

  private status(): Result<'app.status'> {
    const { core, hub } = this.options;
    const previous = core.previousExit;
    return {
      version: this.options.version,
      instanceId: hub.instanceId,
      storeId: core.store.storeId,
      draining: core.drain.draining,
      previousExit: previous ? { reason: previous.reason, at: previous.at, version: previous.version } : null,
      updatedFrom: core.updatedFrom,
      startup: {
        autoResumed: [...core.startup.autoResumed],
        awaitingUser: [...core.startup.awaitingUser],
        suspended: [...core.startup.suspended],
        replayed: [...core.startup.replayed],
      },
      banners: currentBanners({ draining: core.drain.draining, activeLanes: new Set(core.gateway.registry.activeLanes()), recorded: hub.recordedBanners() }),
      update: hub.update,
    };
  }

  private restart(): Result<'app.restart'> {
    const requestExit = this.options.requestExit ?? ((reason: ExitReason) => void this.options.core.requestExit(reason));
    // A restart already under way is joined (one drain, SPEC §4), so the request is always accepted.
    requestExit('restart');
    return { accepted: true };
  }

  // ── lanes and transcripts ────────────────────────────────────────────────────────────────

  private listLanes(view: ServiceParams<'lanes.list'>['view']): Result<'lanes.list'> {
    return this.options.core.gateway.laneViews(view).map((lane) => lane.status);
  }

  // ── conversations you can manage (issue 11) ──────────────────────────────────────────────

  private renameLane(laneKey: string, title: string): Result<'lanes.rename'> {
    const normalized = normalizeTitle(title);
    if (normalized === '') throw invalidInput('A title cannot be empty.');
    return this.laneAfter(laneKey, this.options.core.gateway.renameLane(laneKey, normalized));
  }

  /** The lane's status after a change that `found` says reached it; NOT_FOUND when there was no lane. */
  private laneAfter(laneKey: string, found: boolean): Result<'lanes.rename'> {
    const status = found ? this.options.core.gateway.laneStatus(laneKey) : null;
    if (!status) throw notFound(`No conversation ${laneKey}.`);
    return status;
  }

  private createLane(title: string | undefined): Result<'lanes.create'> {
    const { core } = this.options;
    const laneKey = newId('lane');
    // The contract already capped the length; the shared rule folds the spacing the same way /title does.
    core.gateway.createLane(laneKey, { title: normalizeTitle(title ?? ''), platform: 'desktop' });
    const status = core.gateway.laneStatus(laneKey);
    if (!status) throw new ServiceError('INTERNAL', 'The new conversation could not be read back.');
    return status;
  }

  // ── a conversation keeps its agent (L34) ─────────────────────────────────────────────────

  /** A provider that does not exist is refused here, so a conversation never points at nothing by choice. */
  private setLaneModel(laneKey: string, provider: string, model: string): Result<'lanes.setModel'> {
    if (!providerNamed(this.options.settings.get(), this.options.env ?? process.env, provider)) {
      throw invalidInput(`No provider named “${provider}”. Add it in Settings → Model providers first.`);
    }
    return this.laneAfter(laneKey, this.options.core.gateway.setLaneModel(laneKey, { provider, model }));
  }

  private setLaneProfile(laneKey: string, name: string | null): Result<'lanes.setProfile'> {
    const settings = this.options.settings.get();
    const env = this.options.env ?? process.env;
    const isDefault = name === null || name === DEFAULT_PROFILE_NAME;
    const profile = isDefault ? null : settings.profiles.find((p) => p.name === name);
    if (profile === undefined) throw invalidInput(`No profile named “${name}”. Add it in Settings → Agent profiles first.`);
    // The profile's model comes along only when its provider exists; otherwise the conversation keeps its own.
    const choice = profile?.provider ? providerNamed(settings, env, profile.provider) : null;
    const model = choice ? { provider: choiceName(choice), model: profile?.model ?? choiceModel(choice) } : null;
    return this.laneAfter(laneKey, this.options.core.gateway.setLaneProfile(laneKey, isDefault ? null : profile!.name, model));
  }

  private setLaneOverrides(params: ServiceParams<'lanes.setOverrides'>): Result<'lanes.setOverrides'> {
    const workspaceDir = params.workspaceDir === undefined || params.workspaceDir === null ? params.workspaceDir : params.workspaceDir.trim();
    if (typeof workspaceDir === 'string' && !isAbsolutePath(workspaceDir)) throw invalidInput('The workspace folder must be an absolute path.');
    const overrides = {
      ...(params.instructions !== undefined ? { instructions: params.instructions } : {}),
      ...(workspaceDir !== undefined ? { workspaceDir: workspaceDir === '' ? null : workspaceDir } : {}),
    };
    return this.laneAfter(params.laneKey, this.options.core.gateway.setLaneOverrides(params.laneKey, overrides));
  }

  /**
   * Conversations are made by `lanes.create`; a message for a key that names none is refused
   * rather than silently creating one (issue 14: any string became a conversation).
   */
  private sendMessage(
    laneKey: string,
    text: string,
    clientMessageId: string | undefined,
    attachments: ServiceParams<'message.send'>['attachments'],
  ): Promise<Result<'message.send'>> {
    const { store, gateway } = this.options.core;
    if (!store.getLane(laneKey)) throw notFound(`No conversation ${laneKey}.`);
    // A resend of a message already taken (L32) gets its first answer from the gateway, never BUSY.
    const resend = clientMessageId !== undefined && store.clientMessage(clientMessageId) !== null;
    if (!resend && parseCommand(text) === null && store.countQueuedInputs(laneKey) >= MAX_QUEUED_MESSAGES_PER_CONVERSATION) {
      throw new ServiceError(
        'BUSY',
        `This conversation already has ${MAX_QUEUED_MESSAGES_PER_CONVERSATION} messages waiting; send this one once Baton has worked through some.`,
      );
    }
    // A resend's attachments were taken with its first send; the gateway answers it as it did then.
    const staged = !resend && attachments && attachments.length > 0 ? this.uploads.take(attachments) : [];
    return gateway.send(laneKey, text, { ...(clientMessageId !== undefined ? { clientId: clientMessageId } : {}), ...(staged.length > 0 ? { attachments: staged } : {}) });
  }

  private transcript(params: ServiceParams<'transcript.get'>): Result<'transcript.get'> {
    const { store, gateway } = this.options.core;
    // The rows then hold every streamed piece sent before this answer; later ones follow as deltas.
    gateway.saveStreamedText(params.laneKey);
    const lane = store.getLane(params.laneKey);
    if (!lane) throw notFound(`No conversation ${params.laneKey}.`);
    const sessionId = params.sessionId ?? lane.sessionId;
    const session = store.getSession(sessionId);
    if (!session || session.laneKey !== params.laneKey) throw notFound(`Conversation ${params.laneKey} has no session ${sessionId}.`);
    const { afterSeq, before, around, limit } = params;
    if ([afterSeq, before, around].filter((cursor) => cursor !== undefined).length > 1) throw invalidInput('Give at most one of afterSeq, before and around.');
    if (limit === undefined) {
      if (before !== undefined || around !== undefined) throw invalidInput('before and around need a limit.');
      return { sessionId, events: store.listEvents(sessionId, afterSeq === undefined ? {} : { afterSeq }) };
    }
    // Issue 13: one page; a window opens a long conversation at its newest rows, or at a search hit.
    const page = store.transcriptPage(sessionId, { limit, ...(afterSeq !== undefined ? { after: afterSeq } : {}), ...(before !== undefined ? { before } : {}), ...(around !== undefined ? { around } : {}) });
    return { sessionId, events: page.events, hasMore: page.hasOlder, hasNewer: page.hasNewer };
  }

  private sessions(laneKey: string): Result<'sessions.list'> {
    const { store } = this.options.core;
    const lane = store.getLane(laneKey);
    if (!lane) throw notFound(`No conversation ${laneKey}.`);
    // The store lists newest first; an export reads oldest first.
    return [...store.listSessions(laneKey)]
      .reverse()
      .map(({ sessionId, title, createdAt, endedAt }) => ({
        sessionId,
        title,
        createdAt,
        endedAt,
        current: sessionId === lane.sessionId,
        firstMessage: store.transcript.firstUserText(sessionId),
      }));
  }

  /** Issue 10: a tool call's whole output, from a row of one of this conversation's sessions. */
  private toolOutput(laneKey: string, seq: number): Promise<Result<'tool.output'>> {
    const { store, gateway } = this.options.core;
    gateway.saveStreamedText(laneKey);
    const event = store.transcript.get(seq);
    const session = event ? store.getSession(event.sessionId) : null;
    if (event?.kind !== 'tool_output' || session?.laneKey !== laneKey) throw notFound(`Conversation ${laneKey} has no tool output ${seq}.`);
    return fullOutputOf(path.dirname(store.file), event);
  }

  // ── MCP servers (issue 10) ───────────────────────────────────────────────────────────────

  private async applyMcp(mcp: McpManager, servers: readonly McpServerConfig[]): Promise<void> {
    // Published at once for the servers listed or dropped, and again when they have started.
    const applied = mcp.apply(servers);
    this.publishMcp();
    const report = await applied;
    for (const error of report.errors) this.options.log?.(error);
    this.publishMcp();
  }

  private mcpViews(): McpServerView[] {
    const mcp = this.options.mcp;
    if (!mcp) return [];
    const approval = this.options.settings.get().toolApproval;
    return mcp.snapshot().map((server) => ({
      ...server,
      // An HTTP server's error can quote its URL: never with the password (issue 10, R4).
      ...(server.error !== undefined ? { error: maskUrlCredentials(server.error) } : {}),
      tools: server.tools.map((tool) => ({ ...tool, approval: approval[tool.name] ?? (tool.readOnly ? 'auto' : 'ask') })),
    }));
  }

  private publishMcp(): void {
    if (this.options.mcp) this.options.hub.publish({ channel: 'mcp', servers: this.mcpViews() });
  }

  private async restartMcpServer(name: string): Promise<Result<'mcp.restart'>> {
    const mcp = this.options.mcp;
    if (!mcp || !mcp.status().some((server) => server.name === name)) throw notFound(`No MCP server named "${name}".`);
    await mcp.restart(name);
    const server = this.mcpViews().find((candidate) => candidate.name === name);
    if (!server) throw notFound(`MCP server "${name}" was removed meanwhile.`);
    return { server };
  }

  // ── approvals (issue 10) ─────────────────────────────────────────────────────────────────

  private async answerApproval(params: ServiceParams<'approval.answer'>): Promise<Result<'approval.answer'>> {
    const gateway = this.options.core.gateway;
    if ('approved' in params) return { answered: gateway.answerApproval(params.laneKey, params.callId, params.approved) };
    const toolName = gateway.pendingApprovalTool(params.laneKey, params.callId);
    if (toolName === null) return { answered: false };
    // "Always allow": the Settings entry changes first, so the setting and the answer never disagree.
    if (params.decision === 'always') await this.setSetting('toolApproval', { ...this.options.settings.get().toolApproval, [toolName]: 'auto' });
    return { answered: gateway.answerApproval(params.laneKey, params.callId, { decision: params.decision, reason: params.reason }) };
  }

  // ── settings and keys (R4) ───────────────────────────────────────────────────────────────

  /**
   * Pushes what settings.get answers now. One after another: each view is read when its turn comes,
   * so the last push always holds the latest settings, however the key lookups interleave.
   */
  private publishSettings(): void {
    this.settingsPushes = this.settingsPushes
      .then(async () => {
        if (!this.disposed) this.options.hub.publish({ channel: 'settings', reply: await this.settingsView() });
      })
      .catch((error: unknown) => this.options.log?.(`Could not tell the windows about changed settings: ${describeError(error)}`));
  }

  private async settingsView(): Promise<Result<'settings.get'>> {
    const { settings: store } = this.options;
    const settings = store.get();
    // `providers` beside the settings also holds the one from the environment ("From environment");
    // `settings.providers` is the stored list only, what a window edits and sends back.
    const providers = await this.providerSetup.views();
    return {
      settings: { ...settings, providers: providers.filter((p) => p.source === 'settings'), mcpServers: settings.mcpServers.map(maskMcpServer) },
      providers,
      warnings: [...store.warnings],
      // Every window of this launch sees the notice; the next launch no longer has it (R2: told once).
      notices: store.notices.map((notice) => notice.message),
    };
  }

  private async setSetting(key: string, value: unknown): Promise<Result<'settings.set'>> {
    if (!isSettingKey(key)) throw invalidInput(`Unknown setting "${key}".`);
    const current = this.options.settings.get();
    // The front end only ever saw provider views; keep the key references it could not send back.
    const incoming =
      key === 'providers' ? keepKeyRefs(value, current.providers) : key === 'mcpServers' ? restoreMaskedMcpValues(value, current.mcpServers) : value;
    let checked: Settings[typeof key];
    try {
      checked = validateSetting(key, incoming);
    } catch (error) {
      throw invalidInput(describeError(error));
    }
    // R4: MCP env and header values go to the secret store; the file keeps references only.
    const stored = key === 'mcpServers' ? await storeMcpSecrets(checked as McpServerConfig[], current.mcpServers, this.options.secrets) : undefined;
    this.options.settings.set(key, stored ?? checked);
    if (stored) await this.deleteSecrets(unusedMcpSecretRefs(current.mcpServers, stored));
    if (key === 'providers') await this.forgetUnusedKeys(current.providers, checked as ProviderSetting[]);
    return { settings: (await this.settingsView()).settings };
  }

  /** R4: a key no provider refers to any more (the provider was removed, or now points elsewhere) is deleted, not left behind. */
  private async forgetUnusedKeys(before: readonly ProviderSetting[], after: readonly ProviderSetting[]): Promise<void> {
    const kept = new Set(after.flatMap((p) => (p.keyRef === null ? [] : [p.keyRef])));
    for (const provider of before) {
      if (provider.keyRef !== null && !kept.has(provider.keyRef)) await this.options.secrets.delete(provider.keyRef);
    }
  }

  /**
   * Renames a saved provider, its stored key and the choice of the provider in use with it, so
   * that editing a name never costs the key (issue 11). The key stays tied to the same address.
   */
  private async renameProvider(from: string, to: string): Promise<Result<'provider.rename'>> {
    const { settings, secrets } = this.options;
    const current = settings.get();
    const provider = current.providers.find((p) => p.name === from);
    if (!provider) throw notFound(`No provider named "${from}".`);
    if (from === to) return { renamed: true };
    if (current.providers.some((p) => p.name === to)) throw invalidInput(`Another provider is already named "${to}".`);
    let keyRef: string | null = null;
    if (provider.keyRef !== null) {
      const key = await secrets.get(provider.keyRef);
      if (key !== null) {
        keyRef = providerKeyRef(to);
        await secrets.set(keyRef, key);
      }
    }
    settings.set('providers', current.providers.map((p) => (p.name === from ? { ...p, name: to, keyRef } : p)));
    if (current.activeProvider === from) settings.set('activeProvider', to);
    // L34: its conversations follow the new name (they chose the provider, not the word).
    this.options.core.store.lanes.renameProvider(from, to);
    if (current.profiles.some((p) => p.provider === from)) settings.set('profiles', current.profiles.map((p) => (p.provider === from ? { ...p, provider: to } : p)));
    if (provider.keyRef !== null && provider.keyRef !== keyRef) await secrets.delete(provider.keyRef);
    return { renamed: true };
  }

  private async deleteSecrets(refs: readonly string[]): Promise<void> {
    for (const ref of refs) {
      try {
        await this.options.secrets.delete(ref);
      } catch (error) {
        // A leftover secret is harmless; the saved settings are what matters.
        this.options.log?.(`Could not delete an unused MCP secret: ${describeError(error)}`);
      }
    }
  }

  private async setProviderKey(providerName: string, apiKey: string): Promise<Result<'provider.setKey'>> {
    const { settings, secrets } = this.options;
    const providers = settings.get().providers;
    const provider = providers.find((p) => p.name === providerName);
    if (!provider) throw notFound(`No provider named "${providerName}". Add it in Settings first.`);
    const keyRef = providerKeyRef(providerName);
    await secrets.set(keyRef, apiKey);
    if (provider.keyRef !== keyRef) settings.set('providers', providers.map((p) => (p.name === providerName ? { ...p, keyRef } : p)));
    // A key stored under the same reference changes no setting, but the windows' "key stored" does.
    else this.publishSettings();
    return { stored: true };
  }
}

/**
 * Key references are the gateway's business (R4): whatever a front end sends is ignored, a provider
 * keeps the reference it had, and one whose endpoint or kind changed loses it, so a stored key can
 * never be pointed at another server without the user entering it again.
 */
function keepKeyRefs(value: unknown, current: readonly ProviderSetting[]): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
    const { hasKey: _hasKey, keyRef: _keyRef, source: _source, ...rest } = entry as Record<string, unknown>;
    const previous = current.find((p) => p.name === rest.name);
    // The window saw the base URL with its password masked; saved back unchanged, it keeps the real one.
    if (previous?.baseUrl !== undefined && rest.baseUrl === maskUrlPassword(previous.baseUrl)) rest.baseUrl = previous.baseUrl;
    const sameEndpoint = previous !== undefined && previous.kind === rest.kind && (previous.baseUrl ?? null) === ((rest.baseUrl as string | undefined) ?? null);
    return { ...rest, keyRef: sameEndpoint ? previous.keyRef : null };
  });
}
