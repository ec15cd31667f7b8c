/**
 * The window's code size (issue 13, size goal: initial JS ≤ 150 kB gzip). Builds the renderer with
 * its production config into bench/out/size-renderer (renderer/dist is left alone) and measures,
 * from the built files: the JavaScript the page loads before it can show anything (the entry
 * script of index.html and every module it preloads or imports statically), the JavaScript loaded
 * later on demand (the markdown formatter and the like), and the CSS; each raw and gzipped
 * (zlib's default level, as Vite's own report).
 *
 * Run: `node bench/size.bench.ts`. Prints a table, then one `BENCH_JSON {...}` line for machines.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { machineInfo, REPO_ROOT, table } from './bench-kit.ts';

const OUT = path.join(REPO_ROOT, 'bench', 'out', 'size-renderer');

interface Sizes {
  files: string[];
  bytes: number;
  gzipBytes: number;
}

function sizesOf(files: Iterable<string>): Sizes {
  const list = [...files].sort();
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of list) {
    const content = fs.readFileSync(path.join(OUT, file));
    bytes += content.length;
    gzipBytes += zlib.gzipSync(content).length;
  }
  return { files: list, bytes, gzipBytes };
}

/** Relative module paths a built chunk imports statically (`import … from "./x.js"` / `import "./x.js"`). */
function staticImports(file: string): string[] {
  const code = fs.readFileSync(path.join(OUT, file), 'utf8');
  const found: string[] = [];
  for (const match of code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    found.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)));
  }
  return found;
}

/** The entry script of index.html, what it preloads, and everything those import statically. */
function initialScripts(html: string): Set<string> {
  const initial = new Set<string>();
  const pending: string[] = [];
  for (const match of html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\.?\/?([^"]+\.js)"/g)) pending.push(match[1]!);
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (initial.has(file)) continue;
    initial.add(file);
    pending.push(...staticImports(file));
  }
  return initial;
}

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

function main(): void {
  const began = performance.now();
  const log = (line: string) => console.log(line);
  const machine = machineInfo();
  log('Baton window code size (renderer production build)');
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'warn'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the renderer build failed: ${built.stderr}`);

  const html = fs.readFileSync(path.join(OUT, 'index.html'), 'utf8');
  const assets = fs.readdirSync(path.join(OUT, 'assets')).map((name) => `assets/${name}`);
  const initialSet = initialScripts(html);
  const initial = sizesOf(initialSet);
  const lazy = sizesOf(assets.filter((file) => file.endsWith('.js') && !initialSet.has(file)));
  const css = sizesOf(assets.filter((file) => file.endsWith('.css')));

  log('');
  log(
    table(
      ['what', 'files', 'raw', 'gzip'],
      [
        ['initial JS (entry + static imports)', String(initial.files.length), kB(initial.bytes), kB(initial.gzipBytes)],
        ['JS loaded on demand', String(lazy.files.length), kB(lazy.bytes), kB(lazy.gzipBytes)],
        ['CSS', String(css.files.length), kB(css.bytes), kB(css.gzipBytes)],
      ],
    ),
  );
  log(`Initial: ${initial.files.join(', ')}. On demand: ${lazy.files.join(', ')}.`);
  log(`BENCH_JSON ${JSON.stringify({ machine, initialJs: initial, lazyJs: lazy, css, seconds: (performance.now() - began) / 1000 })}`);
}

main();
