/**
 * The one condition of a conversation (SPEC L16, L20, L21, L28, L31) and every word a person reads
 * about it. A pure function of the lane summary the wire already carries (`LaneStatus`), so the
 * gateway's /status, the window's badges and banners, the tray and the CLI cannot disagree: each
 * asks `laneCondition(lane)` and words it here. "Interrupted — Resume / Discard" reaches the window
 * one way, with the lane summary (`lanes.list` and `lane` pushes), never as a separate banner.
 */
import type { LaneStatus } from './gateway-events.ts';
import { describeResumeReason } from './lifecycle.ts';

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

export interface RelaunchFacts {
  /** The version that ran before, when an update was installed since (L29); else null. */
  updatedFrom: string | null;
  version: string;
  /** Conversations resumed automatically at this launch (L20). */
  resumed: number;
}

/**
 * L29: what the relaunch did, in one sentence ("Updated to vX — N conversations resumed."), for the
 * window's startup banner and the desktop notification alike; null when there is nothing to tell.
 */
export function relaunchSummary(facts: RelaunchFacts): { title: string; text: string } | null {
  const { updatedFrom, version, resumed } = facts;
  if (updatedFrom !== null && updatedFrom !== version) {
    return { title: `Updated to v${version}`, text: `Updated to v${version}${resumed > 0 ? ` — ${conversations(resumed)} resumed` : ''}.` };
  }
  if (resumed > 0) return { title: 'Baton', text: `${conversations(resumed)} resumed where ${resumed === 1 ? 'it' : 'they'} left off.` };
  return null;
}
