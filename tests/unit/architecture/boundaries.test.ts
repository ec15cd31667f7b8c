/** ENGINEERING.md §2: the architecture's fences are ESLint rules; prove each one actually bites. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

const RULE = '@typescript-eslint/no-restricted-imports';

describe('import boundaries', () => {
  it('electron/core may not import electron at run time', async () => {
    expect(await ruleIdsFor('electron/core/sessions/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContain(RULE);
  });

  it('electron/core may import electron types', async () => {
    expect(await ruleIdsFor('electron/core/sessions/x.ts', "import type { App } from 'electron';\nexport type A = App;\n")).not.toContain(RULE);
  });

  it('shared may not import Node built-ins or electron, even for types', async () => {
    expect(await ruleIdsFor('shared/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).toContain(RULE);
    expect(await ruleIdsFor('shared/x.ts', "import path from 'path';\nexport const p = path;\n")).toContain(RULE);
    expect(await ruleIdsFor('shared/x.ts', "import type { App } from 'electron';\nexport type A = App;\n")).toContain(RULE);
  });

  it('the renderer may not import electron/ code', async () => {
    expect(await ruleIdsFor('renderer/src/x.ts', "import { Gateway } from '../../electron/core/gateway/gateway.ts';\nexport const g = Gateway;\n")).toContain(RULE);
  });

  it('core may not reach into the shell', async () => {
    expect(await ruleIdsFor('electron/core/x.ts', "import { main } from '../shell/main.ts';\nexport const m = main;\n")).toContain(RULE);
  });
});
