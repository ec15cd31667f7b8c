/**
 * Issue 13 size goal: the JavaScript the window loads before it can show anything stays ≤ 150 kB
 * gzip. Runs the size benchmark itself (a real production build of the renderer) and reads its
 * figure, then looks into the initial scripts for what must not come back into them: classic
 * zod (its chained methods keep every string format and the JSON Schema converter, ~16 kB gzip).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../..');
const OUT = path.join(REPO, 'bench', 'out', 'size-renderer');

interface Sizes {
  files: string[];
  gzipBytes: number;
}

describe('issue 13 size: the window starts on little JavaScript', () => {
  it('the initial JS is ≤ 150 kB gzip and does not carry classic zod', () => {
    // NODE_ENV=test (vitest's) would make the build take React's development files.
    const env = { ...process.env, NODE_ENV: 'production' };
    const run = spawnSync(process.execPath, ['bench/size.bench.ts'], { cwd: REPO, env, encoding: 'utf8', timeout: 110_000 });
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.split('\n').find((text) => text.startsWith('BENCH_JSON '));
    expect(line).toBeDefined();
    const { initialJs, lazyJs } = JSON.parse(line!.slice('BENCH_JSON '.length)) as { initialJs: Sizes; lazyJs: Sizes };

    expect(initialJs.gzipBytes).toBeLessThanOrEqual(150_000);
    const initialCode = initialJs.files.map((file) => fs.readFileSync(path.join(OUT, file), 'utf8')).join('\n');
    // zod names each schema class with a string; the minified build keeps those names.
    expect(initialCode).toMatch(/[`'"]ZodMiniObject[`'"]/);
    expect(initialCode).not.toMatch(/[`'"]ZodObject[`'"]/);
    expect(initialCode).not.toMatch(/toJSONSchema/);
    // The views that load on demand are still split off (Settings and the markdown formatter).
    expect(lazyJs.files.some((file) => /SettingsPanel/.test(file))).toBe(true);
    expect(lazyJs.files.some((file) => /MarkdownFormatter/.test(file))).toBe(true);
  }, 120_000);
});
