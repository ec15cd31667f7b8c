/**
 * An answer while it streams (issue 13: no main-thread task of 50 ms while streaming, and the
 * words on screen as fast as they arrive). Formatting the whole text again for every frame costs
 * more with every word, so a long answer would slow the window down as it grows. Instead the
 * settled blocks (lib/streaming-blocks.ts) are formatted once each (joined into groups of about
 * 2 KB: formatting also costs per piece) and only the block still being written is formatted
 * again. A frame formats at most FORMAT_CHARS_PER_FRAME of new text: a burst beyond that shows at
 * once as plain text and is formatted over the next frames.
 *
 * When the answer ends, its blocks stay: they format as the whole text would (the cut rules in
 * lib/streaming-blocks.ts), so a long answer is not formatted all over again in the frame after
 * its last words. Only an answer that defines reference links or footnotes, or holds raw HTML
 * blocks, is formatted whole (Markdown.tsx), once its blocks are, a frame later.
 *
 * The answer-wide limits (R4, lib/markdown-limits.ts) are checked on the whole text, as they would
 * be for the finished answer: an answer over them is plain text here too.
 */
import { memo, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { checkMarkdownLimits, MARKDOWN_LIMITS } from '../lib/markdown-limits.ts';
import { formattedGroupCount, formatsRightInBlocks, groupBlocks, settledBlocks } from '../lib/streaming-blocks.ts';
import { Markdown } from './Markdown.tsx';
import { PlainMessage } from './PlainMessage.tsx';

/** Settled text formatted in one piece, at least. */
const GROUP_CHARS = 2_048;
/** New text one frame formats at most (about 5 ms on the 2-core machine of bench/RESULTS.md). */
const FORMAT_CHARS_PER_FRAME = 2_048;

interface StreamingMarkdownProps {
  text: string;
  /** The answer has ended: if its blocks do not format as the whole would, the whole is formatted once. */
  ended?: boolean;
}

export const StreamingMarkdown = memo(function StreamingMarkdown({ text, ended = false }: StreamingMarkdownProps) {
  const verdict = useMemo(() => checkMarkdownLimits(text, MARKDOWN_LIMITS), [text]);
  const groups = useMemo(() => groupBlocks(settledBlocks(text), GROUP_CHARS), [text]);
  /** How much of the text was formatted at the last commit. */
  const formatted = useRef(0);
  /** Bumped by a frame that catches up on text shown plain. */
  const [frame, nextFrame] = useReducer((count: number) => count + 1, 0);
  const caughtUpAt = useRef(0);
  const [whole, setWhole] = useState(false);
  const catchUp = frame !== caughtUpAt.current;
  const count = formattedGroupCount(groups, formatted.current, FORMAT_CHARS_PER_FRAME, catchUp);
  const pending = count < groups.length;
  const formatWhole = ended && !formatsRightInBlocks(text);
  useEffect(() => {
    formatted.current = groups.slice(0, count).reduce((chars, group) => chars + group.length, 0);
    caughtUpAt.current = frame;
    if (!pending && !(formatWhole && !whole)) return;
    const next = requestAnimationFrame(() => (pending ? nextFrame() : setWhole(true)));
    return () => cancelAnimationFrame(next);
  }, [groups, count, frame, pending, formatWhole, whole]);
  if (!verdict.ok) return <PlainMessage text={text} reason={verdict.limit} />;
  if (whole && formatWhole) return <Markdown text={text} />;
  // Keys by position: a closed group keeps its index and its text, so memo skips it.
  return (
    <>
      {groups.slice(0, count).map((group, index) => (
        <Markdown key={index} text={group} />
      ))}
      {/* One box per group: new text changes only the last, so the browser lays out only that one again. */}
      {groups.slice(count).map((group, index) => (
        <div key={`plain-${count + index}`} className="markdown plain-message" data-testid="markdown-pending">
          {group}
        </div>
      ))}
    </>
  );
});
