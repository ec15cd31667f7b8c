/**
 * L39, R4: an API key goes to the OS keychain (safeStorage) and never blocks the main process — the
 * synchronous safeStorage calls can wait on a keychain prompt (docs/api/safe-storage.md); the
 * harness models a 3 s prompt on them. The key is stored as ciphertext only and still works after
 * a restart, in a new process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { textReply } from '../../fixtures/scripted-openai-server.ts';
import { expect, sendInNewChat, test } from '../scenario-kit.ts';

const KEY = 'sk-harness-secret-4711';

test('L39, R4: saving and using a key never blocks main on a keychain prompt; only ciphertext is stored, and it works after a restart', async ({ launch, model, windowOf }) => {
  // No provider from the environment: the person sets one up, with a key.
  const harness = await launch({ env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', BATON_HARNESS_SAFE_STORAGE_PROMPT_MS: '3000' } });
  const first = await harness.start();
  const { userData } = await first.ready();
  const page = await windowOf(first);
  const setup = page.getByTestId('provider-setup');
  await setup.getByTestId('provider-preset').selectOption({ label: 'Other OpenAI-compatible' });
  await setup.getByTestId('provider-name').fill('Scripted');
  await setup.getByTestId('provider-base-url').fill(model.url);
  await setup.getByTestId('provider-model').fill('scripted-model');
  await setup.getByTestId('provider-api-key').fill(KEY);
  await setup.getByTestId('provider-save').click();
  await expect(page.getByRole('heading', { name: 'Welcome to Baton' })).toBeVisible();

  model.enqueue(textReply('Hello with the stored key.'));
  await sendInNewChat(page, 'Hello');
  await expect(page.getByTestId('message-assistant').last()).toHaveText('Hello with the stored key.');
  expect((await model.waitForRequest(1)).headers.authorization).toBe(`Bearer ${KEY}`);

  await first.command('tray.clickItem', { label: 'Restart' });
  await first.waitForExit(20_000);
  const secrets = fs.readFileSync(path.join(userData, 'secrets.json'), 'utf8');
  expect(secrets, 'only ciphertext on disk').not.toContain(KEY);

  const second = await harness.next(first, 20_000);
  await second.ready();
  const again = await windowOf(second);
  model.enqueue(textReply('Still using the key after the restart.'));
  await again.getByTestId('lane-item').first().click();
  await again.getByTestId('composer-input').fill('And now?');
  await again.getByTestId('send-button').click();
  await expect(again.getByTestId('message-assistant').last()).toHaveText('Still using the key after the restart.');
  expect((await model.waitForRequest(2)).headers.authorization, 'the key came back from the keychain in the new process').toBe(`Bearer ${KEY}`);

  const stalls = [first, second].flatMap((generation) => generation.eventsNamed('safeStorage.blocking').map((event) => event.data));
  expect(stalls, 'no synchronous keychain call that can wait on a prompt').toEqual([]);
});
