/**
 * Issue 10, the activity view (L31): every running, queued, waiting and interrupted turn across
 * conversations, with its conversation (a link), step count, current tool and elapsed time, and
 * Stop / Resume / Discard / the approval choices right there. It reads the lane summaries only,
 * which the gateway pushes on every change (`lane` events), so it is live without asking.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { interruptedSentence } from '../../../shared/lane-condition.ts';
import type { ApprovalAnswer } from '../../../shared/transcript.ts';
import { ACTIVITY_WORDS, activityKind, activityLanes, formatElapsed, progressWords } from '../lib/activity.ts';
import { plural } from '../lib/time-format.ts';
import { laneLabel } from '../state/app-state.ts';
import { useAppState, useNow, useStore } from '../state/hooks.ts';
import { ApprovalChoices } from './ToolCard.tsx';

export function ActivityView({ onClose }: { onClose: () => void }) {
  const lanes = useAppState((state) => state.lanes);
  const previews = useAppState((state) => state.previews);
  const entries = activityLanes(lanes.values());
  // The elapsed times tick only while something runs.
  const now = useNow(1_000, entries.some((lane) => lane.turnStartedAt != null));
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  // A row answered or stopped from the keyboard goes away with the focus: it comes back to the view.
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) headingRef.current?.focus();
  }, [entries.length]);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    onClose();
  };

  return (
    <section className="activity" aria-labelledby="activity-title" data-testid="activity-view" onKeyDown={onKeyDown}>
      <header className="conversation-head">
        <h2 id="activity-title" tabIndex={-1} ref={headingRef}>
          Activity
        </h2>
        <button type="button" className="button" data-testid="activity-close" onClick={onClose}>
          Close
        </button>
      </header>
      {entries.length === 0 ? (
        <p className="muted activity-empty" data-testid="activity-empty">
          Nothing is running, waiting or interrupted.
        </p>
      ) : (
        <ul className="activity-list">
          {entries.map((lane) => (
            <ActivityRow key={lane.laneKey} lane={lane} label={laneLabel(lane, previews)} now={now} onOpened={onClose} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ActivityRow({ lane, label, now, onOpened }: { lane: LaneStatus; label: string; now: number; onOpened: () => void }) {
  const store = useStore();
  const connected = useAppState((state) => state.connection.state === 'open');
  const [busy, setBusy] = useState(false);
  const kind = activityKind(lane);
  if (kind === null) return null;
  const laneKey = lane.laneKey;
  const act = (action: () => Promise<void>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  const progress = progressWords(lane);
  const live = kind === 'running' || kind === 'starting' || kind === 'awaiting-approval';
  return (
    <li className={`activity-item activity-${kind}`} data-testid="activity-item" data-lane-key={laneKey} data-kind={kind}>
      <div className="activity-line">
        <button
          type="button"
          className="link-button activity-title"
          data-testid="activity-open"
          title={label}
          onClick={() => {
            store.openLane(laneKey);
            onOpened();
          }}
        >
          {label}
        </button>
        <span className={`badge badge-${kind === 'starting' ? 'running' : kind}`} data-testid="activity-kind">
          {ACTIVITY_WORDS[kind]}
        </span>
        {progress !== '' && (
          <span className="activity-progress" data-testid="activity-progress">
            {progress}
          </span>
        )}
        {lane.turnStartedAt != null && (
          <time className="activity-elapsed" data-testid="activity-elapsed" dateTime={new Date(lane.turnStartedAt).toISOString()} aria-label="Running for">
            {formatElapsed(now - lane.turnStartedAt)}
          </time>
        )}
        {lane.queuedInputs > 0 && <span className="activity-queued">{plural(lane.queuedInputs, 'message')} queued</span>}
        <span className="activity-actions">
          {live && (
            <button type="button" className="button" data-testid="activity-stop" disabled={busy || !connected} onClick={() => act(() => store.stop(laneKey))}>
              Stop
            </button>
          )}
          {kind === 'interrupted' && (
            <>
              <button type="button" className="button primary" data-testid="activity-resume" disabled={busy || !connected} onClick={() => act(() => store.resumeAccept(laneKey))}>
                Resume
              </button>
              <button type="button" className="button" data-testid="activity-discard" disabled={busy || !connected} onClick={() => act(() => store.resumeDiscard(laneKey))}>
                Discard
              </button>
            </>
          )}
        </span>
      </div>
      {kind === 'interrupted' && <p className="muted activity-note">{interruptedSentence(lane.resumeReason, lane.resumeStale)}</p>}
      {kind === 'awaiting-approval' &&
        (lane.approvals ?? []).map((approval) => (
          <div key={approval.callId} className="activity-approval" data-testid="activity-approval" data-call-id={approval.callId}>
            <span className="tool-name">{approval.tool}</span>
            <ApprovalChoices
              toolName={approval.tool}
              disabled={busy || !connected}
              onAnswer={(answer: ApprovalAnswer) => act(() => store.answerApproval(laneKey, approval.callId, answer))}
            />
          </div>
        ))}
    </li>
  );
}
