/**
 * The settings panel's form helpers. The settings themselves — keys, types, defaults, rules — are
 * declared once in shared/settings.ts; the gateway checks every value it is sent.
 */
import type { ToolApprovalMode } from '../../../shared/settings.ts';

/** Sets one tool's approval; `default` removes it so the tool's own default applies. */
export function withToolApproval(
  current: Readonly<Record<string, ToolApprovalMode>>,
  tool: string,
  mode: ToolApprovalMode | 'default',
): Record<string, ToolApprovalMode> {
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
