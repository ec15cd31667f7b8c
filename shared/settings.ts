/**
 * What Baton's settings are, their defaults, and how a value read from the settings file or handed
 * to `settings.set` becomes a usable one — declared once, for the settings store, the protocol
 * contract (typed per key) and the window's settings panel. The file is hand-editable, so reading
 * is lenient: a bad value falls back to its default with a warning and never costs the user the
 * rest of the file. Environment-neutral (no Node built-ins, no DOM).
 */
import * as z from './zod.ts';
import { BUSY_INPUT_MODES } from './lifecycle.ts';
import type { BusyInputMode } from './lifecycle.ts';
import { DEFAULT_MODEL_PRICES, modelPricesSchema, type ModelPrice } from './model-prices.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export interface Settings {
  /** L10: how long a drain waits for running turns; 0 interrupts at once. */
  drainTimeoutSeconds: number;
  /** L10: the drain's budget when the OS is shutting down. */
  osShutdownBudgetSeconds: number;
  /** L11: time interrupted turns get to record their interruption. */
  graceSeconds: number;
  /** L23: what a message sent to a running lane does. */
  busyInput: BusyInputMode;
  /** L20 */
  autoResume: boolean;
  /** L21: older resume marks are offered, not auto-resumed. */
  resumeFreshnessHours: number;
  /** L16: consecutive interrupted turns after which a lane is suspended. */
  stuckLoopThreshold: number;
  /** L27 */
  hideToTrayWhileRunning: boolean;
  /** null: a folder under the data directory. */
  workspaceDir: string | null;
  theme: Theme;
  /** Model providers the user configured; keys live in the OS keychain under `keyRef` (R4). */
  providers: ProviderSetting[];
  /** The default provider, which new conversations take (L34: each keeps its own); null: the first one, else OPENAI_* / ANTHROPIC_* from the environment. */
  activeProvider: string | null;
  /** Model calls one turn may make before it stops as failed. */
  maxSteps: number;
  /** Per-tool approval (`ask` / `auto`); a tool not listed uses its own default (side effects ask). */
  toolApproval: Record<string, ToolApprovalMode>;
  /** Extra instructions placed before Baton's own system prompt; null for none. */
  systemPrompt: string | null;
  /** MCP servers (stdio or HTTP); their tools are offered to the model. Changes apply without a restart. */
  mcpServers: McpServerConfig[];
  /**
   * R4: `auto` runs the shell tool's commands in a sandbox where the OS offers one (bubblewrap on
   * Linux) and says so where it cannot; `off` runs them with the user's full access.
   */
  shellSandbox: ShellSandboxMode;
  /** Issue 10: USD per 1M tokens by model id or glob; a model without an entry shows tokens only. */
  modelPrices: Record<string, ModelPrice>;
  /** Issue 10: Anthropic extended thinking's budget in tokens (1024 or more); 0 turns thinking off. */
  anthropicThinkingBudget: number;
  /**
   * L34: named agent profiles a conversation can use besides "Default" (the settings above:
   * systemPrompt, the provider in use, toolApproval, workspaceDir, maxSteps).
   */
  profiles: AgentProfile[];
}

/** The profile every conversation starts with: today's settings, under this name. */
export const DEFAULT_PROFILE_NAME = 'Default';

/** Null fields take the Default profile's value. */
export interface AgentProfile {
  name: string;
  /** Replaces the Default's instructions (systemPrompt). */
  instructions: string | null;
  /** The provider and model a conversation takes when it switches to this profile; null keeps its own. */
  provider: string | null;
  model: string | null;
  /** The tools the agent is offered (built-in and MCP tool names); null offers every tool. */
  tools: string[] | null;
  /** Approval per tool, over the Default's; a tool not listed uses the Default's policy. */
  toolApproval: Record<string, ToolApprovalMode>;
  workspaceDir: string | null;
  maxSteps: number | null;
}

export const SHELL_SANDBOX_MODES = ['auto', 'off'] as const;
export type ShellSandboxMode = (typeof SHELL_SANDBOX_MODES)[number];

export const PROVIDER_KINDS = ['openai-compatible', 'anthropic'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Baton's own tools, whose approval the settings panel offers (MCP tools are named by their server). */
export const BUILTIN_TOOL_NAMES = ['shell', 'write_file', 'read_file', 'list_dir', 'search_files'] as const;

/** Whether a tool asks the person before it runs (L31) or runs at once. */
export const TOOL_APPROVAL_MODES = ['ask', 'auto'] as const;
export type ToolApprovalMode = (typeof TOOL_APPROVAL_MODES)[number];

/**
 * What a provider's base URL may be: an http or https address. A model API is only ever spoken
 * over HTTP; `javascript:`, `file:` and other schemes were accepted (issue 14) and could only
 * fail later or be misused, so they are refused where the setting is saved and again where a
 * provider is built (the environment's OPENAI_BASE_URL does not pass through the settings).
 */
export const providerBaseUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' });

// ── MCP servers ──────────────────────────────────────────────────────────────────────────────

/** How a stdio MCP server is configured; the schema turns a hand-edited JSON entry into a config the manager can trust. */
export interface McpStdioServerConfig {
  /** Shown to the user and used as the prefix of the server's tool names. Unique per settings file. */
  name: string;
  /** The executable, looked up on PATH; no shell is involved, so no quoting or expansion happens. */
  command: string;
  args?: string[];
  /**
   * Added to the small environment the MCP SDK passes on (HOME, LOGNAME, PATH, SHELL, TERM, USER);
   * the rest of Baton's environment (API keys included) is deliberately not inherited. Values set
   * through the window are kept in the secret store and appear here as references (R4).
   */
  env?: Record<string, string>;
  cwd?: string;
  /** Missing means enabled: listing a server is the usual way to ask for it. */
  enabled?: boolean;
}

/** A remote MCP server: Streamable HTTP, falling back to the older HTTP+SSE transport. */
export interface McpHttpServerConfig {
  name: string;
  /** An http:// or https:// address. */
  url: string;
  /** Sent with every request (usually `Authorization`); values are secret references like env's. */
  headers?: Record<string, string>;
  enabled?: boolean;
}

export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

export function isMcpHttpServer(config: McpServerConfig): config is McpHttpServerConfig {
  return 'url' in config && typeof config.url === 'string';
}

/**
 * How a secret value (an env or header value) is written in the settings file: this prefix and the
 * key it is stored under in the SecretStore. The clear value never reaches config.json (R4).
 */
export const SECRET_REF_PREFIX = 'baton-secret:';

export function secretRefOf(value: string): string | undefined {
  return value.startsWith(SECRET_REF_PREFIX) ? value.slice(SECRET_REF_PREFIX.length) : undefined;
}

const serverName = z.string().check(z.refine((name) => name.trim().length > 0, 'A server needs a name'));

export const mcpStdioServerConfigSchema = z.object({
  name: serverName,
  command: z.string().check(z.refine((command) => command.trim().length > 0, 'A server needs a command')),
  args: z.optional(z.array(z.string())),
  env: z.optional(z.record(z.string(), z.string())),
  cwd: z.optional(z.string()),
  enabled: z.optional(z.boolean()),
}) satisfies z.ZodMiniType<McpStdioServerConfig>;

export const mcpHttpServerConfigSchema = z.object({
  name: serverName,
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }),
  headers: z.optional(z.record(z.string(), z.string())),
  enabled: z.optional(z.boolean()),
}) satisfies z.ZodMiniType<McpHttpServerConfig>;

/** Stdio when it has a command, HTTP when it has a url; one with both is refused as ambiguous. */
export const mcpServerConfigSchema = z.pipe(
  z
    .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object')
    .check(z.refine((value) => !('command' in value && 'url' in value), 'A server has either a command (stdio) or a url (HTTP), not both')),
  z.union([mcpHttpServerConfigSchema, mcpStdioServerConfigSchema]),
) as unknown as z.ZodMiniType<McpServerConfig>;

/** A list of servers; two with one name would make their tool names ambiguous. */
export const mcpServerConfigsSchema = z.array(mcpServerConfigSchema).check(
  z.superRefine((servers, context) => {
    const seen = new Set<string>();
    servers.forEach((server, index) => {
      if (seen.has(server.name)) {
        context.addIssue({ code: 'custom', path: [index, 'name'], message: `Another MCP server is already named "${server.name}"` });
      }
      seen.add(server.name);
    });
  }),
);

// ── agent profiles (L34) ─────────────────────────────────────────────────────────────────────

const profileText = z._default(z.nullable(z.string().check(z.trim(), z.minLength(1))), null);

export const agentProfileSchema = z.object({
  name: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'A profile needs a name'),
      z.maxLength(100),
      z.refine((name) => name.toLowerCase() !== DEFAULT_PROFILE_NAME.toLowerCase(), `"${DEFAULT_PROFILE_NAME}" is the built-in profile's name`),
    ),
  instructions: z._default(z.nullable(z.string()), null),
  provider: profileText,
  model: profileText,
  tools: z._default(z.nullable(z.array(z.string().check(z.minLength(1)))), null),
  toolApproval: z._default(z.record(z.string(), z.enum(TOOL_APPROVAL_MODES)), {}),
  // A relative folder would silently depend on whatever the working directory happens to be.
  workspaceDir: z._default(z.nullable(z.string().check(z.refine(isAbsolutePath, 'must be an absolute folder path'))), null),
  maxSteps: z._default(z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(500))), null),
});

/** Unique names, case-insensitively (they are picked from a list by name). */
export const agentProfilesSchema = z.array(agentProfileSchema).check(
  z.superRefine((profiles, context) => {
    const seen = new Set<string>();
    profiles.forEach((profile, index) => {
      const key = profile.name.toLowerCase();
      if (seen.has(key)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `Another profile is already named "${profile.name}"` });
      seen.add(key);
    });
  }),
);

// ── providers ────────────────────────────────────────────────────────────────────────────────

export const providerSettingSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1)),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.optional(providerBaseUrlSchema),
  model: z.string().check(z.trim(), z.minLength(1)),
  /** A reference into the SecretStore, never the key itself. */
  keyRef: z._default(z.nullable(z.string().check(z.minLength(1))), null),
});
export type ProviderSetting = z.infer<typeof providerSettingSchema>;
/** A provider as a front end sends it: without the key reference, which only the gateway keeps (R4). */
export type ProviderSettingInput = Omit<z.input<typeof providerSettingSchema>, 'keyRef'>;

/**
 * Where a provider comes from: the settings (editable in the window) or the OPENAI_* /
 * ANTHROPIC_* environment variables Baton was started with (shown as "From environment").
 */
export const PROVIDER_SOURCES = ['settings', 'environment'] as const;
export type ProviderSource = (typeof PROVIDER_SOURCES)[number];

/** A provider as a front end sees it: whether a key is stored, never the key or its reference (R4). */
export const providerViewSchema = z.object({
  name: z.string(),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.optional(z.string()),
  model: z.string(),
  hasKey: z.boolean(),
  source: z.enum(PROVIDER_SOURCES),
});
export type ProviderView = z.infer<typeof providerViewSchema>;

export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  drainTimeoutSeconds: 60,
  osShutdownBudgetSeconds: 3,
  graceSeconds: 5,
  busyInput: 'interrupt',
  autoResume: true,
  resumeFreshnessHours: 24,
  stuckLoopThreshold: 3,
  hideToTrayWhileRunning: true,
  workspaceDir: null,
  theme: 'system',
  providers: [],
  activeProvider: null,
  maxSteps: 25,
  toolApproval: {},
  systemPrompt: null,
  mcpServers: [],
  shellSandbox: 'auto',
  modelPrices: { ...DEFAULT_MODEL_PRICES },
  anthropicThinkingBudget: 0,
  profiles: [],
});

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(DEFAULT_SETTINGS, key);
}

// A hand-edited file may quote a number ("30"). Only plain decimal spellings count, so "0x1e" or
// "Infinity" are not read as numbers nobody meant.
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

const lenientNumber = z.pipe(z.union([z.number(), z.pipe(z.string().check(z.regex(DECIMAL)), z.transform(Number))]), z.number());

// L10: a negative duration has a documented meaning (interrupt at once), so it is clamped, not refused.
// A day at most: longer is a hang, not a drain (and timers overflow past ~24.8 days).
const seconds = z.pipe(lenientNumber, z.transform((n) => Math.min(86_400, Math.max(0, n))));

interface SettingRule<K extends SettingKey> {
  schema: z.ZodMiniType<Settings[K]>;
  /** Completes "expected …" in a warning or an error. */
  expected: string;
}

type SettingRules = { [K in SettingKey]: SettingRule<K> };

const rules: SettingRules = {
  drainTimeoutSeconds: { schema: seconds, expected: 'a number of seconds' },
  osShutdownBudgetSeconds: { schema: seconds, expected: 'a number of seconds' },
  graceSeconds: { schema: seconds, expected: 'a number of seconds' },
  busyInput: { schema: z.enum(BUSY_INPUT_MODES), expected: quotedList(BUSY_INPUT_MODES) },
  autoResume: { schema: z.boolean(), expected: 'true or false' },
  resumeFreshnessHours: { schema: z.pipe(lenientNumber, z.number().check(z.nonnegative())), expected: 'a number of hours, 0 or more' },
  stuckLoopThreshold: { schema: z.pipe(lenientNumber, z.number().check(z.int(), z.minimum(1))), expected: 'a whole number, 1 or more' },
  hideToTrayWhileRunning: { schema: z.boolean(), expected: 'true or false' },
  workspaceDir: {
    // A relative folder would silently depend on whatever the working directory happens to be.
    schema: z.nullable(z.string().check(z.refine(isAbsolutePath))),
    expected: 'an absolute folder path, or null for the default folder',
  },
  theme: { schema: z.enum(THEMES), expected: quotedList(THEMES) },
  providers: {
    schema: z.array(providerSettingSchema).check(z.refine((list) => new Set(list.map((p) => p.name)).size === list.length)),
    expected: 'a list of providers with unique names, each with name, kind, model and optional baseUrl (an http:// or https:// address) and keyRef',
  },
  activeProvider: { schema: z.nullable(z.string().check(z.minLength(1))), expected: 'a provider name, or null' },
  maxSteps: { schema: z.pipe(lenientNumber, z.number().check(z.int(), z.minimum(1), z.maximum(500))), expected: 'a whole number from 1 to 500' },
  toolApproval: { schema: z.record(z.string(), z.enum(TOOL_APPROVAL_MODES)), expected: 'an object mapping tool names to "ask" or "auto"' },
  systemPrompt: { schema: z.nullable(z.string()), expected: 'text, or null' },
  mcpServers: { schema: mcpServerConfigsSchema, expected: 'a list of MCP servers with unique names, each with name and either command (optional args, env, cwd) or url (optional headers), and optional enabled' },
  shellSandbox: { schema: z.enum(SHELL_SANDBOX_MODES), expected: quotedList(SHELL_SANDBOX_MODES) },
  modelPrices: {
    schema: modelPricesSchema,
    expected: 'an object mapping model ids or globs to { input, output, cacheRead?, cacheWrite? } in USD per million tokens (0 or more)',
  },
  anthropicThinkingBudget: {
    // The API refuses budgets under 1024; 0 is off.
    schema: z.pipe(lenientNumber, z.number().check(z.int(), z.refine((n) => n === 0 || (n >= 1024 && n <= 128_000)))),
    expected: 'a whole number of tokens from 1024 to 128000, or 0 for off',
  },
  profiles: {
    schema: agentProfilesSchema as unknown as z.ZodMiniType<AgentProfile[]>,
    expected: `a list of profiles with unique names (not "${DEFAULT_PROFILE_NAME}"), each with name and optional instructions, provider, model, tools, toolApproval, workspaceDir (absolute) and maxSteps (1 to 500)`,
  },
};

// ── on the wire (shared/protocol/contract.ts) ───────────────────────────────────────────────

/** The settings as a front end sees them (`settings.get`): providers as views, MCP env values masked (R4). */
export type SettingsView = Omit<Settings, 'providers'> & { providers: ProviderView[] };

/** Each key checked by its own rule, so a window reads typed values; providers are views. */
export const settingsViewSchema = z.object(
  Object.fromEntries(SETTING_KEYS.map((key) => [key, key === 'providers' ? z.array(providerViewSchema) : rules[key].schema])),
) as unknown as z.ZodMiniType<SettingsView>;

/** What `settings.set` takes for a key: the stored type, except that providers come without key references. */
export type SettingValue<K extends SettingKey> = K extends 'providers' ? ProviderSettingInput[] : Settings[K];
export type SettingChange = { [K in SettingKey]: { key: K; value: SettingValue<K> } }[SettingKey];

/**
 * `settings.set` params, typed per key. The frame is checked for its shape here; the key and the
 * value are checked by the gateway with the key's own rule (`validateSetting`), the same one that
 * reads the file, so a bad value gets that rule's words ("expected …") as INVALID_INPUT.
 */
export const settingChangeSchema = z.custom<SettingChange>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string' && 'value' in value,
  'expected { key, value }',
);

export type SettingCheck<K extends SettingKey> = { ok: true; value: Settings[K] } | { ok: false; expected: string };

/** The one rule both reading and `set()` use, so a value set is always a value read back the same. */
export function checkSetting<K extends SettingKey>(key: K, raw: unknown): SettingCheck<K> {
  const rule = rules[key];
  const parsed = rule.schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, expected: rule.expected };
}

export interface NormalisedSettings {
  settings: Settings;
  warnings: string[];
}

/** Never throws: whatever the file holds, the app gets complete settings and readable warnings. */
export function normaliseSettings(raw: unknown): NormalisedSettings {
  const source: Record<string, unknown> = isPlainRecord(raw) ? raw : {};
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const warnings = new Set<string>();
  if (!isPlainRecord(raw) && raw !== undefined) {
    warnings.add(`The settings are ${describeValue(raw)}, not an object; using the defaults.`);
  }
  for (const key of SETTING_KEYS) {
    if (!Object.hasOwn(source, key)) continue;
    applySetting(settings, key, source[key], warnings);
  }
  for (const key of Object.keys(source)) {
    // Kept in the file (a newer Baton may know it), but a typo'd key is worth pointing out.
    if (!isSettingKey(key)) warnings.add(`Unknown setting "${key}" is ignored.`);
  }
  return { settings, warnings: [...warnings] };
}

function applySetting<K extends SettingKey>(settings: Settings, key: K, raw: unknown, warnings: Set<string>): void {
  const checked = checkSetting(key, raw);
  if (checked.ok) {
    settings[key] = checked.value;
    return;
  }
  warnings.add(
    `Setting "${key}" has an invalid value ${describeValue(raw)} (expected ${checked.expected}); ` +
      `using the default ${describeValue(DEFAULT_SETTINGS[key])}.`,
  );
}

/** For `set()`: the value to store, or a clear error. */
export function validateSetting<K extends SettingKey>(key: K, value: unknown): Settings[K] {
  if (!isSettingKey(key)) throw new Error(`Unknown setting "${String(key)}".`);
  const checked = checkSetting(key, value);
  if (!checked.ok) {
    throw new Error(`Invalid value ${describeValue(value)} for setting "${key}": expected ${checked.expected}.`);
  }
  return checked.value;
}

/** POSIX `/…`, or on Windows `C:\…` / `\\server\…` (shared code cannot ask node:path). */
export function isAbsolutePath(dir: string): boolean {
  return dir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir) || dir.startsWith('\\\\');
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quotedList(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

const MAX_SHOWN = 80;

/** A bad value as the user would recognise it from the file. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
