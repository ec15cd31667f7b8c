/**
 * R4: model output is untrusted. Script tags, javascript: links, remote images and raw HTML in an
 * answer render as inert text: no dialog, no request leaves the host, nothing executable or
 * remote in the DOM, and the link has no dangerous href. (The page fixture also fails the test on
 * any dialog, page error or off-host request.)
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { textReply } from '../fixtures/scripted-openai-server.ts';

const HOSTILE = [
  'Here is what you asked for.',
  '',
  '<script>alert(1)</script>',
  '',
  'A [harmless looking link](javascript:alert(1)) and [another](JaVaScRiPt:alert(2)).',
  '',
  '![r](https://example.com/x.png)',
  '',
  '<img src=x onerror=alert(1)>',
  '',
  '<iframe src="https://example.com/frame"></iframe>',
  '',
  '<a href="javascript:alert(3)">raw anchor</a> <svg onload=alert(4)></svg>',
  '',
  'The end.',
].join('\n');

test('R4: hostile markdown and HTML in an answer render inert', async ({ page, baton, guard }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);
  const remote: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('example.com')) remote.push(request.url());
  });

  await window.newChat();
  supervisor.model.enqueue(textReply(HOSTILE, { chunks: 6, chunkDelayMs: 30 }));
  await window.send('Show me some tricky markdown');

  const answer = window.assistantMessages.first();
  await expect(answer).toContainText('The end.');
  await expect(answer).toHaveAttribute('data-streaming', 'false');
  await expect(answer).toContainText('harmless looking link');
  await expect(answer).toContainText('Image not loaded');
  await screenshot(page, 'untrusted-output-inert');

  const transcript = window.transcript;
  await expect(transcript.locator('script')).toHaveCount(0);
  await expect(transcript.locator('iframe')).toHaveCount(0);
  await expect(transcript.locator('img')).toHaveCount(0);
  await expect(transcript.locator('svg[onload], [onerror], [onload]')).toHaveCount(0);
  await expect(transcript.locator('a[href^="javascript" i]')).toHaveCount(0);
  // The javascript: link is shown as plain text, with no href at all.
  const blocked = answer.locator('span.md-link-blocked', { hasText: 'harmless looking link' });
  await expect(blocked).toHaveCount(1);
  expect(await blocked.getAttribute('href')).toBeNull();
  // Every link that survived is an absolute http(s) link that opens outside the app.
  for (const link of await transcript.locator('a').all()) {
    expect(await link.getAttribute('href')).toMatch(/^https?:\/\//);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
  }

  // Let the page settle: a reload re-renders the stored answer from scratch, equally inert.
  await page.reload();
  await expect(window.assistantMessages.first()).toContainText('The end.');
  await expect(window.transcript.locator('script, iframe, img')).toHaveCount(0);

  expect(guard.dialogs).toEqual([]);
  expect(remote).toEqual([]);
});
