/**
 * Issue 13 in the real window against the real headless host: a 10,000-message conversation
 * (seeded into the store before the host starts) opens at its newest messages with few rows in
 * the DOM; scrolling up puts older pages above without moving what the reader sees; a search finds
 * a message deep in it and opens the conversation there, centred and marked; "Latest" goes back.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { SessionStore, STORE_FILE } from '../../electron/core/sessions/store.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { Supervisor } from './support/supervisor.ts';

const MESSAGES = 10_000;
/** The one message that mentions the word searched for, deep in the conversation. */
const NEEDLE_AT = 1_234;

/**
 * The conversation, through the store (schema, lane, session), then its events in one raw
 * transaction: 10,000 fsynced appends would take the test's whole budget on this machine.
 */
async function seedLongConversation(dataDir: string): Promise<string> {
  const store = await SessionStore.open({ dataDir });
  const lane = store.ensureLane('lane_long', { title: 'A very long conversation', platform: 'desktop' });
  store.close();
  const db = new Database(path.join(dataDir, STORE_FILE));
  try {
    const insert = db.prepare('INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, NULL, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= MESSAGES; i++) {
        const text = i === NEEDLE_AT ? `Message ${i}: please count the quokka census on Rottnest island before the ferry leaves.` : `Message ${i}: ${i % 2 ? 'a question about the build' : 'an answer about the build, with a few more words in it'}.`;
        const payload = i % 2 ? { text } : { text, final: true };
        insert.run(lane.sessionId, i % 2 ? 'user_message' : 'assistant_text', JSON.stringify(payload), Date.UTC(2025, 0, 1) + i * 1000);
      }
    })();
  } finally {
    db.close();
  }
  return lane.laneKey;
}

/** The little of the DOM these checks use (the tests are type-checked without the DOM library). */
interface Node {
  scrollTop: number;
  textContent: string | null;
  getBoundingClientRect(): { top: number; height: number };
  querySelectorAll(selector: string): ArrayLike<Node>;
  closest(selector: string): Node | null;
}

/** Where a row sits in the transcript's visible box (px from its top), or null when it is not in the DOM. */
async function rowTop(window: BatonWindow, text: string): Promise<number | null> {
  return window.transcript.evaluate((element, wanted) => {
    const scroller = element as unknown as Node;
    const row = Array.from(scroller.querySelectorAll('.transcript-row')).find((r) => r.textContent?.includes(wanted));
    return row ? row.getBoundingClientRect().top - scroller.getBoundingClientRect().top : null;
  }, text);
}

test('issue 13: a 10,000-message conversation opens at its newest page; older pages load above without moving the view; search opens it at the message', async ({ page }) => {
  const supervisor = await Supervisor.create();
  try {
    const laneKey = await seedLongConversation(supervisor.dataDir);
    await supervisor.start();
    const window = await BatonWindow.open(page, supervisor);
    await window.openLane(laneKey);

    // The newest page: the last message in view, a handful of rows in the DOM.
    const newest = window.transcript.getByText(`Message ${MESSAGES}:`);
    await expect(newest).toBeInViewport();
    expect(await window.transcript.locator('.transcript-row').count()).toBeLessThan(40);
    await screenshot(page, 'long-conversation-newest');

    // Scroll up to near the top of the loaded page: the older page is put above, and the row the
    // reader was looking at stays where it was.
    await window.transcript.evaluate((element) => ((element as unknown as Node).scrollTop = 300));
    const anchor = await window.transcript.evaluate((element) => {
      const scroller = element as unknown as Node;
      const box = scroller.getBoundingClientRect();
      const row = Array.from(scroller.querySelectorAll('.transcript-row')).find((r) => r.getBoundingClientRect().top >= box.top);
      return row?.textContent?.match(/Message \d+:/)?.[0] ?? null;
    });
    expect(anchor).not.toBeNull();
    const before = await rowTop(window, anchor!);
    // The loaded rows grow by a page above: the scroll offset grows by their height.
    await expect.poll(() => window.transcript.evaluate((element) => (element as unknown as Node).scrollTop)).toBeGreaterThan(2_000);
    await expect.poll(async () => Math.abs((await rowTop(window, anchor!))! - before!)).toBeLessThan(8);
    await screenshot(page, 'long-conversation-older-page');

    // Search finds the message 8,766 messages up and opens the conversation there.
    await page.getByTestId('search-input').fill('quokka');
    const result = page.getByTestId('search-result');
    await expect(result).toHaveCount(1);
    await expect(result.locator('mark')).toHaveText('quokka');
    await screenshot(page, 'long-conversation-search-result');
    await result.click();
    const focused = window.transcript.locator('.transcript-row[data-focus="true"]');
    await expect(focused).toContainText('quokka census');
    await expect(focused).toBeInViewport();
    // Centred: the row's middle is within a fifth of the box's height of the box's middle.
    await expect
      .poll(() =>
        focused.evaluate((element) => {
          const row = element as unknown as Node;
          const scroller = row.closest('[data-testid="transcript"]')!.getBoundingClientRect();
          const box = row.getBoundingClientRect();
          return Math.abs(box.top + box.height / 2 - (scroller.top + scroller.height / 2)) / scroller.height;
        }),
      )
      .toBeLessThan(0.2);
    await screenshot(page, 'long-conversation-opened-at-search-hit');

    // "Latest" goes back to the newest messages.
    await page.getByRole('button', { name: '↓ Latest' }).click();
    await expect(window.transcript.getByText(`Message ${MESSAGES}:`)).toBeInViewport();
  } finally {
    await supervisor.stop();
  }
});

/** Rows in the DOM that lie wholly outside the transcript's visible box, and all rows. */
interface RowCount {
  inDom: number;
  outside: number;
}

test('issue 13: opening a long conversation draws the rows in view first, the rows around them after a painted frame', async ({ page }) => {
  const supervisor = await Supervisor.create();
  try {
    const laneKey = await seedLongConversation(supervisor.dataDir);
    await supervisor.start();
    const window = await BatonWindow.open(page, supervisor);

    // Counted in the page at the first change that put rows in the transcript: the state the
    // task that drew them left (a mutation observer runs once that task's work is done).
    await page.evaluate(`(() => {
      const count = () => {
        const scroller = document.querySelector('[data-testid="transcript"]');
        if (!scroller) return null;
        const box = scroller.getBoundingClientRect();
        const rows = [...scroller.querySelectorAll('.transcript-row')];
        const outside = rows.filter((row) => { const r = row.getBoundingClientRect(); return r.bottom <= box.top || r.top >= box.bottom; }).length;
        return { inDom: rows.length, outside };
      };
      window.__rowCount = count;
      const observer = new MutationObserver(() => {
        const now = count();
        if (!now || now.inDom === 0) return;
        window.__firstRows = now;
        observer.disconnect();
      });
      observer.observe(document.body, { subtree: true, childList: true });
    })()`);
    await window.openLane(laneKey);
    await expect(window.transcript.getByText(`Message ${MESSAGES}:`)).toBeInViewport();

    // The task that showed the conversation drew the rows in view, and at most one more (a row
    // whose guessed height was a little short).
    const first = (await page.evaluate('window.__firstRows')) as RowCount;
    expect(first.inDom).toBeGreaterThan(first.outside);
    expect(first.outside).toBeLessThanOrEqual(1);
    // Then the rows above the view follow, so scrolling up shows them at once.
    await expect.poll(async () => ((await page.evaluate('window.__rowCount()')) as RowCount).outside).toBeGreaterThanOrEqual(6);
  } finally {
    await supervisor.stop();
  }
});
