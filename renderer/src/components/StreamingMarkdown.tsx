/**
 * An answer while it streams (issue 13: no main-thread task of 50 ms while streaming). Formatting
 * the whole text again for every frame costs more with every word, so a long answer would slow
 * the window down as it grows. Instead the settled blocks (lib/streaming-blocks.ts) are formatted
 * once each (joined into groups of about 2 KB: formatting also costs per piece) and only the block
 * still being written is formatted again; the finished answer is formatted whole (Markdown.tsx),
 * once.
 *
 * The answer-wide limits (R4, lib/markdown-limits.ts) are checked on the whole text, as they would
 * be for the finished answer: an answer over them is plain text here too.
 */
import { memo, useMemo } from 'react';
import { checkMarkdownLimits, MARKDOWN_LIMITS } from '../lib/markdown-limits.ts';
import { groupBlocks, settledBlocks } from '../lib/streaming-blocks.ts';
import { Markdown } from './Markdown.tsx';
import { PlainMessage } from './PlainMessage.tsx';

/** Settled text formatted in one piece, at least. */
const GROUP_CHARS = 2_048;

export const StreamingMarkdown = memo(function StreamingMarkdown({ text }: { text: string }) {
  const verdict = useMemo(() => checkMarkdownLimits(text, MARKDOWN_LIMITS), [text]);
  const blocks = useMemo(() => groupBlocks(settledBlocks(text), GROUP_CHARS), [text]);
  if (!verdict.ok) return <PlainMessage text={text} reason={verdict.limit} />;
  // Keys by position: a closed group keeps its index and its text, so memo skips it.
  return (
    <>
      {blocks.map((block, index) => (
        <Markdown key={index} text={block} />
      ))}
    </>
  );
});
