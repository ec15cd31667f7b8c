/**
 * Issue 10: the unified diff `write_file` shows in its card. The `diff` npm package is not in the
 * install, so this is a small line-based LCS diff: common head and tail lines are set aside first
 * (most edits touch a few lines of a file), the LCS table covers only the rest, and both the table
 * and the text are capped, so a huge rewrite costs bounded time and memory and says it was cut.
 */

export interface LineDiff {
  /** Hunks only (`@@ -a,b +c,d @@` and their lines); the card names the file itself. */
  text: string;
  added: number;
  removed: number;
  truncated: boolean;
}

export const DIFF_CONTEXT_LINES = 3;
/** Most characters of diff text kept (the result row is stored and sent with the transcript). */
export const DIFF_MAX_CHARS = 64 * 1024;
/** Most cells of the LCS table (lines × lines after the common head and tail): ~16 MB of Uint32. */
export const DIFF_MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string; oldBefore: number; newBefore: number };

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

/** Edit operations turning `a` into `b`, in order. */
function operations(a: readonly string[], b: readonly string[]): Op[] | null {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n * m > DIFF_MAX_CELLS) return null;
  // lcs[i][j]: LCS length of a[start+i..endA) and b[start+j..endB), flattened.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  const push = (kind: Op['kind'], line: string, i: number, j: number) => ops.push({ kind, line, oldBefore: i, newBefore: j });
  for (let k = 0; k < start; k++) push(' ', a[k]!, k, k);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      push(' ', a[start + i]!, start + i, start + j);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      // Removals before additions, as diff and git print a changed line.
      push('-', a[start + i]!, start + i, start + j);
      i++;
    } else {
      push('+', b[start + j]!, start + i, start + j);
      j++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) push(' ', a[endA + k]!, endA + k, endB + k);
  return ops;
}

/** Every old line removed and every new line added: for a rewrite too large to compare line by line. */
function replaceAll(a: readonly string[], b: readonly string[]): Op[] {
  return [...a.map((line, i): Op => ({ kind: '-', line, oldBefore: i, newBefore: 0 })), ...b.map((line, j): Op => ({ kind: '+', line, oldBefore: a.length, newBefore: j }))];
}

function hunkHeader(ops: readonly Op[]): string {
  const first = ops[0]!;
  const oldCount = ops.filter((op) => op.kind !== '+').length;
  const newCount = ops.filter((op) => op.kind !== '-').length;
  // Unified diff convention: an empty side names the line before it.
  const oldStart = oldCount === 0 ? first.oldBefore : first.oldBefore + 1;
  const newStart = newCount === 0 ? first.newBefore : first.newBefore + 1;
  return `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`;
}

export function unifiedDiff(oldText: string, newText: string): LineDiff {
  const a = lines(oldText);
  const b = lines(newText);
  const ops = operations(a, b) ?? replaceAll(a, b);
  const added = ops.filter((op) => op.kind === '+').length;
  const removed = ops.filter((op) => op.kind === '-').length;

  // Hunks: each change with its context; changes closer than twice the context share a hunk.
  const hunks: Op[][] = [];
  let from = -1;
  let to = -1;
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    const lo = Math.max(0, index - DIFF_CONTEXT_LINES);
    const hi = Math.min(ops.length, index + DIFF_CONTEXT_LINES + 1);
    if (from >= 0 && lo <= to) to = hi;
    else {
      if (from >= 0) hunks.push(ops.slice(from, to));
      from = lo;
      to = hi;
    }
  });
  if (from >= 0) hunks.push(ops.slice(from, to));

  let text = '';
  let truncated = false;
  for (const hunk of hunks) {
    const block = `${hunkHeader(hunk)}\n${hunk.map((op) => `${op.kind}${op.line}`).join('\n')}\n`;
    if (text.length + block.length > DIFF_MAX_CHARS) {
      truncated = true;
      const room = DIFF_MAX_CHARS - text.length;
      // Whole lines only: a cut line would read as a different change.
      if (room > 0) text += block.slice(0, block.lastIndexOf('\n', room) + 1);
      break;
    }
    text += block;
  }
  return { text, added, removed, truncated };
}
