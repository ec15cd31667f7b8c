/**
 * How tall a transcript row will be before it is drawn (issue 13). The virtualized list places
 * rows it has not measured by this guess, and a conversation opens with the rows the guesses put
 * in view: a guess too short there puts more rows in that first pass than fit, each formatted and
 * then dropped once the real heights are known; a guess a little too tall costs one more pass in
 * the same task, which adds only the rows still missing. So the guess follows the text's length,
 * rounded up.
 *
 * Figures from the window's styles (styles.css): 15 px text at line height 1.5, rows at most
 * 52 rem wide, a user's bubble 80 % of that; a narrower window wraps more, and its rows are taller
 * than guessed.
 */
import type { TranscriptItem } from '../state/transcript-model.ts';

const LINE_PX = 22.5;
/** Characters on one line of an answer, and of a user's bubble, at the widest row. */
const ANSWER_LINE_CHARS = 100;
const BUBBLE_LINE_CHARS = 90;
/** A row's padding, and what a message has around its text (bubble padding, the actions line). */
const ANSWER_FRAME_PX = 40;
const BUBBLE_FRAME_PX = 80;
/** Rows without running text: a tool card, a marker, the thinking block closed, a usage line. */
const OTHER_ROW_PX = 64;
/** Past this many lines a guess is as good as exact: the row fills the view on its own. */
const MAX_LINES = 200;

/** Lines `text` takes at `perLine` characters: each of its lines wraps on its own, a blank one counts once. */
export function wrappedLines(text: string, perLine: number): number {
  let lines = 0;
  let start = 0;
  while (start <= text.length && lines < MAX_LINES) {
    const end = text.indexOf('\n', start);
    const length = (end < 0 ? text.length : end) - start;
    lines += Math.max(1, Math.ceil(length / perLine));
    if (end < 0) break;
    start = end + 1;
  }
  return Math.min(lines, MAX_LINES);
}

/** The guessed height of a row, in CSS pixels. */
export function estimateRowPx(item: TranscriptItem): number {
  switch (item.type) {
    case 'assistant':
      return Math.ceil(ANSWER_FRAME_PX + LINE_PX * wrappedLines(item.text, ANSWER_LINE_CHARS));
    case 'user':
      return Math.ceil(BUBBLE_FRAME_PX + LINE_PX * wrappedLines(item.text, BUBBLE_LINE_CHARS));
    default:
      return OTHER_ROW_PX;
  }
}
