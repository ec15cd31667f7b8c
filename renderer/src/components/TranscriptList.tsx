/**
 * The conversation's rows, virtualized: only the rows in view (plus a few) are in the DOM, so a
 * 10,000-message conversation opens at once. It opens at the newest row and follows new rows
 * while the reader is at the bottom; scrolling up stops the following.
 *
 * Paging (issue 13): the model holds a page of the conversation; nearing its top asks for the
 * older page, whose rows are put above without moving what the reader sees (the scroll offset
 * grows by their height). A conversation opened at a search hit starts there, centred and marked,
 * and asks for newer pages nearing the bottom.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { deriveToolStatus, isTurnLive } from '../state/tool-status.ts';
import type { TranscriptItem, TranscriptModel } from '../state/transcript-model.ts';
import { pathRows } from '../state/message-versions.ts';
import { estimateRowPx } from '../lib/row-height.ts';
import { TranscriptRow, type RowActions } from './TranscriptRow.tsx';

/** Rows kept rendered beyond the ones in view, so scrolling shows them at once. */
const OVERSCAN_ROWS = 6;
/** Rows added to those around the view per painted frame while a conversation opens. */
const OVERSCAN_STEP = 2;
const PINNED_SLACK_PX = 64;
/** How close to the loaded rows' top or bottom (in screen heights) the next page is asked for. */
const PAGE_AHEAD_SCREENS = 1.5;

/** Issue 13: how the list asks for more of the conversation. */
export interface PagingActions {
  older(): void;
  newer(): void;
  /** The newest page, for "Latest" when the rows shown are not the newest. */
  latest(): void;
}

interface TranscriptListProps {
  model: TranscriptModel;
  laneActive: boolean;
  actions: RowActions;
  paging?: PagingActions;
}

/** The row a search hit names: the one holding that event, else the last row before it. */
function focusIndex(model: TranscriptModel, items: readonly TranscriptItem[]): number {
  if (model.focusSeq === null) return -1;
  let found = -1;
  for (let i = 0; i < items.length && items[i]!.seq <= model.focusSeq; i++) found = i;
  return found;
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

/** Row guesses, once per row version (rows are immutable; the list asks again on every change of count). */
const guessed = new WeakMap<TranscriptItem, number>();
function guessHeight(item: TranscriptItem | undefined): number {
  if (!item) return 0;
  let px = guessed.get(item);
  if (px === undefined) guessed.set(item, (px = estimateRowPx(item)));
  return px;
}

/** Runs `run` in a task after the next frame has been painted; returns a cancel. */
function afterNextPaint(run: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(run, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

export function TranscriptList({ model, laneActive, actions, paging }: TranscriptListProps) {
  // Issue 11 (L35): the rows of the current path; earlier versions are reached by their switcher.
  const rows = useMemo(() => pathRows(model), [model]);
  const items = rows.items;
  const scrollRef = useRef<HTMLDivElement>(null);
  const focused = focusIndex(model, items);
  const pinned = useRef(focused < 0);
  const [showJump, setShowJump] = useState(focused >= 0);
  /** The first row's key at the last render: when it moves down by k rows, k older rows were put above. */
  const firstKey = useRef<string | null>(items[0]?.key ?? null);
  // Issue 13: a conversation opens with the rows in view alone, so that task stays short; the rows
  // around them follow after that frame has painted, in a task of their own.
  const [overscan, setOverscan] = useState(0);
  useEffect(() => {
    if (overscan >= OVERSCAN_ROWS) return;
    return afterNextPaint(() => setOverscan(Math.min(OVERSCAN_ROWS, overscan + OVERSCAN_STEP)));
  }, [overscan]);

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => guessHeight(items[index]),
    overscan,
    getItemKey: (index) => items[index]?.key ?? index,
    initialOffset: () => {
      let offset = 0;
      for (let i = 0; i < (focused >= 0 ? focused : items.length); i++) offset += guessHeight(items[i]);
      return offset;
    },
  });

  // An older page was put above: keep the rows on screen where they were (issue 13).
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const previous = firstKey.current;
    firstKey.current = items[0]?.key ?? null;
    if (!element || previous === null || previous === firstKey.current || pinned.current) return;
    const moved = items.findIndex((item) => item.key === previous);
    if (moved <= 0) return;
    const start = virtualizer.getOffsetForIndex(moved, 'start')?.[0];
    if (start === undefined) return;
    virtualizer.scrollToOffset(element.scrollTop + start, { align: 'start' });
  }, [items, virtualizer]);

  // Opened at a search hit: that row, centred (tanstack corrects the offset as rows get measured).
  // Only a new hit moves the view (the effect hangs on focusSeq, not on the rows): rows arriving
  // later leave the reader where they are.
  const focusSeq = model.focusSeq;
  useLayoutEffect(() => {
    if (focusSeq === null || focused < 0) return;
    pinned.current = false;
    setShowJump(true);
    virtualizer.scrollToIndex(focused, { align: 'center' });
  }, [focusSeq, virtualizer]);

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
    const fromBottom = element.scrollHeight - element.scrollTop - element.clientHeight;
    const atBottom = fromBottom < PINNED_SLACK_PX && !model.hasNewer;
    pinned.current = atBottom;
    setShowJump(!atBottom);
    const ahead = element.clientHeight * PAGE_AHEAD_SCREENS;
    if (model.hasOlder && element.scrollTop < ahead) paging?.older();
    if (model.hasNewer && fromBottom < ahead) paging?.newer();
  }, [model.hasOlder, model.hasNewer, paging]);

  const jumpToLatest = () => {
    pinned.current = true;
    setShowJump(false);
    if (model.hasNewer && paging) paging.latest();
    else virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
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
                data-seq={item.seq}
                ref={virtualizer.measureElement}
                className={row.index === focused ? 'transcript-row transcript-row-focus' : 'transcript-row'}
                data-focus={row.index === focused ? 'true' : undefined}
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
