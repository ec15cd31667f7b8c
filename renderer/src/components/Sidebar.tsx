/**
 * The conversations — who needs you first, then pinned, then newest activity — with their state at
 * a glance; a filter by condition; search; New chat; the Trash and the Archived view (issues 10, 11).
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { filterCounts, LANE_FILTER_EMPTY, LANE_FILTER_LABELS, LANE_FILTERS, laneCondition, matchesFilter, type LaneFilter } from '../../../shared/lane-condition.ts';
import { activityCount } from '../lib/activity.ts';
import { laneBadges } from '../lib/lane-badges.ts';
import { NotificationsOffer } from './NeedsYou.tsx';
import { formatRelativeTime } from '../lib/time-format.ts';
import { laneLabel, sortedLanes } from '../state/app-state.ts';
import { useAppState, useNow, useStore } from '../state/hooks.ts';
import { LaneItem } from './LaneItem.tsx';
import { UndoDeleteToast } from './UndoDeleteToast.tsx';

// The Trash and Archived views load when first opened (issue 13: the window's initial JS stays small).
const TrashView = lazy(() => import('./TrashView.tsx').then((module) => ({ default: module.TrashView })));
const ArchiveView = lazy(() => import('./ArchiveView.tsx').then((module) => ({ default: module.ArchiveView })));

/** `activityOpen` / `onToggleActivity`: the activity view's entry (issue 10), shown in the main area by App. */
export function Sidebar({ onOpenSettings, activityOpen = false, onToggleActivity }: { onOpenSettings: () => void; activityOpen?: boolean; onToggleActivity?: () => void }) {
  const store = useStore();
  const connected = useAppState((state) => state.connection.state === 'open');
  const allLanes = useAppState((state) => state.lanes);
  // Issue 11: archived conversations are kept in the state (so they open from search) but listed only in the Archived view.
  const lanes = useMemo(() => new Map([...allLanes].filter(([, lane]) => (lane.archivedAt ?? null) === null)), [allLanes]);
  const previews = useAppState((state) => state.previews);
  const openLaneKey = useAppState((state) => state.openLaneKey);
  const search = useAppState((state) => state.search);
  const now = useNow(30_000);
  const searchRef = useRef<HTMLInputElement>(null);
  // L31: who needs the person first, and a filter by condition with its counts.
  const [filter, setFilter] = useState<LaneFilter>('all');
  const counts = useMemo(() => filterCounts(lanes.values()), [lanes]);
  const active = useMemo(() => activityCount(lanes.values()), [lanes]);
  const ordered = useMemo(() => sortedLanes(lanes).filter((lane) => matchesFilter(lane, filter)), [lanes, filter]);
  // A conversation opened elsewhere (New chat, a notification, the relaunch banner) is never hidden
  // by the filter; choosing a filter that hides the open one is the person's choice and stays.
  const shownOpen = useRef(openLaneKey);
  useEffect(() => {
    if (shownOpen.current === openLaneKey) return;
    shownOpen.current = openLaneKey;
    const open = openLaneKey === null ? undefined : lanes.get(openLaneKey);
    if (open && !matchesFilter(open, filter)) setFilter('all');
  }, [openLaneKey, lanes, filter]);
  const searching = search.query.trim() !== '';
  const trashOpen = useAppState((state) => state.trash !== null);
  const archiveOpen = useAppState((state) => state.archiveOpen) && !trashOpen;
  const listRef = useRef<HTMLDivElement>(null);
  // Issue 11: the open conversation stays in view, however it was opened.
  useEffect(() => {
    listRef.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest' });
  }, [openLaneKey, ordered]);

  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="sidebar-top">
        <h1 className="brand">Baton</h1>
        {/* A conversation is made by Baton: while the window is not connected yet (or Baton is
            restarting) the button waits instead of failing with an error. */}
        <button
          type="button"
          className="button primary"
          data-testid="new-chat"
          disabled={!connected}
          title={connected ? undefined : 'Waiting for Baton…'}
          onClick={() => void store.newChat()}
        >
          + New chat
        </button>
      </div>
      <div className="search" role="search">
        <input
          ref={searchRef}
          type="search"
          value={search.query}
          placeholder="Search conversations"
          aria-label="Search conversations"
          data-testid="search-input"
          onChange={(event) => store.search(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') store.search('');
          }}
        />
      </div>
      {onToggleActivity && (
        <div className="activity-entry">
          <button type="button" className="button" data-testid="activity-button" data-count={active} aria-pressed={activityOpen} onClick={onToggleActivity}>
            Activity <span className="lane-filter-count">{active}</span>
          </button>
        </div>
      )}
      {!searching && !trashOpen && !archiveOpen && <ConditionFilter filter={filter} counts={counts} onChange={setFilter} />}
      {trashOpen ? (
        <Suspense fallback={null}>
          <TrashView />
        </Suspense>
      ) : searching ? (
        <div className="lane-list" aria-label="Search results" aria-busy={search.pending}>
          {search.results === null ? (
            <p className="muted">Searching…</p>
          ) : search.results.length === 0 ? (
            <p className="muted" role="status">
              No conversation mentions “{search.query.trim()}”.
            </p>
          ) : (
            <ul>
              {search.results.map((result) => (
                <li key={result.laneKey}>
                  <button
                    type="button"
                    className="lane-item"
                    data-testid="search-result"
                    data-lane-key={result.laneKey}
                    aria-current={result.laneKey === openLaneKey ? 'page' : undefined}
                    onClick={() => {
                      store.openSearchResult(result);
                      store.search('');
                    }}
                  >
                    <span className="lane-title" title={result.title || undefined}>
                      {result.title || 'Untitled conversation'}
                    </span>
                    <SearchSnippet snippet={result.snippet} highlights={result.highlights} />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : archiveOpen ? (
        <Suspense fallback={null}>
          <ArchiveView />
        </Suspense>
      ) : (
        // A conversation chosen in the list shows instead of the activity view, even the one already open.
        <div className="lane-list" ref={listRef} onClick={(event) => {
          if (activityOpen && (event.target as HTMLElement).closest('[data-testid="lane-item"]')) onToggleActivity?.();
        }}>
          {ordered.length === 0 ? (
            <p className="muted" data-testid="lane-filter-empty">
              {LANE_FILTER_EMPTY[filter]}
            </p>
          ) : (
            <ul>
              {ordered.map((lane) => {
                const label = laneLabel(lane, previews);
                const badges = laneBadges(lane);
                return (
                  <LaneItem
                    key={lane.laneKey}
                    lane={lane}
                    label={label}
                    current={lane.laneKey === openLaneKey}
                    condition={laneCondition(lane)}
                    ariaLabel={[label, ...badges.map((badge) => badge.label)].join(', ')}
                    meta={
                      <span className="lane-meta">
                        <time dateTime={new Date(lane.updatedAt).toISOString()}>{formatRelativeTime(lane.updatedAt, now)}</time>
                        {badges.map((badge) => (
                          <span key={badge.kind} className={`badge badge-${badge.kind}`} data-testid={`badge-${badge.kind}`}>
                            {badge.label}
                          </span>
                        ))}
                      </span>
                    }
                  />
                );
              })}
            </ul>
          )}
        </div>
      )}
      <UndoDeleteToast />
      <div className="sidebar-bottom">
        <NotificationsOffer />
        <button type="button" className="button" data-testid="settings-button" onClick={onOpenSettings}>
          ⚙ Settings
        </button>
        <button type="button" className="button" data-testid="archive-button" aria-pressed={archiveOpen} onClick={() => void store.showArchive(!archiveOpen)}>
          Archived
        </button>
        <button type="button" className="button" data-testid="trash-button" aria-pressed={trashOpen} onClick={() => void store.showTrash(!trashOpen)}>
          Trash
        </button>
      </div>
    </nav>
  );
}

/** Issue 13: the snippet, centred on the hit by the gateway, with the matched words marked. */
function SearchSnippet({ snippet, highlights = [] }: { snippet: string; highlights?: ReadonlyArray<readonly [number, number]> | undefined }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at || end > snippet.length) continue;
    parts.push(snippet.slice(at, start), <mark key={start}>{snippet.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(snippet.slice(at));
  return <span className="lane-snippet search-snippet">{parts}</span>;
}

/** L31: All / Running / Needs you / Interrupted, each with how many conversations it shows. */
function ConditionFilter({ filter, counts, onChange }: { filter: LaneFilter; counts: Record<LaneFilter, number>; onChange: (filter: LaneFilter) => void }) {
  return (
    <div className="lane-filter" role="group" aria-label="Show conversations">
      {LANE_FILTERS.map((option) => (
        <button
          key={option}
          type="button"
          data-testid="lane-filter"
          data-filter={option}
          data-count={counts[option]}
          aria-pressed={option === filter}
          onClick={() => onChange(option)}
        >
          {LANE_FILTER_LABELS[option]} <span className="lane-filter-count">{counts[option]}</span>
        </button>
      ))}
    </div>
  );
}
