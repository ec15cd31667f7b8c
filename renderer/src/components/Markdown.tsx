/**
 * Assistant text as markdown (GFM, math, highlighted code), rendered safely (R4): raw HTML is
 * skipped (no rehype-raw), only http(s)/mailto links survive and they open outside the app (the
 * shell or browser decides), and images are never fetched: they show as their alt text with a
 * link to where they live.
 *
 * Model output may also be built to break the formatter (issue 14 item 3): an answer over the
 * limits in lib/markdown-limits.ts is never parsed, and one that fails anyway is caught here; both
 * show as plain text with a note. The same holds for every partial text while an answer streams.
 */
import { memo, useMemo, type ComponentProps, type ReactNode } from 'react';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { checkMarkdownLimits, MARKDOWN_LIMITS, type MarkdownLimits } from '../lib/markdown-limits.ts';
import { markdownUrlTransform, safeLinkUrl } from '../lib/safe-url.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { PlainMessage } from './PlainMessage.tsx';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm, remarkMath];
const rehypePlugins: Options['rehypePlugins'] = [
  // trust: false keeps \href, \url and \includegraphics inert; errors render inline, never throw.
  // maxSize caps user sizes (\rule{1e5em}{1e5em} would be a 1.6-million-pixel box) at 20 em.
  [rehypeKatex, { throwOnError: false, trust: false, strict: 'ignore', maxSize: 20 }],
  [rehypeHighlight, { detect: false }],
];

function SafeLink({ href, title, children }: ComponentProps<'a'>): ReactNode {
  const safe = typeof href === 'string' ? safeLinkUrl(href) : null;
  if (safe === null) return <span className="md-link-blocked">{children}</span>;
  return (
    <a href={safe} title={title ?? safe} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  );
}

function ImagePlaceholder({ src, alt }: ComponentProps<'img'>): ReactNode {
  const safe = typeof src === 'string' ? safeLinkUrl(src) : null;
  const label = alt && alt.trim() !== '' ? alt : 'untitled';
  return (
    <span className="md-image" title="Images in answers are not loaded">
      <span className="md-image-label">Image not loaded: </span>
      {label}
      {safe !== null && (
        <>
          {' '}
          <a href={safe} target="_blank" rel="noreferrer noopener">
            (link)
          </a>
        </>
      )}
    </span>
  );
}

const components: Components = { a: SafeLink, img: ImagePlaceholder };

interface MarkdownProps {
  text: string;
  /** The guard's limits; only tests of the unguarded formatter pass others. */
  limits?: Readonly<MarkdownLimits>;
}

export const Markdown = memo(function Markdown({ text, limits = MARKDOWN_LIMITS }: MarkdownProps) {
  const verdict = useMemo(() => checkMarkdownLimits(text, limits), [text, limits]);
  if (!verdict.ok) return <PlainMessage text={text} reason={verdict.limit} />;
  // Once formatting failed, the message stays plain (with its newest text) until it is shown
  // afresh: retrying on every streamed piece would fail, and cost, again and again.
  return (
    <ErrorBoundary fallback={() => <PlainMessage text={text} reason="error" />}>
      <div className="markdown">
        <ReactMarkdown
          remarkPlugins={remarkPlugins}
          rehypePlugins={rehypePlugins}
          components={components}
          urlTransform={markdownUrlTransform}
          skipHtml
        >
          {text}
        </ReactMarkdown>
      </div>
    </ErrorBoundary>
  );
});
