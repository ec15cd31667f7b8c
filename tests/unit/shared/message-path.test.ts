/**
 * Issue 11 message versions (L26, L35): the current path through a session's append-only log.
 * Table tests of the one pure function the gateway (model request), the window and the export share.
 */
import { describe, expect, it } from 'vitest';
import { currentPath, pathEvents, userMessageAtOrBefore, type PathEvent } from '../../../shared/message-path.ts';

const user = (seq: number, text: string, replaces?: number): PathEvent => ({ seq, kind: 'user_message', payload: { text, ...(replaces !== undefined ? { replaces } : {}) } });
const answer = (seq: number, text: string): PathEvent => ({ seq, kind: 'assistant_text', payload: { text, final: true } });
const branch = (seq: number, fromSeq: number): PathEvent => ({ seq, kind: 'branch', payload: { fromSeq } });
const select = (seq: number, target: number): PathEvent => ({ seq, kind: 'version_select', payload: { seq: target } });
const notice = (seq: number): PathEvent => ({ seq, kind: 'notice', payload: { code: 'help', text: 'help' } });

interface Row {
  name: string;
  log: PathEvent[];
  path: number[];
  /** seq on the path → [versions, index] */
  forks: Record<number, [number[], number]>;
}

const rows: Row[] = [
  { name: 'a linear log is its own path', log: [user(1, 'a'), answer(2, 'A'), notice(3), user(4, 'b'), answer(5, 'B')], path: [1, 2, 3, 4, 5], forks: {} },
  {
    name: 'an edit of an early message drops what followed it from the path',
    log: [user(1, 'a'), answer(2, 'A'), user(3, 'b'), answer(4, 'B'), user(5, 'a2', 1), answer(6, 'A2')],
    path: [5, 6],
    forks: { 5: [[1, 5], 1] },
  },
  {
    name: 'an edit of the second message keeps the first exchange',
    log: [user(1, 'a'), answer(2, 'A'), user(3, 'b'), answer(4, 'B'), user(5, 'b2', 3), answer(6, 'B2')],
    path: [1, 2, 5, 6],
    forks: { 5: [[3, 5], 1] },
  },
  {
    name: 'regenerate twice: three versions of the answer under one message',
    log: [user(1, 'a'), answer(2, 'A1'), branch(3, 1), answer(4, 'A2'), branch(5, 1), answer(6, 'A3')],
    path: [1, 5, 6],
    forks: { 5: [[2, 3, 5], 2] },
  },
  {
    name: 'switch back to version 1 brings back the turns that followed it',
    log: [user(1, 'a'), answer(2, 'A1'), user(3, 'b'), answer(4, 'B'), branch(5, 1), answer(6, 'A2'), select(7, 2)],
    path: [1, 2, 3, 4],
    forks: { 2: [[2, 5], 0] },
  },
  {
    name: 'a message after switching continues the chosen version',
    log: [user(1, 'a'), answer(2, 'A1'), branch(3, 1), answer(4, 'A2'), select(5, 2), user(6, 'b'), answer(7, 'B')],
    path: [1, 2, 6, 7],
    forks: { 2: [[2, 3], 0] },
  },
  {
    name: 'switching to the newest version again restores its path',
    log: [user(1, 'a'), answer(2, 'A1'), branch(3, 1), answer(4, 'A2'), select(5, 2), select(6, 3)],
    path: [1, 3, 4],
    forks: { 3: [[2, 3], 1] },
  },
  {
    name: 'an edit inside an earlier version forks that version only',
    log: [user(1, 'a'), answer(2, 'A'), user(3, 'a2', 1), answer(4, 'A2'), select(5, 1), user(6, 'b'), answer(7, 'B'), user(8, 'b2', 6)],
    path: [1, 2, 8],
    forks: { 1: [[1, 3], 0], 8: [[6, 8], 1] },
  },
  {
    name: 'a select naming an unknown seq changes nothing',
    log: [user(1, 'a'), answer(2, 'A'), select(3, 99)],
    path: [1, 2],
    forks: {},
  },
  {
    name: 'a row seen twice (a streamed answer grown in place) counts once',
    log: [user(1, 'a'), answer(2, 'A'), answer(2, 'A!'), user(3, 'b')],
    path: [1, 2, 3],
    forks: {},
  },
];

describe('L35 current path through an append-only log (issue 11)', () => {
  it.each(rows)('$name', ({ log, path, forks }) => {
    const result = currentPath(log);
    expect(result.seqs).toEqual(path);
    const got = Object.fromEntries([...result.forks].map(([seq, fork]) => [seq, [fork.versions, fork.index]]));
    expect(got).toEqual(forks);
    // Every version start is a valid target for a switch.
    for (const [versions] of Object.values(forks)) for (const seq of versions) expect(result.versionStarts.has(seq)).toBe(true);
  });

  it('pathEvents keeps the events of the path in log order and the user message of a turn is found on it', () => {
    const log = [user(1, 'a'), answer(2, 'A1'), branch(3, 1), answer(4, 'A2')];
    const path = pathEvents(log);
    expect(path.map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(userMessageAtOrBefore(path, 4)?.seq).toBe(1);
    expect(userMessageAtOrBefore(path, 0)).toBeNull();
  });
});
