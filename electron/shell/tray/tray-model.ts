/**
 * What the tray shows (L28, L31): live counts of conversations by their condition (running, needing
 * you, interrupted — shared/lane-condition.ts words them), a tooltip
 * with the state, and the menu. Pure, so the words and the enabled states are tested without
 * Electron; ../adapters/tray.ts turns the model into a real Menu.
 */
import { CONDITION_WORDS, runningTurns, type ConditionCounts } from '../../../shared/lane-condition.ts';
import type { UpdatePolicyState } from '../../core/update/update-policy.ts';

export type TrayAction = 'open' | 'new-chat' | 'restart' | 'install-update' | 'install-when-idle' | 'check-for-updates' | 'quit';

export interface TrayItem {
  /** A separator has no action. */
  action: TrayAction | null;
  label: string;
  enabled: boolean;
}

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

export interface TrayInput {
  /** Conversations by condition (`countConditions` over the lane summaries). */
  lanes: Pick<ConditionCounts, 'running' | 'awaiting-approval' | 'interrupted'>;
  /** A drain (quit, restart, update) is under way. */
  leaving: boolean;
  update: Pick<UpdatePolicyState, 'phase' | 'version' | 'progress' | 'installWhenIdle'>;
}

/** Turns a drain deals with: a turn waiting for a person is still a live turn. */
function liveTurns(input: TrayInput): number {
  return input.lanes.running + input.lanes['awaiting-approval'];
}

export function trayStatusLine(input: TrayInput): string {
  if (input.leaving) return `Finishing ${runningTurns(liveTurns(input))}…`;
  const parts = [CONDITION_WORDS.running.count(input.lanes.running)];
  for (const condition of ['awaiting-approval', 'interrupted'] as const) {
    if (input.lanes[condition] > 0) parts.push(CONDITION_WORDS[condition].count(input.lanes[condition]));
  }
  return parts.join(' · ');
}

function updateLine(update: TrayInput['update']): string | null {
  const version = update.version ? ` v${update.version}` : '';
  switch (update.phase) {
    case 'downloading':
      return `Downloading update${version}${update.progress === null ? '' : ` (${Math.round(update.progress * 100)}%)`}`;
    case 'ready':
      return `Update${version} ready${update.installWhenIdle ? ' — installs when idle' : ''}`;
    case 'installing':
      return `Installing update${version}`;
    default:
      return null;
  }
}

export function trayModel(input: TrayInput): TrayModel {
  const status = trayStatusLine(input);
  const update = updateLine(input.update);
  const tooltip = ['Baton', status, update].filter((part): part is string => part !== null).join(' — ');
  const open = !input.leaving;
  const items: TrayItem[] = [
    { action: null, label: status, enabled: false },
    { action: null, label: '-', enabled: false },
    { action: 'open', label: 'Open Baton', enabled: true },
    { action: 'new-chat', label: 'New chat', enabled: open },
    { action: null, label: '-', enabled: false },
  ];
  if (input.update.phase === 'ready') {
    const turns = liveTurns(input) > 0 ? ` (drains ${runningTurns(liveTurns(input))})` : '';
    items.push({ action: 'install-update', label: `Restart to update${turns}`, enabled: open });
    items.push({ action: 'install-when-idle', label: 'Install when idle', enabled: open && !input.update.installWhenIdle });
  } else {
    const busy = input.update.phase === 'checking' || input.update.phase === 'downloading' || input.update.phase === 'installing';
    items.push({ action: 'check-for-updates', label: input.update.phase === 'checking' ? 'Checking for updates…' : 'Check for updates', enabled: open && !busy });
  }
  items.push({ action: 'restart', label: 'Restart', enabled: open });
  items.push({ action: 'quit', label: 'Quit', enabled: true });
  return { tooltip, items };
}
