// The renderer bundle: built into renderer/dist with relative paths, so the same files load from
// the headless host's HTTP server and from file:// in Electron.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;

/** The dev server injects an inline script the strict CSP would block; built files need no exception. */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'baton-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inline assets would be data: URLs; keep fonts and the like as files for the CSP.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
});
