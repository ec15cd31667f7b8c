/**
 * What model output may ask of the markdown pipeline (R4, issue 14 item 3). The pipeline
 * (micromark → mdast → hast → React, with GFM, math and highlighting) recurses once per nesting
 * level and does quadratic work on some nestings, so a 3 KB answer could overflow the stack and a
 * 20 KB one could hold the window for a minute. Every answer is checked here first, in one linear
 * pass over its text, and an answer over any limit is shown as plain text instead.
 *
 * Measured on the pipeline as configured in components/Markdown.tsx (Node 24, one busy core):
 * - `>` × 3,000 and `- ` × 1,000 overflow the stack (mdast-util-to-hast, unist-util-visit);
 *   `*a ` × 3,000 and `**a ` × 3,000 too. Lists nested by indentation take 0.3 s at 100 levels and
 *   3.5 s at 300 (quadratic).
 * - Nested link/image labels are quadratic: `[a` × 3,000 + `](x)` × 3,000 takes 7 s, with `![a`
 *   48 s.
 * - A GFM table pads every row to the header's width: a 1,000-column header and 1,000 one-cell
 *   rows (8 KB) became 1,000,000 cells, 9 MB of HTML and 51 s.
 * - KaTeX costs about 3 ms a formula: `$x$ ` × 3,000 took 9 s; one `$$` block of `x^2 + ` ×
 *   10,000 (60 KB) became 6.8 MB of HTML in 12 s.
 * - Ordinary markdown costs about 30 ms per KB, and more per line for many short lines.
 * The limits below sit far under those figures and far over anything a real answer contains.
 *
 * Every measure only grows as text is appended, so a streaming answer changes from formatted to
 * plain at most once and never back (the same guard runs on every partial text).
 */

export interface MarkdownLimits {
  /** Characters in the whole answer. */
  maxChars: number;
  /** Lines in the whole answer. */
  maxLines: number;
  /** Block containers (`>` quotes, list items) one line sits in, by markers and indentation. */
  maxContainerDepth: number;
  /** Open `[` not yet closed, within one block (link and image labels, footnote references). */
  maxBracketDepth: number;
  /** Emphasis delimiters (`*`, `_`, `~`) opened and not yet closed, within one block. */
  maxEmphasisDepth: number;
  /** `$` signs outside fenced code: each pair is a KaTeX formula. */
  maxMathDelimiters: number;
  /** Characters inside math (`$…$` spans and `$$` blocks): KaTeX's output is ~100× its input. */
  maxMathChars: number;
  /** Table cells, counted as the table's column count times its rows. */
  maxTableCells: number;
}

export const MARKDOWN_LIMITS: Readonly<MarkdownLimits> = Object.freeze({
  maxChars: 100_000,
  maxLines: 5_000,
  maxContainerDepth: 32,
  maxBracketDepth: 32,
  maxEmphasisDepth: 100,
  maxMathDelimiters: 500,
  maxMathChars: 8_000,
  maxTableCells: 10_000,
});

/** For a renderer that must not format at all (tests of what happens without the guard). */
export const NO_MARKDOWN_LIMITS: Readonly<MarkdownLimits> = Object.freeze({
  maxChars: Infinity,
  maxLines: Infinity,
  maxContainerDepth: Infinity,
  maxBracketDepth: Infinity,
  maxEmphasisDepth: Infinity,
  maxMathDelimiters: Infinity,
  maxMathChars: Infinity,
  maxTableCells: Infinity,
});

export type MarkdownLimitName = keyof MarkdownLimits;

export type MarkdownVerdict = { ok: true } | { ok: false; limit: MarkdownLimitName; found: number };

const TAB_WIDTH = 4;
/** Indentation per nesting level counted: generous, since code is indented too. */
const INDENT_PER_LEVEL = 4;

/** Character codes the scan looks at. */
const Code = {
  Tab: 9,
  Newline: 10,
  Space: 32,
  Dollar: 36,
  RightParen: 41,
  Star: 42,
  Plus: 43,
  Dash: 45,
  Dot: 46,
  Digit0: 48,
  Digit9: 57,
  Colon: 58,
  Greater: 62,
  LeftBracket: 91,
  Backslash: 92,
  RightBracket: 93,
  Underscore: 95,
  Backtick: 96,
  Pipe: 124,
  Tilde: 126,
} as const;

function isSpace(code: number): boolean {
  return code === Code.Space || code === Code.Tab || code === Code.Newline || code === 13 || Number.isNaN(code);
}

function isPunctuation(code: number): boolean {
  return (code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126);
}

/** Per-block state: reset at a blank line, where inline nesting cannot continue. */
interface BlockState {
  brackets: number;
  emphasis: number;
  /** An inline `$` span is open, and how many characters it holds so far. */
  mathOpen: boolean;
  mathPending: number;
  /** Columns of the table this line belongs to, or 0 outside a table. */
  tableColumns: number;
}

/**
 * Checks `text` against `limits` in one pass. Measures are upper bounds: they may count nesting
 * the parser would not build (then a strange answer is shown as plain text), never less than it
 * builds.
 */
export function checkMarkdownLimits(text: string, limits: Readonly<MarkdownLimits> = MARKDOWN_LIMITS): MarkdownVerdict {
  if (text.length > limits.maxChars) return { ok: false, limit: 'maxChars', found: text.length };

  let lines = 0;
  let dollars = 0;
  let tableCells = 0;
  let fence: OpenFence | null = null;
  const block: BlockState = { brackets: 0, emphasis: 0, mathOpen: false, mathPending: 0, tableColumns: 0 };
  const math = { chars: 0, inBlock: false };

  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lines++;
    if (lines > limits.maxLines) return { ok: false, limit: 'maxLines', found: lines };

    // Checked on every line, code included: the containers around a fence can close under it.
    const prefix = readPrefix(text, start, end);
    if (prefix.depth > limits.maxContainerDepth) return { ok: false, limit: 'maxContainerDepth', found: prefix.depth };

    const contentStart = prefix.contentStart;
    const fenceHere = fenceAt(text, contentStart, end);
    if (fence !== null && contentStart === end) {
      // A blank line inside a fence: still code.
    } else if (fence !== null && stillInFence(fence, prefix)) {
      if (fenceHere !== null && fenceHere.char === fence.char && fenceHere.length >= fence.length && fenceHere.closingOnly) fence = null;
    } else if (fenceHere !== null && !math.inBlock) {
      // (Inside a `$$` block a fence is math text, not code: it must not hide what follows.)
      fence = { char: fenceHere.char, length: fenceHere.length, quotes: prefix.quotes, width: contentStart - start };
      resetBlock(block);
    } else if (contentStart === end) {
      // A blank line (after its container markers) ends the block.
      fence = null;
      resetBlock(block);
    } else {
      // Outside any fence, or maybe no longer in one: scanning too much only overcounts.
      fence = null;
      const verdict = scanInline(text, contentStart, end, block, limits);
      if (verdict !== null) return verdict;
      const columns = tableDelimiterColumns(text, contentStart, end);
      if (columns > 0) {
        // The header row above is counted too.
        block.tableColumns = columns;
        tableCells += columns;
      }
      if (block.tableColumns > 0) {
        tableCells += block.tableColumns;
        if (tableCells > limits.maxTableCells) return { ok: false, limit: 'maxTableCells', found: tableCells };
      }
      dollars += countDollars(text, contentStart, end);
      if (dollars > limits.maxMathDelimiters) return { ok: false, limit: 'maxMathDelimiters', found: dollars };
      const startsMathBlock = text.startsWith('$$', contentStart);
      const closesOnLine = startsMathBlock && hasDoubleDollar(text, contentStart + 2, end);
      if (math.inBlock || (startsMathBlock && !closesOnLine)) {
        // A `$$` block runs like a fence: every line of it is math, to its closing `$$` or the end.
        math.chars += end - contentStart;
        math.inBlock = !(math.inBlock && startsMathBlock);
      } else {
        math.chars += inlineMathChars(text, contentStart, end, block);
      }
      if (math.chars > limits.maxMathChars) return { ok: false, limit: 'maxMathChars', found: math.chars };
    }
    start = end + 1;
  }
  return { ok: true };
}

/** A fenced code block being skipped: its fence, and the line prefix it sits behind. */
interface OpenFence {
  char: number;
  length: number;
  /** `>` markers before the fence. */
  quotes: number;
  /** Width of everything before the fence (quote markers, list markers, indentation). */
  width: number;
}

interface LinePrefix {
  /** Containers this line sits in, by markers and indentation (an upper bound). */
  depth: number;
  quotes: number;
  /** Width of the leading run of spaces, tabs and `>` (list markers end it). */
  quoteIndentWidth: number;
  contentStart: number;
}

/** The container prefix of a line: `>` markers, list markers and indentation, in any mix. */
function readPrefix(text: string, start: number, end: number): LinePrefix {
  let markers = 0;
  let quotes = 0;
  let indent = 0;
  let quoteIndentWidth = -1;
  let i = start;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === Code.Space || code === Code.Tab) {
      indent += code === Code.Tab ? TAB_WIDTH : 1;
      i++;
    } else if (code === Code.Greater) {
      markers++;
      quotes++;
      i++;
    } else if ((code === Code.Dash || code === Code.Star || code === Code.Plus) && i + 1 < end && isSpace(text.charCodeAt(i + 1))) {
      if (quoteIndentWidth < 0) quoteIndentWidth = i - start;
      markers++;
      i += 2;
    } else if (code >= Code.Digit0 && code <= Code.Digit9) {
      let j = i;
      while (j < end && j - i < 9 && isDigit(text.charCodeAt(j))) j++;
      const after = text.charCodeAt(j);
      if ((after === Code.Dot || after === Code.RightParen) && j + 1 < end && isSpace(text.charCodeAt(j + 1))) {
        if (quoteIndentWidth < 0) quoteIndentWidth = i - start;
        markers++;
        i = j + 2;
      } else break;
    } else break;
  }
  if (quoteIndentWidth < 0) quoteIndentWidth = i - start;
  return { depth: markers + Math.floor(indent / INDENT_PER_LEVEL), quotes, quoteIndentWidth, contentStart: Math.min(i, end) };
}

/**
 * Whether a line certainly continues the containers an open fence sits in (then it is code). A
 * line that keeps the fence's quote markers and is indented past its list markers does; any
 * other line may have closed them, and with them the fence, so it is scanned as markdown.
 */
function stillInFence(fence: OpenFence, prefix: LinePrefix): boolean {
  return prefix.quotes >= fence.quotes && prefix.quoteIndentWidth >= fence.width;
}

function isDigit(code: number): boolean {
  return code >= Code.Digit0 && code <= Code.Digit9;
}

function resetBlock(block: BlockState): void {
  block.brackets = 0;
  block.emphasis = 0;
  block.mathOpen = false;
  block.mathPending = 0;
  block.tableColumns = 0;
}

/** A code fence (3+ backticks or tildes) starting at `from`, or null. */
function fenceAt(text: string, from: number, end: number): { char: number; length: number; closingOnly: boolean } | null {
  const char = text.charCodeAt(from);
  if (char !== Code.Backtick && char !== Code.Tilde) return null;
  let j = from;
  while (j < end && text.charCodeAt(j) === char) j++;
  const length = j - from;
  if (length < 3) return null;
  let closingOnly = true;
  for (let k = j; k < end; k++) {
    const code = text.charCodeAt(k);
    // A backtick in a backtick fence's info string makes the line inline code, not a fence.
    if (char === Code.Backtick && code === Code.Backtick) return null;
    if (!isSpace(code)) closingOnly = false;
  }
  return { char, length, closingOnly };
}

/**
 * Brackets and emphasis within one line, carried across the lines of a block. A delimiter run
 * that can open (left-flanking) adds its length, one that can only close takes it away; the
 * running balance bounds how deep the parser can nest.
 */
function scanInline(text: string, from: number, end: number, block: BlockState, limits: Readonly<MarkdownLimits>): MarkdownVerdict | null {
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === Code.Backslash) {
      i++;
    } else if (code === Code.LeftBracket) {
      block.brackets++;
      if (block.brackets > limits.maxBracketDepth) return { ok: false, limit: 'maxBracketDepth', found: block.brackets };
    } else if (code === Code.RightBracket) {
      if (block.brackets > 0) block.brackets--;
    } else if (code === Code.Star || code === Code.Underscore || code === Code.Tilde) {
      let j = i;
      while (j < end && text.charCodeAt(j) === code) j++;
      const length = j - i;
      const before = i === from ? Code.Space : text.charCodeAt(i - 1);
      const after = j === end ? Code.Space : text.charCodeAt(j);
      // CommonMark's flanking rules, enough to tell openers from closers.
      const leftFlanking = !isSpace(after) && (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
      const rightFlanking = !isSpace(before) && (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
      const intrawordUnderscore = code === Code.Underscore && leftFlanking && rightFlanking && !isPunctuation(before) && !isPunctuation(after);
      if (leftFlanking && !intrawordUnderscore) {
        block.emphasis += length;
        if (block.emphasis > limits.maxEmphasisDepth) return { ok: false, limit: 'maxEmphasisDepth', found: block.emphasis };
      } else if (rightFlanking && !intrawordUnderscore) {
        block.emphasis = Math.max(0, block.emphasis - length);
      }
      i = j - 1;
    }
  }
  return null;
}

/** Columns of a GFM table delimiter row (`| --- | :-: |`), or 0 when the line is not one. */
function tableDelimiterColumns(text: string, from: number, end: number): number {
  let cells = 0;
  let dashes = 0;
  let pipes = 0;
  let sawCellContent = false;
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === Code.Pipe) {
      pipes++;
      if (sawCellContent) cells++;
      if (sawCellContent && dashes === 0) return 0;
      sawCellContent = false;
      dashes = 0;
    } else if (code === Code.Dash) {
      dashes++;
      sawCellContent = true;
    } else if (code === Code.Colon) {
      sawCellContent = true;
    } else if (code !== Code.Space && code !== Code.Tab) {
      return 0;
    }
  }
  if (sawCellContent) {
    if (dashes === 0) return 0;
    cells++;
  }
  // A single `---` with no pipe is a thematic break or a setext underline, not a table.
  return pipes > 0 ? cells : 0;
}

/** Characters of the `$…$` spans this line closes (a span left open at the block's end is no math). */
function inlineMathChars(text: string, from: number, end: number, block: BlockState): number {
  let closed = 0;
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === Code.Backslash) {
      if (block.mathOpen) block.mathPending += 2;
      i++;
    } else if (code === Code.Dollar) {
      while (i + 1 < end && text.charCodeAt(i + 1) === Code.Dollar) i++;
      if (block.mathOpen) closed += block.mathPending;
      block.mathOpen = !block.mathOpen;
      block.mathPending = 0;
    } else if (block.mathOpen) {
      block.mathPending++;
    }
  }
  // A span may go on over the next line of the block.
  if (block.mathOpen) block.mathPending++;
  return closed;
}

function hasDoubleDollar(text: string, from: number, end: number): boolean {
  for (let i = from; i + 1 < end; i++) if (text.charCodeAt(i) === Code.Dollar && text.charCodeAt(i + 1) === Code.Dollar) return true;
  return false;
}

function countDollars(text: string, from: number, end: number): number {
  let count = 0;
  for (let i = from; i < end; i++) if (text.charCodeAt(i) === Code.Dollar) count++;
  return count;
}
