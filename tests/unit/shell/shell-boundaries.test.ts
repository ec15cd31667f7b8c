/** ENGINEERING.md §2 for the desktop side: the preload stays a sandboxed bundle, core stays Electron-free. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const RULE = '@typescript-eslint/no-restricted-imports';

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('desktop import boundaries', () => {
  it('the preload may not import Node built-ins or main-process code', async () => {
    expect(await ruleIdsFor('electron/preload/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).toContain(RULE);
    expect(await ruleIdsFor('electron/preload/x.ts', "import { GatewayRuntime } from '../shell/gateway-runtime.ts';\nexport const g = GatewayRuntime;\n")).toContain(RULE);
  });

  it('the preload may import electron (contextBridge) and shared/', async () => {
    expect(await ruleIdsFor('electron/preload/x.ts', "import { contextBridge } from 'electron';\nimport { warn } from '../../shared/protocol/transport.ts';\nexport const c = [contextBridge, warn];\n")).not.toContain(RULE);
  });

  it('the update policy lives in core and may not import electron at run time', async () => {
    expect(await ruleIdsFor('electron/core/update/x.ts', "import { autoUpdater } from 'electron';\nexport const a = autoUpdater;\n")).toContain(RULE);
  });

  it('the shell may not reach into the renderer', async () => {
    expect(await ruleIdsFor('electron/shell/x.ts', "import { App } from '../../renderer/src/App.tsx';\nexport const a = App;\n")).toContain(RULE);
  });
});
