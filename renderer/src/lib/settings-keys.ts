/**
 * The settings the panel edits. Mirrors the keys and defaults of
 * electron/core/settings/settings-schema.ts (the renderer may not import electron/); the gateway
 * validates every value it is sent.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const APPROVAL_TOOLS = ['shell', 'write_file', 'read_file', 'list_dir', 'search_files'] as const;
export type ApprovalMode = 'ask' | 'auto';

export const SETTING_DEFAULTS = {
  drainTimeoutSeconds: 60,
  autoResume: true,
  resumeFreshnessHours: 24,
  busyInput: 'interrupt',
  workspaceDir: null,
  theme: 'system',
} as const;

export function readNumber(settings: Readonly<Record<string, unknown>>, key: keyof typeof SETTING_DEFAULTS): number {
  const value = settings[key];
  const fallback = SETTING_DEFAULTS[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : typeof fallback === 'number' ? fallback : 0;
}

export function readBoolean(settings: Readonly<Record<string, unknown>>, key: 'autoResume'): boolean {
  const value = settings[key];
  return typeof value === 'boolean' ? value : SETTING_DEFAULTS[key];
}

export function readTheme(settings: Readonly<Record<string, unknown>> | undefined): Theme {
  const value = settings?.theme;
  return (THEMES as readonly unknown[]).includes(value) ? (value as Theme) : 'system';
}

export function readBusyInput(settings: Readonly<Record<string, unknown>>): 'interrupt' | 'queue' {
  return settings.busyInput === 'queue' ? 'queue' : 'interrupt';
}

export function readToolApproval(settings: Readonly<Record<string, unknown>>): Record<string, ApprovalMode> {
  const raw = settings.toolApproval;
  const result: Record<string, ApprovalMode> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return result;
  for (const [tool, mode] of Object.entries(raw)) {
    if (mode === 'ask' || mode === 'auto') result[tool] = mode;
  }
  return result;
}

/** Sets one tool's approval; `default` removes it so the tool's own default applies. */
export function withToolApproval(current: Readonly<Record<string, ApprovalMode>>, tool: string, mode: ApprovalMode | 'default'): Record<string, ApprovalMode> {
  const next = { ...current };
  if (mode === 'default') delete next[tool];
  else next[tool] = mode;
  return next;
}

/** A number typed in a field, or null when it is not one. */
export function parseNumberField(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
