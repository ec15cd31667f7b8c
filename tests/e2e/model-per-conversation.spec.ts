/**
 * L34, a conversation keeps its agent, as a person lives it: two model servers (two providers), a
 * conversation switched from one to the other in its header mid-conversation, then a restart in
 * the middle of a turn — the resumed turn goes to the same provider and model, judged by which
 * scripted server got the request. Then agent profiles and the settings that used to live in
 * config.json only, edited in Settings and picked in the conversation header.
 */
import { startScriptedOpenAIServer, textReply, type ScriptedOpenAIServer } from '../fixtures/scripted-openai-server.ts';
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { stalledReply } from './support/scripts.ts';

let second: ScriptedOpenAIServer | null = null;
test.afterEach(async () => {
  await second?.close();
  second = null;
});

test('L34, L20: switch the model mid-conversation in the header, restart mid-turn, and the resume uses the same provider and model', async ({ page, baton }) => {
  second = await startScriptedOpenAIServer();
  second.models.ids = ['second-model', 'second-other'];
  // "Second" is saved in the settings, so it is the default; the scripted server from the environment is the other provider.
  const supervisor = await baton({
    settings: { drainTimeoutSeconds: 0, graceSeconds: 1, providers: [{ name: 'Second', kind: 'openai-compatible', baseUrl: second.url, model: 'second-model' }] },
  });
  const envName = `OpenAI-compatible server (127.0.0.1:${new URL(supervisor.model.url).port})`;
  supervisor.model.models.ids = ['scripted-env-model', 'scripted-picked'];
  const window = await BatonWindow.open(page, supervisor);

  const laneKey = await window.newChat();
  const toggle = page.getByTestId('model-picker-toggle');
  await expect(page.getByTestId('lane-model')).toHaveText('Second · second-model');

  second.enqueue(textReply('Hello from the second server.'));
  await window.send('Who answers?');
  await expect(window.assistantMessages.first()).toContainText('Hello from the second server.');
  await expect(page.getByTestId('answer-model').first()).toHaveText('Second · second-model');

  // Switch with the keyboard: open the picker, choose the other provider, pick a model from its own list.
  await toggle.focus();
  await page.keyboard.press('Enter');
  const picker = page.getByTestId('model-picker');
  await expect(picker).toBeVisible();
  await expect(picker.getByTestId('model-picker-provider')).toBeFocused();
  await picker.getByTestId('model-picker-provider').selectOption(envName);
  await expect(picker.getByTestId('model-picker-models').locator('option')).toHaveCount(2);
  await picker.getByTestId('model-picker-model').fill('scripted-picked');
  await screenshot(page, 'model-per-conversation-picker');
  await picker.getByTestId('model-picker-model').press('Enter');
  await expect(picker.getByTestId('model-picker-status')).toHaveText(`This conversation now uses ${envName} · scripted-picked; it applies from the next turn.`);
  await page.keyboard.press('Escape');
  await expect(picker).toHaveCount(0);
  await expect(toggle).toBeFocused();
  await expect(page.getByTestId('lane-model')).toHaveText(`${envName} · scripted-picked`);

  // The next turn goes to the other server, with the picked model; the first answer keeps its label.
  supervisor.model.enqueue(textReply('Now the env server answers.'));
  await window.send('And now?');
  await expect(window.assistantMessages.nth(1)).toContainText('Now the env server answers.');
  await expect(page.getByTestId('answer-model').nth(1)).toHaveText(`${envName} · scripted-picked`);
  await expect(page.getByTestId('answer-model').first()).toHaveText('Second · second-model');
  expect((await supervisor.model.waitForRequest(1)).body.model).toBe('scripted-picked');

  // A restart in the middle of a turn: the relaunch resumes it on the same server and model.
  supervisor.model.enqueue(stalledReply('Working on it'), textReply('Finished after the restart.'));
  await window.send('A long job, please');
  await expect(window.assistantMessages.nth(2)).toContainText('Working on it');
  expect((await supervisor.restartBySignal()).code).toBe(75);
  await supervisor.waitForLaunch(2);
  await window.expectReconnected();
  await expect(window.assistantMessages.last()).toContainText('Finished after the restart.');
  await expect(page.getByTestId('answer-model').last()).toHaveText(`${envName} · scripted-picked`);
  await expect(page.getByTestId('lane-model')).toHaveText(`${envName} · scripted-picked`);
  await screenshot(page, 'model-per-conversation-after-restart');

  const resumed = await supervisor.model.waitForRequest(3);
  expect(resumed.body.model).toBe('scripted-picked');
  expect(supervisor.model.requests.map((r) => r.body.model)).toEqual(['scripted-picked', 'scripted-picked', 'scripted-picked']);
  expect(second.requests.map((r) => r.body.model)).toEqual(['second-model']);
  const lanes = await supervisor.call('lanes.list', {});
  expect(lanes.find((l) => l.laneKey === laneKey)).toMatchObject({ provider: envName, model: 'scripted-picked' });
});

test('L34: a profile made in Settings is picked in the header and its instructions reach the model; General settings are editable and validated', async ({ page, baton }) => {
  const supervisor = await baton();
  const window = await BatonWindow.open(page, supervisor);

  await page.getByTestId('settings-button').click();
  const panel = page.getByTestId('settings-panel');
  // Settings that were config.json-only: validated by the gateway, words shown beside the field.
  await panel.getByTestId('setting-maxSteps').fill('0');
  await panel.getByTestId('setting-maxSteps').press('Enter');
  await expect(panel.getByText(/Invalid value 0 for setting "maxSteps": expected a whole number from 1 to 500\./)).toBeVisible();
  await panel.getByTestId('setting-maxSteps').fill('12');
  await panel.getByTestId('setting-maxSteps').press('Enter');
  await panel.getByTestId('setting-systemPrompt').fill('Always answer politely.');
  await panel.getByTestId('setting-stuckLoopThreshold').focus();
  // A controlled box: it shows the saved value once the gateway took it.
  await panel.getByTestId('setting-hideToTrayWhileRunning').click();
  await expect(panel.getByTestId('setting-hideToTrayWhileRunning')).not.toBeChecked();
  await panel.getByTestId('setting-graceSeconds').fill('2');
  await panel.getByTestId('setting-graceSeconds').press('Enter');

  // A profile with its own instructions and only the read-only tools.
  await panel.getByTestId('profile-add').click();
  const editor = panel.getByTestId('profile-editor');
  await editor.getByTestId('profile-name').fill('Reviewer');
  await editor.getByTestId('profile-instructions').fill('You only review; never change files.');
  await editor.getByTestId('profile-limit-tools').check();
  await editor.getByTestId('profile-tool-read_file').check();
  await editor.getByTestId('profile-tool-list_dir').check();
  await editor.getByTestId('profile-steps').fill('4');
  await screenshot(page, 'model-per-conversation-profile-editor');
  await editor.getByTestId('profile-save').click();
  await expect(panel.getByTestId('profiles-notice')).toHaveText('Added “Reviewer”.');
  await expect(panel.locator('[data-testid="profile-entry"][data-profile="Reviewer"]')).toContainText('tools: read_file, list_dir');
  const saved = await supervisor.call('settings.get', {});
  expect(saved.settings).toMatchObject({ maxSteps: 12, systemPrompt: 'Always answer politely.', hideToTrayWhileRunning: false, graceSeconds: 2 });
  expect(saved.settings.profiles).toEqual([
    { name: 'Reviewer', instructions: 'You only review; never change files.', provider: null, model: null, tools: ['read_file', 'list_dir'], toolApproval: {}, workspaceDir: null, maxSteps: 4 },
  ]);
  await page.getByTestId('settings-close').click();

  // A conversation on the Default profile gets the Default's instructions; switched to Reviewer, the profile's.
  await window.newChat();
  supervisor.model.enqueue(textReply('Default here.'), textReply('Reviewer here.'));
  await window.send('first');
  await expect(window.assistantMessages.first()).toContainText('Default here.');
  const first = await supervisor.model.waitForRequest(1);
  expect(String(first.body.messages[0]!.content)).toContain('Always answer politely.');

  await page.getByTestId('model-picker-toggle').click();
  await page.getByTestId('profile-picker').selectOption('Reviewer');
  await expect(page.getByTestId('model-picker-status')).toHaveText('Profile: Reviewer.');
  await page.getByTestId('model-picker-close').click();
  await expect(page.getByTestId('lane-profile')).toHaveText('Reviewer');
  await window.send('second');
  await expect(window.assistantMessages.nth(1)).toContainText('Reviewer here.');
  const reviewed = await supervisor.model.waitForRequest(2);
  expect(String(reviewed.body.messages[0]!.content)).toContain('You only review; never change files.');
  expect(String(reviewed.body.messages[0]!.content)).not.toContain('Always answer politely.');
  expect(reviewed.body.tools?.map((t) => t.function.name).sort()).toEqual(['list_dir', 'read_file']);
  await screenshot(page, 'model-per-conversation-profile');
});

test('L34, R3: a conversation whose provider was removed says so on send, naming it, and runs on nothing else until another model is picked', async ({ page, baton }) => {
  second = await startScriptedOpenAIServer();
  const supervisor = await baton({ settings: { providers: [{ name: 'Second', kind: 'openai-compatible', baseUrl: second.url, model: 'second-model' }] } });
  const envName = `OpenAI-compatible server (127.0.0.1:${new URL(supervisor.model.url).port})`;
  const window = await BatonWindow.open(page, supervisor);
  await window.newChat();
  await expect(page.getByTestId('lane-model')).toHaveText('Second · second-model');

  // Removing the provider asks first; the conversation keeps naming it and the header says it is gone.
  await page.getByTestId('settings-button').click();
  const entry = page.locator('[data-testid="provider-entry"][data-provider="Second"]');
  await entry.getByTestId('provider-remove').click();
  await entry.getByTestId('provider-remove-yes').click();
  await expect(page.getByTestId('providers-notice')).toHaveText(`Removed “Second”. New conversations use “${envName}”.`);
  await page.getByTestId('settings-close').click();
  await expect(page.getByTestId('model-picker-toggle')).toContainText('provider removed');

  await window.send('Still there?');
  await expect(page.getByTestId('error-message')).toContainText('The provider “Second” this conversation uses is no longer configured. Pick another model for this conversation in its header');
  await screenshot(page, 'model-per-conversation-provider-removed');
  expect(second.requests).toHaveLength(0);
  expect(supervisor.model.requests).toHaveLength(0);

  // Another model picked in the header, then Retry: the same message, once, on the chosen provider.
  await page.getByTestId('model-picker-toggle').click();
  await page.getByTestId('model-picker-provider').selectOption(envName);
  await page.getByTestId('model-picker-apply').click();
  await expect(page.getByTestId('lane-model')).toHaveText(`${envName} · scripted-env-model`);
  await page.getByTestId('model-picker-close').click();
  supervisor.model.enqueue(textReply('Here, on the other provider.'));
  await page.getByTestId('retry-button').click();
  await expect(window.assistantMessages.last()).toContainText('Here, on the other provider.');
  await expect(window.userMessages).toHaveText(['Still there?']);
  expect((await supervisor.model.waitForRequest(1)).body.model).toBe('scripted-env-model');
  expect(second.requests).toHaveLength(0);
});
