/**
 * D12 and the README's promises about the desktop integration: the packaged app's menu (no
 * DevTools, a Quit that drains) and its name and data folder ("Baton", ~/.config/Baton). The
 * window's state across a restart is in window-state.spec.ts.
 */
import { expect, test } from '../scenario-kit.ts';

interface Item {
  label: string;
  role: string | null;
  submenu?: Item[];
}

function flatten(items: Item[]): Item[] {
  return items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);
}

test('D12: the packaged app sets its own application menu — Quit, Edit, no Reload or DevTools', async ({ launch, windowOf }) => {
  const harness = await launch({ packaged: true });
  const app = await harness.start();
  await app.ready();
  await windowOf(app);
  const items = flatten((await app.command<Item[] | null>('menu.application')) ?? []);
  const roles = items.map((item) => item.role);
  expect(roles, 'no developer tools in a packaged build').not.toContain('toggleDevTools');
  expect(roles).not.toContain('reload');
  expect(roles).not.toContain('forceReload');
  expect(items.some((item) => item.role === 'quit' || /^Quit/.test(item.label)), 'a Quit item').toBe(true);
});

test('D12: productName "Baton" names the app and its data folder (~/.config/Baton)', async ({ launch }) => {
  const harness = await launch();
  const app = await harness.start();
  const { name, userData } = await app.ready();
  expect(name).toBe('Baton');
  expect(userData).toBe(harness.dataDir('Baton'));
});
