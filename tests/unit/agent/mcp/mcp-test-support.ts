/** What the MCP manager tests share: finding a tool by its Baton name, and a tool run context. */
import { McpManager } from '../../../../electron/core/agent/mcp/mcp-manager.ts';
import type { Tool, ToolRunContext } from '../../../../electron/core/agent/tools/tool.ts';

export function toolNamed(manager: McpManager, name: string): Tool {
  const tool = manager.tools().find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name} among ${manager.tools().map((t) => t.name).join(', ')}`);
  return tool;
}

export function runContext(workspaceDir: string, signal: AbortSignal = new AbortController().signal): ToolRunContext {
  return { signal, workspaceDir };
}

/** Managers made for a test (quiet logs), all stopped by `stopAll()` in its afterEach. */
export class TestManagers {
  readonly #managers: McpManager[] = [];

  create(options: ConstructorParameters<typeof McpManager>[0] = {}): McpManager {
    const manager = new McpManager({ log: () => {}, ...options });
    this.#managers.push(manager);
    return manager;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#managers.splice(0).map((manager) => manager.stop()));
  }
}
