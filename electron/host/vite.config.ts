// The headless host as a bundle (issue 13: start → ready was mostly Node resolving, reading and
// type-stripping hundreds of modules). `npm run build:host` writes out/host/main.js, ESM for Node 24:
//   - every package is inlined but better-sqlite3, whose native binding is found next to its own code;
//   - the dynamic imports stay code-split chunks, so what loads lazily from the sources (the
//     provider SDKs, the MCP SDK, the host itself behind main.ts's secret re-exec, R4) loads
//     lazily from the bundle too;
//   - chunks sit flat beside main.js: run-host.ts finds the repository (package.json, renderer/dist)
//     at '../..' from its own file, which holds for electron/host/ and out/host/ alike.
// scripts/supervise-host.sh runs the bundle when it is newer than every source file, else the sources.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '../..');
/** Native code cannot be bundled: it stays a run-time import from node_modules. */
const external = ['better-sqlite3'];

export default defineConfig({
  root,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: resolve(root, 'out/host'),
    emptyOutDir: true,
    target: 'node24',
    // Readable stack traces in bug reports; parsing is lazy in V8, so size matters little.
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      input: { main: resolve(root, 'electron/host/main.ts') },
      external,
      output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
  ssr: { noExternal: true, external, target: 'node' },
});
