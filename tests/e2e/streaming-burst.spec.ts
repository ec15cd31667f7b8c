/**
 * Issue 13 (stream at wire speed, no main-thread task of 50 ms while streaming): a burst of text
 * — a fast model, or a window that was busy — is more than one frame can format. Its words show
 * at once as plain text, the next frames format them, and when the answer ends it is formatted
 * whole, so what only formats right as a whole (a list whose items are separated by blank lines,
 * a reference link defined further down) ends up right.
 */
import { expect, screenshot, test, BatonWindow } from './support/fixtures.ts';
import type { ChatScript } from '../fixtures/scripted-openai-server.ts';

/** About 24 KB of markdown in one piece: far more than a frame formats (2 KB). */
function burst(): string {
  const sections: string[] = [];
  for (let i = 1; i <= 12; i++) {
    const words = Array.from({ length: 300 }, (_, w) => `word${i}x${w}`).join(' ');
    sections.push(`## Part ${i}\n\n${words}.`);
  }
  sections.splice(4, 0, '```ts\nconst answer = 42;\n```');
  sections.splice(8, 0, '1. first step\n\n2. second step\n\n3. third step');
  sections.push('See [the docs][docs] for more. lastwordofburst\n\n[docs]: https://example.com/docs');
  return sections.join('\n\n');
}

test('issue 13: a burst shows at once as plain text, is formatted over the next frames, and the finished answer is formatted whole', async ({ page, baton }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();

  // Seen from inside the page: was the burst's last word on screen while text still waited, plain, for formatting?
  // (A string: this folder is type-checked without DOM types.)
  await page.evaluate(`(() => {
    const seen = { lastWhilePending: null };
    window.burstSeen = seen;
    new MutationObserver(() => {
      const message = [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);
      if (seen.lastWhilePending !== null || !message?.textContent?.includes('lastwordofburst')) return;
      seen.lastWhilePending = message.querySelector('[data-testid="markdown-pending"]') !== null;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);

  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => (release = resolve));
  const script: ChatScript = {
    kind: 'stream',
    steps: [
      { type: 'text', text: 'Opening words. ' },
      { type: 'wait', until: opened },
      { type: 'text', text: `\n\n${burst()}` },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', promptTokens: 10, completionTokens: 4000 },
    ],
  };
  supervisor.model.enqueue(script);
  await window.send('Write a long answer');

  const answer = window.assistantMessages.first();
  // The answer is on screen, streaming, before the burst is sent.
  await expect(answer).toContainText('Opening words.');
  await expect(answer).toHaveAttribute('data-streaming', 'true');
  release();

  await expect(answer).toHaveAttribute('data-streaming', 'false');
  await expect(answer.getByTestId('markdown-pending')).toHaveCount(0);
  expect(await page.evaluate('window.burstSeen.lastWhilePending')).toBe(true);

  // Formatted whole: one list of three items, the reference link a link, the code block with its header.
  await expect(answer.locator('ol')).toHaveCount(1);
  await expect(answer.locator('ol > li')).toHaveCount(3);
  await expect(answer.getByRole('link', { name: 'the docs' })).toHaveAttribute('href', 'https://example.com/docs');
  await expect(answer.getByTestId('code-language')).toHaveText(/ts/i);
  await expect(answer.locator('h2')).toHaveCount(12);
  await expect(answer).toContainText('word12x299');
  await screenshot(page, 'streaming-burst-formatted');
});
