/**
 * What Baton's settings are, their defaults, and how a value read from the settings file or handed
 * to `set()` becomes a usable one. The file is hand-editable, so reading is lenient: a bad value
 * falls back to its default with a warning and never costs the user the rest of the file.
 */
import path from 'node:path';
import { z } from 'zod';
import { BUSY_INPUT_MODES } from '../../../shared/lifecycle.ts';
import type { BusyInputMode } from '../../../shared/lifecycle.ts';
import { mcpServerConfigsSchema, type McpServerConfig } from '../agent/mcp/mcp-config.ts';
import { providerBaseUrlSchema } from '../agent/providers/base-url.ts';

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
  /** Name of the provider turns use; null: the first one, else OPENAI_* / ANTHROPIC_* from the environment. */
  activeProvider: string | null;
  /** Model calls one turn may make before it stops as failed. */
  maxSteps: number;
  /** Per-tool approval (`ask` / `auto`); a tool not listed uses its own default (side effects ask). */
  toolApproval: Record<string, ToolApprovalMode>;
  /** Extra instructions placed before Baton's own system prompt; null for none. */
  systemPrompt: string | null;
  /** Stdio MCP servers started at launch; their tools are offered to the model. */
  mcpServers: McpServerConfig[];
  /**
   * R4: `auto` runs the shell tool's commands in a sandbox where the OS offers one (bubblewrap on
   * Linux) and says so where it cannot; `off` runs them with the user's full access.
   */
  shellSandbox: ShellSandboxMode;
}

export const SHELL_SANDBOX_MODES = ['auto', 'off'] as const;
export type ShellSandboxMode = (typeof SHELL_SANDBOX_MODES)[number];

export const PROVIDER_KINDS = ['openai-compatible', 'anthropic'] as const;
export const TOOL_APPROVAL_MODES = ['ask', 'auto'] as const;
export type ToolApprovalMode = (typeof TOOL_APPROVAL_MODES)[number];

export const providerSettingSchema = z.object({
  name: z.string().trim().min(1),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: providerBaseUrlSchema.optional(),
  model: z.string().trim().min(1),
  /** A reference into the SecretStore, never the key itself. */
  keyRef: z.string().min(1).nullable().default(null),
});
export type ProviderSetting = z.infer<typeof providerSettingSchema>;

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
});

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(DEFAULT_SETTINGS, key);
}

// A hand-edited file may quote a number ("30"). Only plain decimal spellings count, so "0x1e" or
// "Infinity" are not read as numbers nobody meant.
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

const lenientNumber = z.union([z.number(), z.string().regex(DECIMAL).transform(Number)]).pipe(z.number());

// L10: a negative duration has a documented meaning (interrupt at once), so it is clamped, not refused.
// A day at most: longer is a hang, not a drain (and timers overflow past ~24.8 days).
const seconds = lenientNumber.transform((n) => Math.min(86_400, Math.max(0, n)));

interface SettingRule<K extends SettingKey> {
  schema: z.ZodType<Settings[K]>;
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
  resumeFreshnessHours: { schema: lenientNumber.pipe(z.number().nonnegative()), expected: 'a number of hours, 0 or more' },
  stuckLoopThreshold: { schema: lenientNumber.pipe(z.number().int().min(1)), expected: 'a whole number, 1 or more' },
  hideToTrayWhileRunning: { schema: z.boolean(), expected: 'true or false' },
  workspaceDir: {
    // A relative folder would silently depend on whatever the working directory happens to be.
    schema: z.string().refine((dir) => path.isAbsolute(dir)).nullable(),
    expected: 'an absolute folder path, or null for the default folder',
  },
  theme: { schema: z.enum(THEMES), expected: quotedList(THEMES) },
  providers: {
    schema: z.array(providerSettingSchema).refine((list) => new Set(list.map((p) => p.name)).size === list.length),
    expected: 'a list of providers with unique names, each with name, kind, model and optional baseUrl (an http:// or https:// address) and keyRef',
  },
  activeProvider: { schema: z.string().min(1).nullable(), expected: 'a provider name, or null' },
  maxSteps: { schema: lenientNumber.pipe(z.number().int().min(1).max(500)), expected: 'a whole number from 1 to 500' },
  toolApproval: { schema: z.record(z.string(), z.enum(TOOL_APPROVAL_MODES)), expected: 'an object mapping tool names to "ask" or "auto"' },
  systemPrompt: { schema: z.string().nullable(), expected: 'text, or null' },
  mcpServers: { schema: mcpServerConfigsSchema, expected: 'a list of MCP servers with unique names, each with name, command and optional args, env, cwd and enabled' },
  shellSandbox: { schema: z.enum(SHELL_SANDBOX_MODES), expected: quotedList(SHELL_SANDBOX_MODES) },
};

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

/**
 * The file's JSON schema: it names and documents the keys. It is not handed to conf (compiling it
 * with ajv cost every start about 40 ms, issue 13). It deliberately constrains no value: a schema
 * that fails refuses the whole file, and one bad hand edit must not cost every other setting. Values
 * are checked by the rules above. Unknown keys are allowed so an older Baton keeps a newer one's
 * settings. No `default`s either: conf would write them into the file, freezing today's defaults.
 */
export const SETTINGS_FILE_SCHEMA: { [K in SettingKey]: { description: string } } = {
  drainTimeoutSeconds: { description: 'Seconds a quit, restart or update waits for running turns (0 = interrupt at once). Default 60.' },
  osShutdownBudgetSeconds: { description: 'Seconds the drain may take when the computer shuts down. Default 3.' },
  graceSeconds: { description: 'Seconds interrupted turns get to record the interruption. Default 5.' },
  busyInput: { description: 'A message sent while a conversation runs: "interrupt" (default) or "queue".' },
  autoResume: { description: 'Resume interrupted conversations on launch. Default true.' },
  resumeFreshnessHours: { description: 'Interruptions older than this many hours are not resumed automatically. Default 24.' },
  stuckLoopThreshold: { description: 'Consecutive interrupted turns after which a conversation is suspended. Default 3.' },
  hideToTrayWhileRunning: { description: 'Closing the last window hides Baton to the tray while turns run. Default true.' },
  workspaceDir: { description: 'Absolute path of the agents\' workspace; null for a folder under the data directory.' },
  theme: { description: '"system" (default), "light" or "dark".' },
  providers: { description: 'Model providers: [{ name, kind: "openai-compatible" | "anthropic", baseUrl?, model, keyRef }]. Keys are kept in the OS keychain.' },
  activeProvider: { description: 'Name of the provider to use; null for the first one (or OPENAI_*/ANTHROPIC_* environment variables).' },
  maxSteps: { description: 'Model calls one turn may make. Default 25.' },
  toolApproval: { description: 'Per-tool approval, e.g. { "shell": "auto" }. Unlisted tools: side-effecting ones ask, read-only ones run.' },
  systemPrompt: { description: 'Extra instructions for the model, or null.' },
  mcpServers: { description: 'Stdio MCP servers: [{ name, command, args?, env?, cwd?, enabled? }]. Started at launch; their tools are offered to the model.' },
  shellSandbox: {
    description:
      '"auto" (default): the shell tool runs commands in a bubblewrap sandbox where Linux offers one (workspace writable, Baton\'s data and processes invisible); "off": commands run with your full access.',
  },
};

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
