/**
 * Playwright fixtures for the flows: `baton()` starts a supervised headless host with a scripted
 * model (stopped and cleaned up after the test, its log attached when the test fails), and the
 * page is guarded for the whole test (R4): a dialog, an uncaught page error or a request that
 * leaves loopback fails it. `BatonWindow` holds what a person does in the window.
 */
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { Supervisor, type SupervisorOptions } from './supervisor.ts';

export { expect };

const SCREENS_DIR = path.resolve('test-results/e2e/screens');

export interface PageGuard {
  dialogs: string[];
  offsiteRequests: string[];
  pageErrors: string[];
}

interface Fixtures {
  baton: (options?: SupervisorOptions) => Promise<Supervisor>;
  guard: PageGuard;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern
  baton: async ({}, use, testInfo) => {
    const started: Supervisor[] = [];
    await use(async (options) => {
      const supervisor = await Supervisor.create(options);
      started.push(supervisor);
      await supervisor.start();
      return supervisor;
    });
    for (const supervisor of started) {
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('host-log', { body: supervisor.log(), contentType: 'text/plain' });
        await testInfo.attach('model-requests', {
          body: JSON.stringify(supervisor.model.requests.map((r) => r.body.messages), null, 2),
          contentType: 'application/json',
        });
      }
      await supervisor.stop();
    }
  },

  // eslint-disable-next-line no-empty-pattern -- as above
  guard: async ({}, use) => {
    await use({ dialogs: [], offsiteRequests: [], pageErrors: [] });
  },

  // Every test's page is guarded, whether or not the test asks for the guard by name.
  page: async ({ page, guard }, use) => {
    page.on('dialog', (dialog) => {
      guard.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.hostname !== '127.0.0.1') guard.offsiteRequests.push(request.url());
    });
    page.on('pageerror', (error) => guard.pageErrors.push(error.message));
    await use(page);
    expect(guard.dialogs, 'no dialog may open (R4)').toEqual([]);
    expect(guard.offsiteRequests, 'nothing may be fetched from outside the host (R4)').toEqual([]);
    expect(guard.pageErrors, 'the window must not throw').toEqual([]);
  },
});

/** A screenshot of a key state, kept for review (ENGINEERING.md §4). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`) });
}

/** The window, as a person uses it. */
export class BatonWindow {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  static async open(page: Page, supervisor: Supervisor): Promise<BatonWindow> {
    const window = new BatonWindow(page);
    await page.goto(supervisor.url);
    await expect(window.connection).toHaveAttribute('data-state', 'open');
    return window;
  }

  get connection(): Locator {
    return this.page.getByTestId('connection-status');
  }

  get composer(): Locator {
    return this.page.getByTestId('composer-input');
  }

  get transcript(): Locator {
    return this.page.getByTestId('transcript');
  }

  get userMessages(): Locator {
    return this.page.getByTestId('message-user');
  }

  get assistantMessages(): Locator {
    return this.page.getByTestId('message-assistant');
  }

  laneItem(laneKey: string): Locator {
    return this.page.locator(`[data-testid="lane-item"][data-lane-key="${laneKey}"]`);
  }

  /** Clicks "+ New chat" and returns the new conversation's lane key once it is open. */
  async newChat(): Promise<string> {
    const items = this.page.getByTestId('lane-item');
    const before = new Set(await Promise.all((await items.all()).map((item) => item.getAttribute('data-lane-key'))));
    await this.page.getByTestId('new-chat').click();
    await expect(items).toHaveCount(before.size + 1);
    const current = this.page.locator('[data-testid="lane-item"][aria-current="page"]');
    await expect(current).toHaveCount(1);
    const laneKey = await current.getAttribute('data-lane-key');
    if (laneKey === null || before.has(laneKey)) throw new Error('New chat did not open a new conversation.');
    await expect(this.composer).toBeVisible();
    return laneKey;
  }

  async openLane(laneKey: string): Promise<void> {
    await this.laneItem(laneKey).click();
    await expect(this.laneItem(laneKey)).toHaveAttribute('aria-current', 'page');
  }

  /** The open conversation's lane key. */
  async openLaneKey(): Promise<string | null> {
    return this.page.locator('[data-testid="lane-item"][aria-current="page"]').getAttribute('data-lane-key');
  }

  /** Types a message and presses Send; resolves once the box is empty again (Baton took it). */
  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.page.getByTestId('send-button').click();
    await expect(this.composer).toHaveValue('');
  }

  /** After the host went away and came back: the window noticed, and reconnected by itself. */
  async expectReconnected(): Promise<void> {
    await expect(this.connection).toHaveAttribute('data-state', 'reconnected');
  }
}
