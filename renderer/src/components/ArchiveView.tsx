/**
 * The Archived view (issue 11): conversations put away out of the main list, newest archived
 * first, each opened with a click and brought back with Unarchive. Search still finds them.
 */
import { useMemo } from 'react';
import { formatRelativeTime } from '../lib/time-format.ts';
import { laneLabel } from '../state/app-state.ts';
import { useAppState, useNow, useStore } from '../state/hooks.ts';
import { SideViewHead } from './TrashView.tsx';

export function ArchiveView() {
  const store = useStore();
  const lanes = useAppState((state) => state.lanes);
  const previews = useAppState((state) => state.previews);
  const openLaneKey = useAppState((state) => state.openLaneKey);
  const now = useNow(60_000);
  const archived = useMemo(
    () => [...lanes.values()].filter((lane) => (lane.archivedAt ?? null) !== null && lane.deletedAt === null).sort((a, b) => (b.archivedAt ?? 0) - (a.archivedAt ?? 0)),
    [lanes],
  );
  return (
    <div className="lane-list trash-view" aria-label="Archived conversations" data-testid="archive-view">
      <SideViewHead title="Archived" testId="archive-close" onBack={() => void store.showArchive(false)} />
      {archived.length === 0 ? (
        <p className="muted" role="status">
          No archived conversations.
        </p>
      ) : (
        <ul>
          {archived.map((lane) => {
            const label = laneLabel(lane, previews);
            return (
              <li key={lane.laneKey} className="trash-item" data-testid="archived-item" data-lane-key={lane.laneKey}>
                <button
                  type="button"
                  className="lane-item"
                  aria-current={lane.laneKey === openLaneKey ? 'page' : undefined}
                  title={label}
                  onClick={() => store.openLane(lane.laneKey)}
                >
                  <span className="lane-title">{label}</span>
                  <span className="lane-meta">Archived {formatRelativeTime(lane.archivedAt ?? now, now)}</span>
                </button>
                <button type="button" className="button" data-testid="archive-unarchive" onClick={() => void store.archiveLane(lane.laneKey, false)}>
                  Unarchive
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
