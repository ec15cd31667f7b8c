/**
 * The rows a conversation shows (issue 11, L35): those on the current path, each user message or
 * answer that starts a version carrying its place among the versions (‹ 2/3 ›). Pure.
 */
import type { Fork } from '../../../shared/message-path.ts';
import type { TranscriptItem, TranscriptModel } from './transcript-model.ts';

export interface PathRows {
  items: readonly TranscriptItem[];
  /** Keyed by the row's key: the versions it switches between. */
  versions: ReadonlyMap<string, Fork>;
  /** The interruption that ended the path's last turn: it offers Continue. Null when the path ends otherwise. */
  continuableKey: string | null;
}

export function pathRows(model: Pick<TranscriptModel, 'items' | 'path'>): PathRows {
  const { path } = model;
  // A log that never forked is its own path (the common case): no copy.
  const items = path.forks.size === 0 && path.versionStarts.size === 0 ? model.items : model.items.filter((item) => path.onPath.has(item.seq));
  const versions = new Map<string, Fork>();
  if (path.forks.size > 0) {
    // A version starts at a stored event (a regenerated answer at its `branch` event, which has no
    // row): its switcher sits on the first message or answer at or after it.
    const pending = [...path.forks.values()].sort((a, b) => a.seq - b.seq);
    let next = 0;
    for (const item of items) {
      if (next >= pending.length) break;
      if ((item.type === 'user' || item.type === 'assistant') && item.seq >= pending[next]!.seq) {
        versions.set(item.key, pending[next]!);
        while (next < pending.length && pending[next]!.seq <= item.seq) next++;
      }
    }
  }
  return { items, versions, continuableKey: continuableKey(items) };
}

/** Notices and dividers after the interruption do not count; any message, tool or error does. */
function continuableKey(items: readonly TranscriptItem[]): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === 'interruption') return item.key;
    if (item.type !== 'notice' && item.type !== 'resumed') return null;
  }
  return null;
}
