/**
 * The one condition of a conversation (SPEC L16, L20, L21, L28, L31) and every word a person reads
 * about it. A pure function of the lane summary the wire already carries (`LaneStatus`), so the
 * gateway's /status, the window's badges and banners, the tray and the CLI cannot disagree: each
 * asks `laneCondition(lane)` and words it here. "Interrupted — Resume / Discard" reaches the window
 * one way, with the lane summary (`lanes.list` and `lane` pushes), never as a separate banner.
 */
import type { LaneStatus } from './gateway-events.ts';
import { describeResumeReason } from './lifecycle.ts';
import type { ApprovalChoice } from './transcript.ts';

export const LANE_CONDITIONS = ['idle', 'running', 'awaiting-approval', 'interrupted', 'suspended'] as const;
export type LaneCondition = (typeof LANE_CONDITIONS)[number];

/** The facts the condition is derived from: all on the lane summary. */
export type LaneConditionFacts = Pick<LaneStatus, 'activity' | 'awaitingApproval' | 'resumePending' | 'suspended'>;

/**
 * - `running`: a turn is starting or running (L23).
 * - `awaiting-approval`: the running turn is blocked on a person's answer (L31); a drain cannot
 *   finish it by waiting.
 * - `suspended`: set aside after repeated interruptions; the next message starts fresh (L16, L25).
 *   Beats a resume mark (the gateway never reports both).
 * - `interrupted`: resume pending and nothing runs: the person is offered Resume / Discard (L20, L21).
 * A live turn wins over the durable flags: a lane that runs again needs no offer.
 */
export function laneCondition(lane: LaneConditionFacts): LaneCondition {
  if (lane.activity !== 'idle') return lane.awaitingApproval ? 'awaiting-approval' : 'running';
  if (lane.suspended) return 'suspended';
  if (lane.resumePending) return 'interrupted';
  return 'idle';
}

export type ConditionCounts = Record<LaneCondition, number>;

export function countConditions(lanes: Iterable<LaneConditionFacts>): ConditionCounts {
  const counts: ConditionCounts = { idle: 0, running: 0, 'awaiting-approval': 0, interrupted: 0, suspended: 0 };
  for (const lane of lanes) counts[laneCondition(lane)] += 1;
  return counts;
}

// ── words ────────────────────────────────────────────────────────────────────────────────────

interface ConditionWords {
  /** The sidebar badge; null shows none. */
  badge: string | null;
  /** The state in one word or phrase (CLI list, /status). */
  state: string;
  /** "N …" in a count line (tray, `baton status`). */
  count: (n: number) => string;
}

export const CONDITION_WORDS: { readonly [C in LaneCondition]: ConditionWords } = {
  idle: { badge: null, state: 'idle', count: (n) => `${n} idle` },
  running: { badge: 'Running', state: 'running', count: (n) => `${n} running` },
  'awaiting-approval': { badge: 'Needs you', state: 'waiting for your approval', count: (n) => `${n} ${n === 1 ? 'needs' : 'need'} you` },
  interrupted: { badge: 'Interrupted', state: 'interrupted', count: (n) => `${n} interrupted` },
  suspended: { badge: 'Suspended', state: 'suspended', count: (n) => `${n} suspended` },
};

/** The sidebar badge of a lane: its condition's, except that a turn not yet started says so. */
export function conditionBadge(lane: LaneConditionFacts): string | null {
  const condition = laneCondition(lane);
  if (condition === 'running' && lane.activity === 'starting') return 'Starting';
  return CONDITION_WORDS[condition].badge;
}

/** L20/L21: the offer shown with Resume / Discard. A stale mark (L21) was not resumed automatically. */
export function interruptedSentence(reason: string | null, stale: boolean): string {
  const why = describeResumeReason(reason);
  return stale
    ? `Interrupted by ${why} too long ago to resume automatically. Resume it, or start fresh.`
    : `Interrupted by ${why}. Resume where it left off, or discard.`;
}

/** L16: why a conversation was set aside; also stored as the transcript's notice. */
export function suspendedSentence(failures: number): string {
  const times = failures >= 2 ? `${failures} times in a row` : 'repeatedly';
  return (
    `This conversation was interrupted ${times} without finishing a turn, so Baton will not resume it automatically. ` +
    'Your next message starts a fresh session; the previous one can be restored.'
  );
}

export const AWAITING_APPROVAL_SENTENCE = 'A tool call is waiting for your approval.';

/**
 * L31: the notification when a conversation starts waiting for an approval while the window is not
 * in front (the headless window's Web Notification and the desktop's OS notification alike).
 */
export function approvalNoticeWords(conversationTitle: string, toolName: string | null = null): { title: string; body: string } {
  const title = conversationTitle.trim() || 'A conversation';
  return { title: `${title} needs you`, body: toolName ? `${toolName}: ${AWAITING_APPROVAL_SENTENCE}` : AWAITING_APPROVAL_SENTENCE };
}

/** The buttons of an approval, in the window's card and on a desktop notification alike. */
export const APPROVAL_ACTION_WORDS = { approve: 'Approve', deny: 'Deny' } as const;

/** Issue 10: the approval card's choices, and how a stored decision reads after a reload. */
export const APPROVAL_CHOICE_WORDS = {
  question: 'Run this tool?',
  once: 'Approve once',
  conversation: 'Allow in this conversation',
  always: (tool: string) => `Always allow ${tool}`,
  deny: 'Deny…',
  reasonLabel: 'Reason for denying (optional; the model sees it)',
  sendDeny: 'Deny',
  cancelDeny: 'Cancel',
} as const;

export function approvalDecisionSentence(decision: ApprovalChoice | undefined, approved: boolean, reason: string | null | undefined): string {
  if (!approved) return reason ? `Denied: ${reason}` : 'Denied';
  if (decision === 'conversation') return 'Approved for this conversation';
  if (decision === 'always') return 'Always allowed (Settings)';
  return 'Approved once';
}

/**
 * The sentence a conversation's banner shows for its condition, or null when there is nothing
 * to say (idle, running: the transcript itself shows the turn).
 */
export function conditionSentence(lane: LaneConditionFacts & Pick<LaneStatus, 'resumeReason' | 'resumeStale' | 'restartFailureCount'>): string | null {
  switch (laneCondition(lane)) {
    case 'interrupted':
      return interruptedSentence(lane.resumeReason, lane.resumeStale);
    case 'suspended':
      return suspendedSentence(lane.restartFailureCount);
    case 'awaiting-approval':
      return AWAITING_APPROVAL_SENTENCE;
    case 'idle':
    case 'running':
      return null;
  }
}

export function conversations(count: number): string {
  return `${count} conversation${count === 1 ? '' : 's'}`;
}

/** "N running turns": what a drain waits for (L8, L28, L29), in the banner, the tray and the menu alike. */
export function runningTurns(count: number): string {
  return `${count} running turn${count === 1 ? '' : 's'}`;
}

/**
 * What a drain waits for (L8, L31): "1 running turn, 1 waiting for your approval". `running` counts
 * every running turn, those blocked on an approval included; a blocked one cannot finish by waiting.
 */
export function drainTurns(running: number, awaitingApproval = 0): string {
  const waiting = Math.min(awaitingApproval, running);
  const parts: string[] = [];
  if (running - waiting > 0 || waiting === 0) parts.push(runningTurns(running - waiting));
  if (waiting > 0) parts.push(`${waiting} waiting for your approval`);
  return parts.join(', ');
}

export interface RelaunchFacts {
  /** The version that ran before, when an update was installed since (L29); else null. */
  updatedFrom: string | null;
  version: string;
  /** Conversations resumed automatically at this launch (L20). */
  resumed: number;
  /** Conversations left interrupted for the person's Resume / Discard (L20, L21); 0 when omitted. */
  needsDecision?: number;
}

/** "1 needs your decision" / "2 need your decision": an interrupted conversation after a relaunch. */
export function needDecision(count: number): string {
  return `${count} ${count === 1 ? 'needs' : 'need'} your decision`;
}

/**
 * L29: what the relaunch did, in one sentence ("Updated to vX — 2 conversations resumed · 1 needs
 * your decision."), for the window's startup banner and the desktop notification alike; null when
 * there is nothing to tell.
 */
export function relaunchSummary(facts: RelaunchFacts): { title: string; text: string } | null {
  const { updatedFrom, version, resumed } = facts;
  const decisions = facts.needsDecision ?? 0;
  const parts: string[] = [];
  if (resumed > 0) parts.push(`${conversations(resumed)} resumed`);
  if (decisions > 0) parts.push(needDecision(decisions));
  if (updatedFrom !== null && updatedFrom !== version) {
    return { title: `Updated to v${version}`, text: `Updated to v${version}${parts.length > 0 ? ` — ${parts.join(' · ')}` : ''}.` };
  }
  if (decisions > 0) return { title: 'Baton', text: `${parts.join(' · ')}.` };
  if (resumed > 0) return { title: 'Baton', text: `${conversations(resumed)} resumed where ${resumed === 1 ? 'it' : 'they'} left off.` };
  return null;
}

/**
 * The conversations the relaunch left for the person to decide on that still wait for it: one
 * resumed, discarded, deleted or continued since is no longer "needs your decision" (L29).
 */
export function stillToDecide(laneKeys: readonly string[], lanes: ReadonlyMap<string, LaneConditionFacts>): string[] {
  return laneKeys.filter((laneKey) => {
    const lane = lanes.get(laneKey);
    return lane !== undefined && laneCondition(lane) === 'interrupted';
  });
}

/** The label before each conversation the relaunch banner names and links. */
export const RELAUNCH_ITEM_WORDS = { resumed: 'Resumed', decision: 'Needs your decision' } as const;

// ── needs you first: order, filter, window title (L31, issue 10) ─────────────────────────────

/**
 * Who needs the person first: a turn waiting for an approval (it cannot go on without them), then
 * an interrupted conversation (a Resume / Discard decision), then everything else, equal.
 */
const ATTENTION_RANK: { readonly [C in LaneCondition]: number } = { 'awaiting-approval': 0, interrupted: 1, running: 2, suspended: 2, idle: 2 };

/**
 * The sidebar's first ordering: 0 when both need the person equally, so it composes with others
 * (`byAttention(a, b) || newestFirst(a, b)`; a pinned ordering can go before or after it).
 */
export function byAttention(a: LaneConditionFacts, b: LaneConditionFacts): number {
  return ATTENTION_RANK[laneCondition(a)] - ATTENTION_RANK[laneCondition(b)];
}

export const LANE_FILTERS = ['all', 'running', 'needs-you', 'interrupted'] as const;
export type LaneFilter = (typeof LANE_FILTERS)[number];

export const LANE_FILTER_LABELS: { readonly [F in LaneFilter]: string } = {
  all: 'All',
  running: 'Running',
  'needs-you': 'Needs you',
  interrupted: 'Interrupted',
};

export interface AwaitingChange {
  /** Every conversation waiting for an approval now (the next call's `before`). */
  awaiting: ReadonlySet<string>;
  /** Those that were not waiting before, in the order given. */
  started: string[];
}

/**
 * Which conversations just started waiting for the person's approval, so the window and the
 * desktop notify once per wait (not on every lane push while it lasts).
 */
export function awaitingChange(before: ReadonlySet<string>, lanes: Iterable<LaneConditionFacts & Pick<LaneStatus, 'laneKey'>>): AwaitingChange {
  const awaiting = new Set<string>();
  const started: string[] = [];
  for (const lane of lanes) {
    if (laneCondition(lane) !== 'awaiting-approval') continue;
    awaiting.add(lane.laneKey);
    if (!before.has(lane.laneKey)) started.push(lane.laneKey);
  }
  return { awaiting, started };
}

/** What the sidebar says when a filter matches no conversation. */
export const LANE_FILTER_EMPTY: { readonly [F in LaneFilter]: string } = {
  all: 'No conversations yet.',
  running: 'No conversation is running.',
  'needs-you': 'No conversation needs you.',
  interrupted: 'No conversation was interrupted.',
};

/** Whether a lane shows under a sidebar filter: each filter is one condition (All shows every lane). */
export function matchesFilter(lane: LaneConditionFacts, filter: LaneFilter): boolean {
  const condition = laneCondition(lane);
  switch (filter) {
    case 'all':
      return true;
    case 'running':
      return condition === 'running';
    case 'needs-you':
      return condition === 'awaiting-approval';
    case 'interrupted':
      return condition === 'interrupted';
  }
}

export function filterCounts(lanes: Iterable<LaneConditionFacts>): Record<LaneFilter, number> {
  const counts = countConditions(lanes);
  const all = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { all, running: counts.running, 'needs-you': counts['awaiting-approval'], interrupted: counts.interrupted };
}

/**
 * The window title: "Baton", or "Baton — 2 need you · 1 interrupted" while conversations wait for
 * the person, so the taskbar and the window switcher show it (the same count words as the tray).
 */
export function windowTitle(lanes: Iterable<LaneConditionFacts>): string {
  const counts = countConditions(lanes);
  const parts: string[] = [];
  if (counts['awaiting-approval'] > 0) parts.push(CONDITION_WORDS['awaiting-approval'].count(counts['awaiting-approval']));
  if (counts.interrupted > 0) parts.push(CONDITION_WORDS.interrupted.count(counts.interrupted));
  return parts.length === 0 ? 'Baton' : `Baton — ${parts.join(' · ')}`;
}
