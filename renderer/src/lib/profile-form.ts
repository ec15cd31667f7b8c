/**
 * L34: the agent profile editor's form as text fields and checkboxes, and the profile it becomes.
 * The gateway checks the saved list with the `profiles` rule (shared/settings.ts); these checks only
 * give the person the words before a round trip.
 */
import { DEFAULT_PROFILE_NAME, isAbsolutePath, type AgentProfile, type ToolApprovalMode } from '../../../shared/settings.ts';
import { parseNumberField } from './settings-form.ts';

export interface ProfileForm {
  name: string;
  instructions: string;
  /** '' keeps the conversation's own provider. */
  provider: string;
  model: string;
  /** False: every tool; true: only `tools`. */
  limitTools: boolean;
  tools: string[];
  toolApproval: Record<string, ToolApprovalMode>;
  workspaceDir: string;
  maxSteps: string;
}

export function emptyProfileForm(): ProfileForm {
  return { name: '', instructions: '', provider: '', model: '', limitTools: false, tools: [], toolApproval: {}, workspaceDir: '', maxSteps: '' };
}

export function formFromProfile(profile: AgentProfile): ProfileForm {
  return {
    name: profile.name,
    instructions: profile.instructions ?? '',
    provider: profile.provider ?? '',
    model: profile.model ?? '',
    limitTools: profile.tools !== null,
    tools: profile.tools ?? [],
    toolApproval: { ...profile.toolApproval },
    workspaceDir: profile.workspaceDir ?? '',
    maxSteps: profile.maxSteps === null ? '' : String(profile.maxSteps),
  };
}

export type ProfileCheck = { ok: true; profile: AgentProfile } | { ok: false; message: string };

/** `others`: the names of the other profiles (a name must be unique, case-insensitively). */
export function profileFromForm(form: ProfileForm, others: readonly string[]): ProfileCheck {
  const name = form.name.trim();
  if (name === '') return { ok: false, message: 'A profile needs a name.' };
  if (name.toLowerCase() === DEFAULT_PROFILE_NAME.toLowerCase()) return { ok: false, message: `“${DEFAULT_PROFILE_NAME}” is the built-in profile; choose another name.` };
  if (others.some((other) => other.toLowerCase() === name.toLowerCase())) return { ok: false, message: `Another profile is already named “${name}”.` };
  const workspaceDir = form.workspaceDir.trim();
  if (workspaceDir !== '' && !isAbsolutePath(workspaceDir)) return { ok: false, message: 'The workspace folder must be an absolute path.' };
  let maxSteps: number | null = null;
  if (form.maxSteps.trim() !== '') {
    maxSteps = parseNumberField(form.maxSteps);
    if (maxSteps === null || !Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 500) return { ok: false, message: 'The step limit is a whole number from 1 to 500, or empty for the Default’s.' };
  }
  const provider = form.provider.trim();
  const model = form.model.trim();
  if (provider === '' && model !== '') return { ok: false, message: 'A model needs its provider.' };
  return {
    ok: true,
    profile: {
      name,
      instructions: form.instructions.trim() === '' ? null : form.instructions,
      provider: provider === '' ? null : provider,
      model: model === '' ? null : model,
      tools: form.limitTools ? [...new Set(form.tools)] : null,
      toolApproval: { ...form.toolApproval },
      workspaceDir: workspaceDir === '' ? null : workspaceDir,
      maxSteps,
    },
  };
}
