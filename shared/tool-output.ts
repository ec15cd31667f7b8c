/**
 * Live tool output (issue 10, L26): what a `tool_output` row keeps of a command's output, and how a
 * piece streamed at an offset joins it. One rule for the gateway that writes the row and the window
 * that applies the live pieces, so both hold the same text.
 *
 * The row keeps the HEAD and the TAIL (32 K characters each), never the middle: a command's first
 * lines say what ran, its last lines usually say why it failed or where it stands now, and a long
 * build log's middle is what can go. The full output goes to a file (tool-output-files.ts) that
 * "Download full output" reads. The cap bounds the row's rewrite every 250 ms and what each window
 * holds, whatever a command prints.
 */

export const TOOL_OUTPUT_HEAD_CHARS = 32 * 1024;
export const TOOL_OUTPUT_TAIL_CHARS = 32 * 1024;

/** A command's output as kept: `length` counts every character streamed, kept or dropped. */
export interface KeptOutput {
  head: string;
  tail: string;
  length: number;
}

export const EMPTY_OUTPUT: KeptOutput = { head: '', tail: '', length: 0 };

/** Characters streamed but not kept (the dropped middle). */
export function omittedChars(kept: KeptOutput): number {
  return kept.length - kept.head.length - kept.tail.length;
}

export function isTruncated(kept: KeptOutput): boolean {
  return omittedChars(kept) > 0;
}

/** Appends the next piece of output (it starts at `kept.length`). */
export function appendOutput(kept: KeptOutput, piece: string): KeptOutput {
  if (piece === '') return kept;
  let head = kept.head;
  let rest = piece;
  // Head fills first, and only while nothing has gone to the tail (the kept text stays in order).
  if (kept.tail === '' && head.length < TOOL_OUTPUT_HEAD_CHARS) {
    const take = TOOL_OUTPUT_HEAD_CHARS - head.length;
    head += rest.slice(0, take);
    rest = rest.slice(take);
  }
  let tail = kept.tail;
  if (rest !== '') {
    tail += rest;
    if (tail.length > TOOL_OUTPUT_TAIL_CHARS) tail = tail.slice(tail.length - TOOL_OUTPUT_TAIL_CHARS);
  }
  return { head, tail, length: kept.length + piece.length };
}

/**
 * Applies a live piece at `offset` to what a front end holds: the part beyond what it holds is
 * appended; a piece it holds already (a replay, or a fetch brought it) changes nothing. A piece
 * further ahead is a gap (a piece was missed: read the row again), except past a dropped middle:
 * the gateway then sends the whole tail (tool-output-stream.ts), which replaces the one held.
 */
export function applyOutputPiece(kept: KeptOutput, offset: number, piece: string): KeptOutput | 'gap' {
  if (offset + piece.length <= kept.length) return kept;
  if (offset <= kept.length) return appendOutput(kept, piece.slice(kept.length - offset));
  if (kept.head.length === TOOL_OUTPUT_HEAD_CHARS && piece.length >= TOOL_OUTPUT_TAIL_CHARS) {
    return { head: kept.head, tail: piece.slice(piece.length - TOOL_OUTPUT_TAIL_CHARS), length: offset + piece.length };
  }
  return 'gap';
}

/** The kept text as shown, with a marked gap where the middle was dropped. */
export function keptOutputText(kept: KeptOutput): string {
  const omitted = omittedChars(kept);
  if (omitted <= 0) return kept.head + kept.tail;
  return `${kept.head}\n[… ${omitted} characters not shown here …]\n${kept.tail}`;
}
