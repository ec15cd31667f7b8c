/**
 * The Trash (issue 11, L35): deleted conversations with when they were deleted and a Restore
 * button; each is purged 30 days after its deletion.
 */
import { TRASH_DAYS } from '../../../shared/gateway-events.ts';
import { formatRelativeTime } from '../lib/time-format.ts';
import { laneLabel } from '../state/app-state.ts';
import { useAppState, useNow, useStore } from '../state/hooks.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function TrashView() {
  const store = useStore();
  const trash = useAppState((state) => state.trash);
  const previews = useAppState((state) => state.previews);
  const now = useNow(60_000);
  if (trash === null) return null;
  return (
    <div className="lane-list trash-view" aria-label="Trash" data-testid="trash-view">
      <SideViewHead title="Trash" testId="trash-close" onBack={() => void store.showTrash(false)} />
      <p className="muted">Deleted conversations are kept for {TRASH_DAYS} days, then removed.</p>
      {trash.length === 0 ? (
        <p className="muted" role="status">
          The trash is empty.
        </p>
      ) : (
        <ul>
          {trash.map((lane) => {
            const label = laneLabel(lane, previews);
            const daysLeft = Math.max(0, Math.ceil(((lane.deletedAt ?? now) + TRASH_DAYS * DAY_MS - now) / DAY_MS));
            return (
              <li key={lane.laneKey} className="trash-item" data-testid="trash-item" data-lane-key={lane.laneKey}>
                <span className="lane-title" title={label}>
                  {label}
                </span>
                <span className="lane-meta">
                  Deleted {formatRelativeTime(lane.deletedAt ?? now, now)} · {daysLeft} {daysLeft === 1 ? 'day' : 'days'} left
                </span>
                <button type="button" className="button" data-testid="trash-restore" onClick={() => void store.restoreLane(lane.laneKey)}>
                  Restore
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** The title and Back button of a view that takes the conversation list's place (Trash, Archived). */
export function SideViewHead({ title, testId, onBack }: { title: string; testId: string; onBack: () => void }) {
  return (
    <div className="trash-head">
      <h2>{title}</h2>
      <button type="button" className="button" data-testid={testId} onClick={onBack}>
        Back
      </button>
    </div>
  );
}
