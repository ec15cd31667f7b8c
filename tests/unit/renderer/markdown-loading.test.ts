/**
 * Issue 13: the markdown formatter (react-markdown, KaTeX, highlight.js) is a chunk of its own,
 * loaded when the first answer is shown. Until then an answer shows at once as plain text (never a
 * blank, and as safe: React escapes it); once loaded, the same component renders it formatted.
 * Rendered through the real component with react-dom/server.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { loadMarkdownFormatter, Markdown } from '../../../renderer/src/components/Markdown.tsx';

const render = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe('issue 13: the markdown formatter loads when first needed', () => {
  it('issue 13/R4: before the formatter is loaded, an answer shows at once as escaped plain text; after, formatted', async () => {
    const answer = '**Bold** and <img src=x onerror=alert(1)> and `code`';

    const pending = render(answer);
    expect(pending).toContain('data-testid="markdown-pending"');
    expect(pending).toContain('**Bold** and &lt;img src=x onerror=alert(1)&gt; and `code`');
    expect(pending).not.toContain('<img');

    await loadMarkdownFormatter();
    const formatted = render(answer);
    expect(formatted).not.toContain('markdown-pending');
    expect(formatted).toContain('<strong>Bold</strong>');
    expect(formatted).toContain('<code>code</code>');
    expect(formatted).not.toContain('<img');
  });
});
