/**
 * Cuts an answer that is still streaming into blocks that later text cannot change, and that
 * format as they would inside the whole text: a block ends with a blank line outside a code fence
 * and outside a `$$` math block, where the next line starts a new top-level block — not indented
 * (a list item's next paragraph, indented code) and, after a list, not a list item (a list whose
 * items are separated by blank lines is one list). Only the last block is still being written.
 * Cut points depend on the text before them and the start of the line after, so as the answer
 * grows every earlier block stays the same string, and a view formats each of them once.
 *
 * What still formats differently in blocks is found by `formatsRightInBlocks`: a reference link or
 * footnote whose definition is in another block, and raw HTML blocks, which may span blank lines.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const MATH_FENCE = /^ {0,3}\$\$/;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])([ \t]|$)/;
/** The start of a line that may still become a list item as more of it arrives. */
const LIST_ITEM_SO_FAR = /^ {0,3}(\d{1,9}|[-*+])?$/;

/** Whether a block may end before `line`, the first line after a blank line: yes, no, or wait for more of it. */
function mayCutBefore(line: string, complete: boolean, afterList: boolean): 'yes' | 'no' | 'wait' {
  if (/^[ \t]/.test(line)) return complete || line.trim() !== '' ? 'no' : 'wait';
  if (!afterList) return line === '' && !complete ? 'wait' : 'yes';
  if (LIST_ITEM.test(line)) return 'no';
  return !complete && LIST_ITEM_SO_FAR.test(line) ? 'wait' : 'yes';
}

/** Joined, the blocks are the text exactly. */
export function settledBlocks(text: string): string[] {
  const blocks: string[] = [];
  let blockStart = 0;
  let fence: { char: string; length: number } | null = null;
  let math = false;
  /** The block holds a list item: a list item after its blank line continues the list. */
  let hasList = false;
  /** Where the block would end (after its first blank line), once the line after the blank lines says so. */
  let cutAt: number | null = null;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const next = lineEnd + 1;
    const complete = lineEnd < text.length;
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length && line.slice(close[0].length).trim() === '') fence = null;
    } else if (math) {
      if (line.includes('$$')) math = false;
    } else if (line.trim() === '' && complete) {
      // A complete blank line (its newline arrived) may end the block before it; more blank lines join the next.
      if (cutAt === null && lineStart > blockStart) cutAt = next;
    } else {
      if (cutAt !== null) {
        const verdict = mayCutBefore(line, complete, hasList);
        if (verdict === 'wait') break;
        if (verdict === 'yes') {
          blocks.push(text.slice(blockStart, cutAt));
          blockStart = cutAt;
          hasList = false;
        }
        cutAt = null;
      }
      if (LIST_ITEM.test(line)) hasList = true;
      const open = FENCE.exec(line);
      // A backtick fence's info string may not hold a backtick: such a line is inline code.
      if (open && !(open[1]![0] === '`' && line.slice(open[0].length).includes('`'))) fence = { char: open[1]![0]!, length: open[1]!.length };
      else if (MATH_FENCE.test(line) && !line.trim().slice(2).includes('$$')) math = true;
    }
    lineStart = next;
  }
  if (blockStart < text.length || blocks.length === 0) blocks.push(text.slice(blockStart));
  return blocks;
}

/**
 * Whether the blocks of `text`, each formatted alone, show what the whole text formatted shows:
 * not when a line defines a reference link or footnote (its uses may be in other blocks), nor
 * when it starts a raw HTML block (which may span blank lines). A streamed answer that ends is
 * formatted whole only then.
 */
export function formatsRightInBlocks(text: string): boolean {
  return !/^ {0,3}(\[[^\]\n]+\]:|<)/m.test(text);
}

/**
 * Joins settled blocks into groups of at least `minChars` (the last group may be shorter, and the
 * block being written stays last, alone). Formatting has a cost per piece as well as per
 * character, so a burst of many short blocks is formatted as a few groups; a closed group, like a
 * settled block, never changes as the answer grows.
 */
export function groupBlocks(blocks: readonly string[], minChars: number): string[] {
  const groups: string[] = [];
  let open = '';
  for (let i = 0; i < blocks.length - 1; i++) {
    open += blocks[i]!;
    if (open.length >= minChars) {
      groups.push(open);
      open = '';
    }
  }
  if (open !== '') groups.push(open);
  if (blocks.length > 0) groups.push(blocks.at(-1)!);
  return groups;
}

/**
 * How many leading groups a view formats in this render. `formattedChars` is how much of the
 * text it had formatted: groups within it are kept as they were; the group it ends inside (the
 * one being written, grown since) is formatted again if its new text fits `budget` characters;
 * then new groups while they fit. A burst of text (a fast model, or a window that was busy) is
 * more than one frame can format: the groups beyond the count show at once as plain text, and the
 * frames after it format them, `catchUp` — at least one group each, so formatting always moves on.
 */
export function formattedGroupCount(groups: readonly string[], formattedChars: number, budget: number, catchUp: boolean): number {
  let count = 0;
  let start = 0;
  let spent = 0;
  for (const group of groups) {
    const end = start + group.length;
    // What formatting this group costs now: nothing if it is unchanged, else its new text.
    const cost = end <= formattedChars ? 0 : end - Math.max(start, formattedChars);
    if (cost > 0 && spent + cost > budget && !(catchUp && spent === 0)) break;
    spent += cost;
    count += 1;
    start = end;
  }
  return count;
}
