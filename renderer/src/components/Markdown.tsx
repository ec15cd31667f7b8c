/**
 * Assistant text as markdown (GFM, math, highlighted code), rendered safely (R4): raw HTML is
 * skipped (no rehype-raw), only http(s)/mailto links survive and they open outside the app (the
 * shell or browser decides), and images are never fetched: they show as their alt text with a
 * link to where they live.
 */
import { memo, type ComponentProps, type ReactNode } from 'react';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { markdownUrlTransform, safeLinkUrl } from '../lib/safe-url.ts';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm, remarkMath];
const rehypePlugins: Options['rehypePlugins'] = [
  // trust: false keeps \href, \url and \includegraphics inert; errors render inline, never throw.
  [rehypeKatex, { throwOnError: false, trust: false, strict: 'ignore' }],
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

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
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
  );
});
