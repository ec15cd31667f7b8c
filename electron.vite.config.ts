// The desktop build (electron-vite): main process, preload and renderer into out/.
//   out/main/index.js      ESM, the composition root (package.json "main"); dependencies stay external
//   out/preload/index.cjs  one CommonJS bundle, everything inlined but 'electron' (sandboxed preload)
//   out/renderer/          the React app, loaded from app://baton/ (never file://)
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: { input: { index: resolve(root, 'electron/shell/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload cannot require() packages: inline them.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'electron/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves the renderer unminified by default; the window parses every byte of
      // its first script before it can show anything (931 kB → ~400 kB raw), as the headless
      // host's build (renderer/vite.config.ts, Vite's default) already does.
      minify: true,
      // Inline assets would be data: URLs; keep fonts and the like as files for the CSP.
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 2000,
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
