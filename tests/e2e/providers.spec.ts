/**
 * Provider setup that checks itself (issue 11), as a person does it against the real headless host
 * and the scripted OpenAI-compatible server (which serves GET /v1/models and checks the key):
 * a wrong key is named as such by Test connection, the model is picked from the server's own
 * list, the connection tests ok, the chat goes to the picked model; removing the provider asks
 * first. A provider from the environment is shown "From environment", not a setup screen.
 */
import { startScriptedOpenAIServer, textReply } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';

const RIGHT_KEY = 'sk-e2e-right-key-0123456789';

test('issue 11, R3, R4: set up a provider by picking a fetched model; Test connection fails on a bad key in clear words, then passes', async ({ page, baton }) => {
  const supervisor = await baton({ modelFromEnv: false });
  supervisor.model.models.ids = ['scripted-model', 'scripted-picked', 'scripted-third'];
  supervisor.model.models.key = RIGHT_KEY;
  const window = await BatonWindow.open(page, supervisor);

  const setup = page.getByTestId('provider-setup');
  await expect(setup.getByRole('heading', { name: 'Set up a model provider' })).toBeVisible();
  await setup.getByTestId('provider-preset').selectOption({ label: 'Other OpenAI-compatible' });
  await setup.getByTestId('provider-name').fill('Scripted');
  await setup.getByTestId('provider-base-url').fill(supervisor.model.url);

  // A wrong key: the check says so, in words, and never shows the key.
  await setup.getByTestId('provider-api-key').fill('sk-e2e-wrong-key-0123456789');
  await setup.getByTestId('provider-test').click();
  const check = setup.getByTestId('provider-check');
  await expect(check).toHaveAttribute('data-state', 'failed');
  await expect(check).toHaveText('Scripted refused the request (401): Incorrect API key provided: sk-wr***ng. Check the API key configured for Scripted.');
  await screenshot(page, 'providers-test-connection-bad-key');

  // The right key: the models come from the server, and one is picked from the list.
  await setup.getByTestId('provider-api-key').fill(RIGHT_KEY);
  await setup.getByTestId('provider-load-models').click();
  await expect(check).toHaveText('3 models found; pick one or type a name.');
  const picker = setup.getByTestId('provider-model-select');
  await expect(picker.locator('option')).toHaveText(['Pick a model…', 'scripted-model', 'scripted-picked', 'scripted-third']);
  await picker.selectOption('scripted-picked');
  await expect(setup.getByTestId('provider-model')).toHaveValue('scripted-picked');

  await setup.getByTestId('provider-test').click();
  await expect(check).toHaveAttribute('data-state', 'ok');
  await expect(check).toHaveText(/^Connected to Scripted in \d+ ms: 3 models offered\.$/);
  await screenshot(page, 'providers-test-connection-ok');
  expect(supervisor.model.models.seenKeys.at(-1)).toBe(RIGHT_KEY);

  await setup.getByTestId('provider-save').click();
  await expect(page.getByRole('heading', { name: 'Welcome to Baton' })).toBeVisible();

  // The chat goes to the model picked from the list.
  await window.newChat();
  supervisor.model.enqueue(textReply('Hello from the picked model.'));
  await window.send('Which model are you?');
  await expect(window.assistantMessages.first()).toHaveText('Hello from the picked model.');
  expect((await supervisor.model.waitForRequest(1)).body.model).toBe('scripted-picked');
  expect(supervisor.model.requests[0]!.headers.authorization).toBe(`Bearer ${RIGHT_KEY}`);

  // Settings: the provider is in use; its own Test connection passes; removing it asks first.
  await page.getByTestId('settings-button').click();
  const entry = page.locator('[data-testid="provider-entry"][data-provider="Scripted"]');
  await expect(entry).toContainText('Default');
  await expect(entry.getByTestId('provider-key-state')).toHaveText('Key stored');
  await entry.getByTestId('provider-entry-test').click();
  await expect(entry.getByTestId('provider-test-result')).toHaveText(/^Connected to Scripted in \d+ ms: 3 models offered\.$/);

  // Edit: a new name and another model from the list; the stored key and "Default" move with the name.
  await entry.getByTestId('provider-edit').click();
  const form = entry.getByRole('form', { name: 'Edit Scripted' });
  await form.getByTestId('provider-name').fill('Scripted local');
  await form.getByTestId('provider-load-models').click();
  await form.getByTestId('provider-model-select').selectOption('scripted-third');
  await screenshot(page, 'providers-edit');
  await form.getByTestId('provider-save').click();
  const renamed = page.locator('[data-testid="provider-entry"][data-provider="Scripted local"]');
  await expect(renamed).toContainText('Default');
  await expect(renamed).toContainText('scripted-third');
  await expect(renamed.getByTestId('provider-key-state')).toHaveText('Key stored');
  await expect(entry).toHaveCount(0);

  await renamed.getByTestId('provider-remove').click();
  await expect(renamed.getByTestId('provider-remove-confirm')).toContainText('Remove “Scripted local”? New conversations will use another provider.');
  await screenshot(page, 'providers-remove-confirm');
  await renamed.getByTestId('provider-remove-yes').click();
  await expect(page.getByTestId('providers-notice')).toHaveText('Removed “Scripted local”. No provider is left: add one to chat.');
  await expect(renamed).toHaveCount(0);
});

test('issue 11: a provider from OPENAI_BASE_URL / OPENAI_API_KEY is shown "From environment", tests ok, and no setup screen asks for one', async ({ page, baton }) => {
  const supervisor = await baton();
  // The environment's key (fixtures/supervisor.ts) is the one the server wants.
  supervisor.model.models.key = 'sk-e2e-scripted';
  supervisor.model.models.ids = ['scripted-env-model', 'scripted-model'];
  await BatonWindow.open(page, supervisor);

  await expect(page.getByRole('heading', { name: 'Welcome to Baton' })).toBeVisible();
  await expect(page.getByTestId('provider-setup')).toHaveCount(0);

  await page.getByTestId('settings-button').click();
  const entry = page.locator('[data-testid="provider-entry"][data-source="environment"]');
  await expect(entry).toHaveCount(1);
  await expect(entry.getByTestId('provider-from-env')).toHaveText('From environment');
  await expect(entry).toContainText('Default');
  await expect(entry).toContainText('scripted-env-model');
  await expect(entry.getByTestId('provider-key-state')).toHaveText('Key from the environment');
  // It is not edited or removed here: the environment sets it.
  await expect(entry.getByTestId('provider-edit')).toHaveCount(0);
  await expect(entry.getByTestId('provider-remove')).toHaveCount(0);
  await entry.getByTestId('provider-entry-test').click();
  await expect(entry.getByTestId('provider-test-result')).toHaveText(/^Connected to OpenAI-compatible server \(127\.0\.0\.1:\d+\) in \d+ ms: 2 models offered\.$/);
  await screenshot(page, 'providers-from-environment');
  // R4: the key itself never reaches the window.
  expect(await page.content()).not.toContain('sk-e2e-scripted');

  // L34: adding a provider leaves the conversations on the one in use (it used to switch them all).
  const other = await startScriptedOpenAIServer();
  try {
    await page.locator('.add-provider summary').click();
    const add = page.getByRole('form', { name: 'Add a provider' });
    await add.getByTestId('provider-preset').selectOption({ label: 'Other OpenAI-compatible' });
    await add.getByTestId('provider-name').fill('Added');
    await add.getByTestId('provider-base-url').fill(other.url);
    await add.getByTestId('provider-model').fill('added-model');
    await add.getByTestId('provider-save').click();
    await expect(add.getByTestId('provider-saved')).toHaveText(/^Saved “Added”\. New conversations still use “OpenAI-compatible server \(127\.0\.0\.1:\d+\)”; choose Make default to switch, or pick it in a conversation’s header\.$/);
    await expect(entry).toContainText('Default');
    await page.getByTestId('settings-close').click();

    const window = new BatonWindow(page);
    await window.newChat();
    supervisor.model.enqueue(textReply('Still the environment’s model.'));
    await window.send('Who answers?');
    await expect(window.assistantMessages.first()).toHaveText('Still the environment’s model.');
    expect((await supervisor.model.waitForRequest(1)).body.model).toBe('scripted-env-model');
    expect(other.requests).toHaveLength(0);
  } finally {
    await other.close();
  }
});

test('issue 11: Detect local servers finds an Ollama on this machine (OLLAMA_HOST\'s port) and sets it up in one click', async ({ page, baton }) => {
  // An OpenAI-compatible server standing in for Ollama: /v1/models and chat completions, no key.
  const ollama = await startScriptedOpenAIServer();
  try {
    ollama.models.ids = ['llama3.2:latest', 'qwen3:8b'];
    const port = new URL(ollama.origin).port;
    const supervisor = await baton({ modelFromEnv: false, env: { OLLAMA_HOST: `127.0.0.1:${port}` } });
    const window = await BatonWindow.open(page, supervisor);

    const setup = page.getByTestId('provider-setup');
    await setup.getByTestId('provider-detect').click();
    // Other servers may run on this machine's usual ports; the one under test is named by its address.
    const found = setup.getByTestId('provider-detected-server').filter({ hasText: `Use Ollama at ${ollama.url} · 2 models` });
    await expect(found).toHaveCount(1);
    await screenshot(page, 'providers-detected-local');
    await found.click();
    await expect(setup.getByTestId('provider-name')).toHaveValue('Ollama');
    await expect(setup.getByTestId('provider-base-url')).toHaveValue(ollama.url);
    await expect(setup.getByTestId('provider-model')).toHaveValue('llama3.2:latest');
    await setup.getByTestId('provider-model-select').selectOption('qwen3:8b');
    await setup.getByTestId('provider-test').click();
    await expect(setup.getByTestId('provider-check')).toHaveText(/^Connected to Ollama in \d+ ms: 2 models offered\.$/);
    await setup.getByTestId('provider-save').click();
    await expect(page.getByRole('heading', { name: 'Welcome to Baton' })).toBeVisible();

    await window.newChat();
    ollama.enqueue(textReply('Hello from the local model.'));
    await window.send('Hi');
    await expect(window.assistantMessages.first()).toHaveText('Hello from the local model.');
    const request = await ollama.waitForRequest(1);
    expect(request.body.model).toBe('qwen3:8b');
    // A keyless local server gets no Authorization header.
    expect(request.headers.authorization).toBeUndefined();
  } finally {
    await ollama.close();
  }
});
