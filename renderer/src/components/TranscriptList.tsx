/**
 * The conversation's rows, virtualized: only the rows in view (plus a few) are in the DOM, so a
 * 10,000-message conversation opens at once. It opens at the newest row and follows new rows
 * while the reader is at the bottom; scrolling up stops the following.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { deriveToolStatus, isTurnLive } from '../state/tool-status.ts';
import type { TranscriptItem, TranscriptModel } from '../state/transcript-model.ts';
import { pathRows } from '../state/message-versions.ts';
import { TranscriptRow, type RowActions } from './TranscriptRow.tsx';

const ESTIMATED_ROW_PX = 96;
const PINNED_SLACK_PX = 64;

interface TranscriptListProps {
  model: TranscriptModel;
  laneActive: boolean;
  actions: RowActions;
}

/** Index of the newest error no later message or answer (a retry's) superseded, or -1. */
function latestErrorIndex(items: readonly TranscriptItem[]): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const type = items[i]!.type;
    if (type === 'error') return i;
    if (type === 'user' || type === 'assistant' || type === 'tool') return -1;
  }
  return -1;
}

export function TranscriptList({ model, laneActive, actions }: TranscriptListProps) {
  // Issue 11 (L35): the rows of the current path; earlier versions are reached by their switcher.
  const rows = useMemo(() => pathRows(model), [model]);
  const items = rows.items;
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const [showJump, setShowJump] = useState(false);

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 6,
    getItemKey: (index) => items[index]?.key ?? index,
    initialOffset: () => items.length * ESTIMATED_ROW_PX,
  });

  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [totalSize, items]);

  // The box itself shrinks when a banner or the queued list appears: stay at the bottom then too.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < PINNED_SLACK_PX;
    pinned.current = atBottom;
    setShowJump(!atBottom);
  }, []);

  const jumpToLatest = () => {
    pinned.current = true;
    setShowJump(false);
    virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
  };

  const errorIndex = useMemo(() => latestErrorIndex(items), [items]);

  return (
    <div className="transcript">
      <div
        ref={scrollRef}
        className="transcript-scroll"
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label="Messages"
        aria-live="off"
        data-testid="transcript"
      >
        {items.length === 0 && <p className="transcript-empty">No messages yet. Say hello below.</p>}
        <div className="transcript-inner" style={{ height: totalSize }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index]!;
            const turnLive = isTurnLive(model, item.turnId, laneActive);
            return (
              <div
                key={row.key}
                data-index={row.index}
                ref={virtualizer.measureElement}
                className="transcript-row"
                style={{ transform: `translateY(${row.start}px)` }}
              >
                <TranscriptRow
                  item={item}
                  toolStatus={item.type === 'tool' ? deriveToolStatus(item, { turnLive }) : null}
                  cutShort={(item.type === 'assistant' || item.type === 'reasoning') && !item.final && !item.streaming && !turnLive}
                  latestError={row.index === errorIndex && !laneActive}
                  actions={actions}
                  versions={rows.versions.get(item.key) ?? null}
                  actionsEnabled={!laneActive}
                  continuable={item.key === rows.continuableKey}
                />
              </div>
            );
          })}
        </div>
      </div>
      {showJump && (
        <button type="button" className="button jump-latest" onClick={jumpToLatest}>
          ↓ Latest
        </button>
      )}
    </div>
  );
}
