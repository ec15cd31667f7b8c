/**
 * Every platform's shutdown is a drain (SPEC L10, L38; D3, D4, D5): the OS asks, the app marks its
 * running turns (write-ahead), asks the OS to wait where the OS allows it, drains within the OS's
 * patience and quits by itself. The OS side is the harness's model of logind (delay lock,
 * InhibitDelayMaxSec 5 s, then SIGTERM/SIGKILL), macOS loginwindow (terminate:), and Windows
 * (WM_QUERYENDSESSION, WM_ENDSESSION then termination). Default OS budget and grace on purpose:
 * they must fit logind's default delay.
 */
import { stalledReply } from '../../e2e/support/scripts.ts';
import { expect, readLanes, sendInNewChat, test } from '../scenario-kit.ts';
import type { ModelPlatform } from '../launcher.ts';

const OS_DEFAULTS = { osShutdownBudgetSeconds: 3, graceSeconds: 5 };

async function runningTurn(platform: ModelPlatform, launch: Parameters<Parameters<typeof test>[2]>[0]['launch'], model: Parameters<Parameters<typeof test>[2]>[0]['model'], windowOf: Parameters<Parameters<typeof test>[2]>[0]['windowOf']) {
  const harness = await launch({ platform, settings: OS_DEFAULTS });
  const app = await harness.start();
  const { userData } = await app.ready();
  const page = await windowOf(app);
  model.enqueue(stalledReply('Working on the long job…'));
  await sendInNewChat(page, 'Run the long job');
  await expect(page.getByTestId('message-assistant').first()).toContainText('Working on the long job…');
  return { harness, app, userData };
}

test('L38, D3 (Linux logind): shutdown is heard, the delay lock is kept, the turn is marked and drained, and Baton quits within InhibitDelayMaxSec', async ({ launch, model, windowOf }) => {
  const { harness, app, userData } = await runningTurn('linux', launch, model, windowOf);
  const outcome = await harness.osShutdown(app, { inhibitDelayMaxSec: 5 });
  expect(outcome.reply, 'powerMonitor shutdown reached the app, which asked logind to wait').toMatchObject({ emitted: true, prevented: true, lockHeld: true });
  expect(outcome.exitedByItself, 'drained and quit before logind gave up waiting').toBe(true);
  expect(outcome.sigterm).toBe(false);
  expect(app.exit?.code).toBe(0);
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1, resume_reason: 'shutdown_timeout' });
});

test('L38, D5 (macOS terminate:): the power-off is heard and deferred, the turn is drained, and Baton quits by itself — the logout is not aborted', async ({ launch, model, windowOf }) => {
  const { harness, app, userData } = await runningTurn('darwin', launch, model, windowOf);
  const outcome = await harness.osShutdown(app, { patienceMs: 10_000 });
  expect(outcome.reply).toMatchObject({ emitted: true, prevented: true, terminate: 'deferred' });
  expect(outcome.aborted, 'a cancelled terminate: makes macOS abort the logout').toBe(false);
  expect(outcome.exitedByItself).toBe(true);
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1, resume_reason: 'shutdown_timeout' });
});

test('L38, D4 (Windows): query-session-end with a running turn asks Windows to wait, drains and quits before session-end', async ({ launch, model, windowOf }) => {
  const { harness, app, userData } = await runningTurn('win32', launch, model, windowOf);
  const outcome = await harness.osShutdown(app, { patienceMs: 10_000 });
  expect(outcome.reply).toMatchObject({ prevented: true });
  expect(outcome.exitedByItself, 'drained and quit while Windows waited').toBe(true);
  expect(app.exit?.signal, 'not terminated by the session end').toBeNull();
  expect(readLanes(userData)[0]).toMatchObject({ resume_pending: 1, resume_reason: 'shutdown_timeout' });
});
