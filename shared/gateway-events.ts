/**
 * What the gateway tells its front ends: transcript changes, lane state and banners (L8, L16,
 * L20, L25). Environment-neutral so the renderer and every transport share the same shapes.
 */
import type { ExitReason } from './lifecycle.ts';
import type { StoredEvent } from './transcript.ts';

/** Issue 11, L35: how long a deleted conversation stays restorable in the trash. */
export const TRASH_DAYS = 30;

export type LaneActivity = 'idle' | 'starting' | 'running';

export interface LaneStatus {
  laneKey: string;
  sessionId: string;
  title: string;
  activity: LaneActivity;
  /** L31: the running turn waits for a person's answer to a tool approval. */
  awaitingApproval: boolean;
  resumePending: boolean;
  resumeReason: string | null;
  /** L21: the resume mark is older than the freshness limit, so it is offered, not resumed automatically. */
  resumeStale: boolean;
  suspended: boolean;
  queuedInputs: number;
  restartFailureCount: number;
  updatedAt: number;
  /** Issue 11: listed first in the sidebar. */
  pinned: boolean;
  /** Issue 11, L35: when the conversation went to the trash (restorable for 30 days), else null. */
  deletedAt: number | null;
  /** L34: the provider (by name) and model this conversation's next turn uses; null until chosen. */
  provider?: string | null;
  model?: string | null;
  /** L34: its agent profile; null is "Default". */
  profile?: string | null;
  /** L34: its own instructions / workspace folder over the profile's; null keeps the profile's. */
  instructions?: string | null;
  workspaceDir?: string | null;
  /** Issue 10 (activity view): when the live turn was accepted (ms since the epoch); null when none runs. */
  turnStartedAt?: number | null;
  /** Issue 10: tool calls the live turn has made so far (its steps); 0 when none runs. */
  stepCount?: number;
  /** Issue 10: the tool the live turn is asking approval for or running now, else null. */
  currentTool?: string | null;
  /** Issue 10: the tool calls waiting for the person's answer now (the activity view and `baton approve` answer them). */
  approvals?: Array<{ callId: string; tool: string }>;
  /** Issue 11: when the conversation was archived (listed in the Archived view), else null; absent from older gateways. */
  archivedAt?: number | null;
}

/**
 * What a lane's own state does not say. An interrupted or suspended conversation is no banner: it
 * is the lane's condition (shared/lane-condition.ts), carried by the lane summary.
 */
export type Banner =
  /** L8: one global banner with the countdown and the number of running turns. */
  | { kind: 'drain'; scope: 'global'; reason: ExitReason; deadline: number; runningCount: number; awaitingCount?: number; text: string }
  /** L8: one banner in each conversation whose turn is running when the drain starts. */
  | { kind: 'drain'; scope: 'lane'; laneKey: string; reason: ExitReason; deadline: number; text: string }
  /** L25: the lane was reset; the previous session can be restored with one click. */
  | { kind: 'session-reset'; laneKey: string; previousSessionId: string; text: string };

export type GatewayEvent =
  | { type: 'transcript'; laneKey: string; event: StoredEvent }
  /**
   * Streamed text travels once (issue 9 item 9). The first piece of an answer creates its
   * assistant_text row (a `transcript` event); every later piece is a delta naming that row (`seq`)
   * and where it starts in the row's text (`offset`), so a front end applies each piece exactly once
   * and sees a missed one as a gap instead of showing text with a hole in it. A `reasoning` row
   * (the model's thinking, issue 10) streams the same way, under its own `seq`.
   */
  | { type: 'text-delta'; laneKey: string; turnId: string; seq: number; offset: number; delta: string }
  /**
   * The 250 ms flush saved the row's first `length` characters (L26). It carries no text: a front
   * end holding fewer characters of that row missed deltas and fetches the transcript again. The
   * row itself is sent once more, whole, when its message ends (final, or cut short by the turn's end).
   */
  | { type: 'text-checkpoint'; laneKey: string; turnId: string; seq: number; length: number }
  /**
   * Issue 10: a piece of a running tool's output, at its offset in the output streamed so far. Its
   * `tool_output` row (`seq`) is created with the first piece and saved with the text's 250 ms flush;
   * the row goes out whole when the call ends. A front end that sees an offset beyond what it holds
   * missed a piece and reads the transcript again.
   */
  | { type: 'tool-output-delta'; laneKey: string; turnId: string; seq: number; callId: string; offset: number; delta: string }
  | { type: 'lane'; lane: LaneStatus }
  | { type: 'banner'; banner: Banner };

export type SendStatus = 'started' | 'queued' | 'interrupting' | 'queued-for-restart' | 'command';

export interface SendResult {
  status: SendStatus;
  /** Readable words for what happened (L23: "the UI says which happened"). */
  message: string;
}
