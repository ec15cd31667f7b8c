/**
 * The markdown formatter proper (GFM, math, highlighted code), rendered safely (R4): raw HTML is
 * skipped (no rehype-raw), only http(s)/mailto links survive and they open outside the app (the
 * shell or browser decides), and images are never fetched: they show as their alt text with a
 * link to where they live.
 *
 * Its own chunk (issue 13: react-markdown, KaTeX and highlight.js are most of the window's code),
 * loaded by Markdown.tsx when the first answer is shown; Markdown.tsx also applies the limits and
 * catches a formatter that fails, so this module never sees an answer over the limits.
 */
import type { ComponentProps, ReactNode } from 'react';
import ReactMarkdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import { markdownUrlTransform, safeLinkUrl } from '../lib/safe-url.ts';
import { codeLanguageLabel, copyCodeLabel } from '../lib/transcript-words.ts';
import { CopyButton } from './CopyButton.tsx';

/**
 * react-markdown builds its processor on every render, which runs each plugin's set-up again:
 * rehype-highlight's registers all of highlight.js's common grammars (13 ms, measured in
 * bench/ui.bench.ts), once per formatted piece of every frame while an answer streams. Its
 * transformer keeps no state between files, so it is made once and every processor reuses it.
 */
const highlightCode = rehypeHighlight({ detect: false });
function rehypeHighlightShared() {
  return highlightCode;
}

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm, remarkMath];
const rehypePlugins: Options['rehypePlugins'] = [
  // trust: false keeps \href, \url and \includegraphics inert; errors render inline, never throw.
  // maxSize caps user sizes (\rule{1e5em}{1e5em} would be a 1.6-million-pixel box) at 20 em.
  [rehypeKatex, { throwOnError: false, trust: false, strict: 'ignore', maxSize: 20 }],
  rehypeHighlightShared,
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

type HastNode = NonNullable<ExtraProps['node']>;
type HastChild = HastNode['children'][number];

/** The code as written: the text of every node under it, highlighting spans included. */
function textOf(node: HastNode | HastChild): string {
  if (node.type === 'text') return node.value;
  return 'children' in node ? node.children.map((child) => textOf(child as HastChild)).join('') : '';
}

/** `language-ts` → `ts`, as the fence named it; null for a fence without one. */
function languageOf(code: HastNode): string | null {
  const classes = code.properties.className;
  const names: string[] = Array.isArray(classes) ? classes.map(String) : String(classes ?? '').split(' ');
  return names.find((name) => name.startsWith('language-'))?.slice('language-'.length) ?? null;
}

/**
 * Issue 11: a code block gets a header with its language and a Copy button that copies the code
 * as written (never the highlighting markup). Both are plain React: nothing from the answer runs (R4).
 */
function CodeBlock({ node, children, ...rest }: ComponentProps<'pre'> & ExtraProps): ReactNode {
  const code = node?.children.find((child): child is HastNode => child.type === 'element' && child.tagName === 'code');
  if (!code) return <pre {...rest}>{children}</pre>;
  const language = languageOf(code);
  return (
    <div className="code-block" data-testid="code-block">
      <div className="code-block-head">
        <span className="code-language" data-testid="code-language">
          {codeLanguageLabel(language)}
        </span>
        <CopyButton text={textOf(code).replace(/\n$/, '')} label={copyCodeLabel(language)} testId="copy-code" />
      </div>
      <pre {...rest}>{children}</pre>
    </div>
  );
}

const components: Components = { a: SafeLink, img: ImagePlaceholder, pre: CodeBlock };

/** Formats `text`; may throw on text built to break it (Markdown.tsx catches that). */
export function MarkdownFormatter({ text }: { text: string }): ReactNode {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={markdownUrlTransform} skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  );
}
