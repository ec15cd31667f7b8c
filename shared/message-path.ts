/**
 * Message versions (issue 11, L26, L35): which events of a session's append-only log make up its
 * *current path* — what the model sees on the next turn and what the window shows. One pure
 * function serves the gateway, the renderer and the export, so they can never disagree.
 *
 * The log is a tree written in order. Every event hangs under the *tip* (the last event of the
 * current path) when it is appended, except:
 * - an edited user message (`user_message.replaces = S`) hangs beside S, under S's parent;
 * - a regenerated answer starts with a `branch { fromSeq: U }` under the user message U, beside
 *   the earlier answer;
 * - `version_select { seq }` appends nothing to the tree: it makes `seq` the chosen child at every
 *   level above it, and the tip becomes the newest event below it.
 * Each node remembers its chosen child (the last appended or selected); the current path walks the
 * chosen children from the root. Earlier versions stay in the log, readable, and are reachable
 * again by a `version_select`. Nothing is rewritten or dropped (docs/message-versions.md).
 */
import type { StoredEvent } from './transcript.ts';

/** What the path needs of an event: its seq, kind and (for the three kinds above) payload. */
export type PathEvent = Pick<StoredEvent, 'seq' | 'kind' | 'payload'>;

/** Event seqs start at 1 (SQLite AUTOINCREMENT), so 0 is free for the root above the first event. */
const ROOT = 0;

/** A place where the path chose one of several versions: the siblings, oldest first, and which one is on the path. */
export interface Fork {
  /** The seq on the path that starts this version. */
  seq: number;
  versions: readonly number[];
  /** 0-based index of `seq` in `versions`. */
  index: number;
}

export interface CurrentPath {
  /** Seqs of the events on the current path, in order (never a `version_select`). */
  readonly seqs: readonly number[];
  readonly onPath: ReadonlySet<number>;
  /** Keyed by the seq on the path whose parent has more than one child. */
  readonly forks: ReadonlyMap<number, Fork>;
  /** Every seq that starts a version anywhere in the tree (a valid `version_select` target). */
  readonly versionStarts: ReadonlySet<number>;
}

class PathTree {
  readonly parent = new Map<number, number>();
  readonly children = new Map<number, number[]>();
  readonly chosen = new Map<number, number>();
  tip = ROOT;

  attach(seq: number, under: number): void {
    this.parent.set(seq, under);
    const siblings = this.children.get(under);
    if (siblings) siblings.push(seq);
    else this.children.set(under, [seq]);
    this.chosen.set(under, seq);
    this.tip = seq;
  }

  select(seq: number): void {
    if (!this.parent.has(seq)) return; // a version this log does not hold: nothing changes
    for (let node = seq; node !== ROOT; ) {
      const above = this.parent.get(node)!;
      this.chosen.set(above, node);
      node = above;
    }
    let tip = seq;
    for (let next = this.chosen.get(tip); next !== undefined; next = this.chosen.get(tip)) tip = next;
    this.tip = tip;
  }
}

/** O(n) over the events, which must come in seq order (the store's order). A seq seen twice counts once. */
export function currentPath(events: Iterable<PathEvent>): CurrentPath {
  const tree = new PathTree();
  for (const event of events) {
    if (tree.parent.has(event.seq)) continue;
    const payload = event.payload as { replaces?: number; fromSeq?: number; seq?: number };
    switch (event.kind) {
      case 'version_select':
        tree.select(payload.seq!);
        break;
      case 'user_message': {
        const replaced = payload.replaces;
        const under = replaced !== undefined ? tree.parent.get(replaced) : undefined;
        tree.attach(event.seq, under ?? tree.tip);
        break;
      }
      case 'branch':
        tree.attach(event.seq, tree.parent.has(payload.fromSeq!) ? payload.fromSeq! : tree.tip);
        break;
      default:
        tree.attach(event.seq, tree.tip);
    }
  }
  const seqs: number[] = [];
  const forks = new Map<number, Fork>();
  for (let node = tree.chosen.get(ROOT), above = ROOT; node !== undefined; above = node, node = tree.chosen.get(node)) {
    seqs.push(node);
    const versions = tree.children.get(above)!;
    if (versions.length > 1) forks.set(node, { seq: node, versions, index: versions.indexOf(node) });
  }
  const versionStarts = new Set<number>();
  for (const versions of tree.children.values()) if (versions.length > 1) versions.forEach((seq) => versionStarts.add(seq));
  return { seqs, onPath: new Set(seqs), forks, versionStarts };
}

/** The events on the current path, in order: the history a model request is built from. */
export function pathEvents<E extends PathEvent>(events: readonly E[]): E[] {
  const { onPath } = currentPath(events);
  return events.filter((event) => onPath.has(event.seq));
}

/** The user message a turn on the path answers: the last one on the path at or before `seq`. */
export function userMessageAtOrBefore<E extends PathEvent>(path: readonly E[], seq: number): E | null {
  let found: E | null = null;
  for (const event of path) {
    if (event.seq > seq) break;
    if (event.kind === 'user_message') found = event;
  }
  return found;
}
