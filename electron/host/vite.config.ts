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
import { defineConfig, type Plugin } from 'vite';

const BUILTIN_IMPORT = /^import\s+(?:([\w$]+)\s*,?\s*)?(?:\*\s+as\s+([\w$]+)|\{([^}]*)\})?\s*(?:from\s+)?"(node:[\w/]+)";$/gm;

/**
 * Node's built-ins through `require`, not `import`. An ESM import of a built-in builds a facade
 * that reads every export, and some exports are lazy getters: `node:http` then loads undici (its
 * fetch and WebSocket) and `node:fs` its stream classes, about 45 ms of CPU in every host start
 * that the host never uses. `const { a, b: c } = require('node:x')` reads only what is imported.
 */
function builtinsThroughRequire(): Plugin {
  return {
    name: 'baton-builtins-through-require',
    renderChunk(code) {
      let rewritten = false;
      const out = code.replace(BUILTIN_IMPORT, (_all, fallback: string | undefined, namespace: string | undefined, named: string | undefined, id: string) => {
        if (id === 'node:module') return _all;
        rewritten = true;
        const load = `__batonRequire(${JSON.stringify(id)})`;
        const lines: string[] = [];
        const whole = fallback ?? namespace;
        if (whole) lines.push(`const ${whole} = ${load};`);
        if (named && named.trim()) {
          const names = named
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
            .map((part) => part.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'));
          lines.push(`const { ${names.join(', ')} } = ${whole ?? load};`);
        }
        if (lines.length === 0) lines.push(`${load};`);
        return lines.join(' ');
      });
      if (!rewritten) return null;
      return { code: `import { createRequire as __batonCreateRequire } from "node:module";\nconst __batonRequire = __batonCreateRequire(import.meta.url);\n${out}`, map: null };
    },
  };
}

const root = resolve(import.meta.dirname, '../..');
/** Native code cannot be bundled: it stays a run-time import from node_modules. */
const external = ['better-sqlite3'];

export default defineConfig({
  root,
  logLevel: 'warn',
  plugins: [builtinsThroughRequire()],
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
