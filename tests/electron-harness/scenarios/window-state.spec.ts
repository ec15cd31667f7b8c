/**
 * The window's own state across exits (SPEC L27, L13; decided behaviour D12; shell audit findings
 * 15, 18, 24): where the person put the window survives a tray Restart — an exit that destroys
 * windows without 'close' (Electron's app.exit, base-window.md) — the window appears only once
 * its page has painted (show: false + 'ready-to-show', no white flash), and spellcheck never asks
 * Google's CDN for dictionaries.
 */
import { expect, test } from '../scenario-kit.ts';
import type { Generation } from '../launcher.ts';

interface WindowRecord { kind: string; [detail: string]: unknown }
interface WindowsInfo { windows: Array<{ bounds: { x: number; y: number; width: number; height: number }; maximized: boolean; visible: boolean }> }

function records(app: Generation, kind: string): WindowRecord[] {
  return app.eventsNamed('windows.record').map((event) => event.data as WindowRecord).filter((record) => record.kind === kind);
}

test('D12, L13: the size and place the person gave the window survive a tray Restart (no \'close\' on that path)', async ({ launch, windowOf }) => {
  const harness = await launch();
  const first = await harness.start();
  await first.ready();
  await windowOf(first);
  const moved = { x: 140, y: 110, width: 1000, height: 640 };
  await first.command('window.setBounds', { bounds: moved });

  await first.waitForEvent('tray.menu');
  await first.command('tray.clickItem', { label: 'Restart' });
  expect((await first.waitForExit(20_000)).code).toBe(0);
  // The restart destroyed the window without a 'close' event (Electron's app.exit).
  expect(records(first, 'window.close')).toEqual([]);

  const second = await harness.next(first);
  await second.ready();
  await windowOf(second);
  const info = await second.command<WindowsInfo>('windows.info');
  expect(info.windows).toHaveLength(1);
  expect(info.windows[0]!.bounds).toEqual(moved);
});

test('D12: a maximised window comes back maximised after a restart, with its normal size kept for un-maximising', async ({ launch, windowOf }) => {
  const harness = await launch();
  const first = await harness.start();
  await first.ready();
  await windowOf(first);
  const normal = { x: 200, y: 150, width: 900, height: 600 };
  await first.command('window.setBounds', { bounds: normal });
  await first.command('window.maximize');

  await first.waitForEvent('tray.menu');
  await first.command('tray.clickItem', { label: 'Restart' });
  expect((await first.waitForExit(20_000)).code).toBe(0);

  const second = await harness.next(first);
  await second.ready();
  await windowOf(second);
  const created = records(second, 'window.created')[0]!;
  // The new window is placed at the saved normal bounds, then maximised.
  expect(created.bounds).toEqual(normal);
  await expect.poll(async () => (await second.command<WindowsInfo>('windows.info')).windows[0]?.maximized).toBe(true);
});

test('D12 (finding 24): the window is shown only after ready-to-show, never blank first', async ({ launch, windowOf }) => {
  const app = await (await launch()).start();
  await app.ready();
  const page = await windowOf(app);
  await expect(page.getByTestId('connection-status')).toContainText('Connected');
  const created = records(app, 'window.created')[0]!;
  expect((created.options as { show?: boolean }).show).toBe(false);
  // Shown at ready-to-show (the first paint), which may come a moment after the page connected.
  await expect.poll(() => records(app, 'window.show').length).toBeGreaterThan(0);
  const shows = records(app, 'window.show');
  const timeline = app.eventsNamed('windows.record').map((event) => event.data as WindowRecord).filter((record) => record.kind.startsWith('window.'))
    .map((record) => `${String(record.at)} ${record.kind}`).join('\n');
  expect(shows[0], `the first show comes after the page is ready to show; window timeline:\n${timeline}`).toMatchObject({ readyToShow: true });
});

test('D12 (finding 18): spellcheck never downloads dictionaries from Google\'s CDN', async ({ launch, windowOf }) => {
  const app = await (await launch()).start();
  await app.ready();
  await windowOf(app);
  const downloads = records(app, 'session.spellcheck-dictionary-download').map((record) => String(record.url));
  expect(downloads.filter((url) => url.startsWith('https://redirector.gvt1.com/'))).toEqual([]);
  // And nothing else left for the network either.
  expect(records(app, 'network.request')).toEqual([]);
});

test('L27: a window saved on a monitor that is gone comes back on one that is there', async ({ launch, windowOf }) => {
  const twoDisplays = JSON.stringify([{ x: 0, y: 0, width: 1920, height: 1080 }, { x: 1920, y: 0, width: 1280, height: 1024 }]);
  const oneDisplay = JSON.stringify([{ x: 0, y: 0, width: 1920, height: 1080 }]);
  const harness = await launch();
  const first = await harness.start([], { BATON_HARNESS_DISPLAYS: twoDisplays });
  await first.ready();
  await windowOf(first);
  await first.command('window.setBounds', { bounds: { x: 2100, y: 100, width: 900, height: 700 } });
  await first.waitForEvent('tray.menu');
  await first.command('tray.clickItem', { label: 'Quit' });
  expect((await first.waitForExit(20_000)).code).toBe(0);

  // The second monitor was unplugged while Baton was closed.
  const second = await harness.start([], { BATON_HARNESS_DISPLAYS: oneDisplay });
  await second.ready();
  await windowOf(second);
  const { bounds } = (await second.command<WindowsInfo>('windows.info')).windows[0]!;
  expect(bounds.width).toBe(900);
  expect(bounds.height).toBe(700);
  expect(bounds.x + bounds.width, 'on the remaining display').toBeLessThanOrEqual(1920);
  expect(bounds.x).toBeGreaterThanOrEqual(0);
});
