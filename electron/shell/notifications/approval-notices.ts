/**
 * L31 (issue 10): in the desktop app, an OS notification when a conversation starts waiting for an
 * approval while the window is not in front. Where the platform shows notification buttons
 * (macOS), it offers Approve / Deny, answered through the gateway's one approval route (the method
 * `approval.answer` calls); elsewhere, and on a click, it brings the window forward with that
 * conversation selected (issue 10). Once per wait.
 */
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { APPROVAL_ACTION_WORDS, approvalNoticeWords, awaitingChange } from '../../../shared/lane-condition.ts';
import type { NoticeActions } from '../adapters/notifier.ts';
import type { Notice } from './notification-words.ts';

export interface ApprovalNoticesOptions {
  notify: (notice: Notice, onClick: () => void, actions?: NoticeActions) => void;
  /** The window is shown and focused: the person sees the badge and the card already. */
  windowInFront: () => boolean;
  /** The tool calls of a lane that wait for an answer now. */
  pendingApprovals: (laneKey: string) => string[];
  /** The gateway's approval route; false when the call no longer waits. */
  answer: (laneKey: string, callId: string, approved: boolean) => boolean;
  /** Brings the window forward with this conversation selected (issue 10). */
  openConversation: (laneKey: string) => void;
  log: (message: string) => void;
}

export class ApprovalNotices {
  private readonly lanes = new Map<string, LaneStatus>();
  private awaiting: ReadonlySet<string> = new Set();
  private readonly options: ApprovalNoticesOptions;

  constructor(options: ApprovalNoticesOptions) {
    this.options = options;
  }

  /** Feed every `lane` push here. */
  onLane(lane: LaneStatus): void {
    this.lanes.set(lane.laneKey, lane);
    const change = awaitingChange(this.awaiting, this.lanes.values());
    this.awaiting = change.awaiting;
    if (change.started.length === 0 || this.options.windowInFront()) return;
    for (const laneKey of change.started) this.notify(this.lanes.get(laneKey)!);
  }

  private notify(lane: LaneStatus): void {
    const { notify, pendingApprovals, answer, openConversation, log } = this.options;
    const open = () => openConversation(lane.laneKey);
    const calls = pendingApprovals(lane.laneKey);
    // Buttons answer one call; with several waiting, the person picks in the window.
    const callId = calls.length === 1 ? calls[0]! : null;
    const actions: NoticeActions | undefined =
      callId === null
        ? undefined
        : {
            labels: [APPROVAL_ACTION_WORDS.approve, APPROVAL_ACTION_WORDS.deny],
            onAction: (index) => {
              if (index !== 0 && index !== 1) return;
              if (answer(lane.laneKey, callId, index === 0)) return;
              // Answered elsewhere, or the turn moved on: the conversation shows what happened.
              log(`The approval in "${lane.title}" was no longer waiting.`);
              open();
            },
          };
    notify(approvalNoticeWords(lane.title), open, actions);
  }
}
