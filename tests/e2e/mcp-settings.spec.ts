/**
 * Issue 10 "MCP servers in the app": a person adds a remote (HTTP) MCP server in Settings, sees it
 * become Ready with its tools, and the model uses its tool in the next turn — without restarting
 * Baton. The server is the SDK's own, run by the test on 127.0.0.1.
 */
import { BatonWindow, expect, screenshot, test } from './support/fixtures.ts';
import { serveMcpHttp } from '../fixtures/mcp-http-server-process.ts';
import { textReply, toolCallReply } from '../fixtures/scripted-openai-server.ts';

test('issue 10: an HTTP MCP server added in Settings is ready at once and its tool is used in a turn, no restart', async ({ page, baton }) => {
  const mcp = await serveMcpHttp();
  try {
    const supervisor = await baton();
    const { model } = supervisor;
    const window = await BatonWindow.open(page, supervisor);

    await page.getByTestId('settings-button').click();
    const section = page.getByTestId('mcp-settings');
    await expect(section).toContainText('No MCP server yet.');
    await section.getByTestId('mcp-add').click();
    await section.getByTestId('mcp-name').fill('remote');
    await section.getByTestId('mcp-transport').selectOption('http');
    await section.getByTestId('mcp-url').fill(`${mcp.base}/mcp`);
    await section.getByTestId('mcp-secrets').fill('X-Team: baton-e2e');
    await section.getByTestId('mcp-save').click();

    const entry = section.locator('[data-testid="mcp-server"][data-server="remote"]');
    await expect(entry.getByTestId('mcp-state')).toHaveText('Ready');
    await entry.getByText('3 tools').click();
    await expect(entry.getByTestId('mcp-tool')).toHaveCount(3);
    await expect(entry.getByTestId('mcp-tool').first()).toContainText('echo');
    await expect(entry.getByTestId('mcp-tool').first()).toContainText('read-only');
    // Import: a name already taken is not replaced, and says so.
    await section.getByText('Import from Claude Desktop or Cursor').click();
    // Read from a file, as a person would pick claude_desktop_config.json.
    await section.getByTestId('mcp-import-file').setInputFiles({
      name: 'claude_desktop_config.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ mcpServers: { remote: { command: 'x' }, broken: { command: 'baton-no-such-mcp-server' } } })),
    });
    await expect(section.getByTestId('mcp-import-text')).toHaveValue(/baton-no-such-mcp-server/);
    await section.getByTestId('mcp-import').click();
    await expect(section.getByTestId('mcp-import-result')).toContainText('"remote" already exists; it was not replaced.');
    const broken = section.locator('[data-testid="mcp-server"][data-server="broken"]');
    await expect(broken.getByTestId('mcp-state')).toHaveText('Failed');
    await expect(broken.getByTestId('mcp-error')).toContainText('command not found: "baton-no-such-mcp-server"');
    await screenshot(page, 'mcp-settings');
    await page.getByTestId('settings-close').click();

    await window.newChat();
    model.enqueue(toolCallReply([{ id: 'call_echo', name: 'remote__echo', args: { text: 'hello from MCP' } }]), textReply('The server said hello.'));
    await window.send('Ask the remote server to echo');

    const card = page.getByTestId('tool-card');
    // echo is read-only, so it runs without asking.
    await expect(card).toHaveAttribute('data-status', 'done');
    await expect(window.assistantMessages.last()).toHaveText('The server said hello.');
    const first = await model.waitForRequest(1);
    expect(JSON.stringify(first.body)).toContain('remote__echo');
    const followUp = await model.waitForRequest(2);
    const toolResult = followUp.body.messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_echo');
    expect(String(toolResult?.content)).toContain('hello from MCP');
  } finally {
    mcp.child.kill('SIGKILL');
  }
});
