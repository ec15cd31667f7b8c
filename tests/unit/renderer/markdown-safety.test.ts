import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdownFormatter, Markdown } from '../../../renderer/src/components/Markdown.tsx';
import { markdownUrlTransform, safeLinkUrl } from '../../../renderer/src/lib/safe-url.ts';

// The formatter is its own chunk (issue 13); loaded, every render below is formatted at once.
beforeAll(async () => {
  await loadMarkdownFormatter();
});

function render(text: string): string {
  return renderToStaticMarkup(createElement(Markdown, { text }));
}

describe('R4: the markdown URL filter', () => {
  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'DATA:image/png;base64,AAAA',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'blob:https://example.com/uuid',
    '/settings',
    '../index.html',
    '#top',
    '//evil.example/x',
    'https://',
    '',
  ])('blocks %j', (url) => {
    expect(safeLinkUrl(url)).toBeNull();
    expect(markdownUrlTransform(url)).toBeNull();
  });

  it.each([
    ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['HTTPS://Example.com', 'https://example.com/'],
  ])('allows %j', (url, expected) => {
    expect(safeLinkUrl(url)).toBe(expected);
  });
});

describe('R4: rendered model output', () => {
  it('renders no script links', () => {
    const html = render('[click](javascript:alert(1)) and [data](data:text/html,<script>alert(1)</script>) and <javascript:alert(2)>');
    expect(html).not.toMatch(/href="\s*javascript:/i);
    expect(html).not.toMatch(/href="\s*data:/i);
    // The words stay readable; they are just not links.
    expect(html).toContain('<span class="md-link-blocked">click</span>');
    expect(html).not.toMatch(/<a /);
  });

  it('drops raw HTML instead of rendering it', () => {
    const html = render('Hi <script>alert(1)</script><img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe> there');
    expect(html).not.toMatch(/<script|<img|<iframe|onerror/i);
    expect(html).toContain('Hi');
  });

  it('never loads a remote image: it shows the alt text and a link', () => {
    const html = render('![a cat](https://evil.example/track.png)');
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('a cat');
    expect(html).toContain('href="https://evil.example/track.png"');
  });

  it('opens links outside the app without a referrer', () => {
    const html = render('[docs](https://example.com/docs)');
    expect(html).toMatch(/<a [^>]*href="https:\/\/example.com\/docs"/);
    expect(html).toContain('target="_blank"');
    expect(html).toContain('rel="noreferrer noopener"');
  });

  it('renders GFM tables, math and highlighted code', () => {
    const html = render('| a | b |\n|---|---|\n| 1 | 2 |\n\nInline $x^2$\n\n```js\nconst x = 1;\n```');
    expect(html).toContain('<table>');
    expect(html).toContain('class="katex"');
    expect(html).toContain('hljs-keyword');
  });

  it('keeps KaTeX from making links', () => {
    const html = render('$\\href{javascript:alert(1)}{x}$');
    expect(html).not.toMatch(/href="javascript:/i);
  });
});
