// Lint rules double as the architecture's fences (ENGINEERING.md §2): a boundary violation fails CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electronAtRuntime = {
  name: 'electron',
  allowTypeImports: true,
  message: 'Only electron/shell may import electron at run time; use a port from electron/core/ports.ts.',
};

const nodeBuiltins = {
  regex: '^node:',
  message: 'shared/ is environment-neutral: no Node built-ins.',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'dist/', 'out/', 'test-results/', 'bench/out/', 'renderer/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [electronAtRuntime],
        patterns: [{ group: ['**/shell/**', '**/renderer/**'], message: 'core, host and cli never reach into the shell or the renderer.' }],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ ...electronAtRuntime, allowTypeImports: false, message: 'shared/ never imports electron.' }],
        patterns: [
          nodeBuiltins,
          { group: ['fs', 'path', 'os', 'child_process', 'crypto', 'events', 'url', 'net', 'http'], message: 'shared/ is environment-neutral: no Node built-ins.' },
          { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing in the app.' },
        ],
      }],
    },
  },
  {
    // The preload runs sandboxed in the window: no Node built-ins, and none of the main process's code.
    files: ['electron/preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { ...nodeBuiltins, message: 'The preload is a sandboxed bundle: no Node built-ins.' },
          { group: ['fs', 'path', 'os', 'child_process', 'crypto', 'events', 'url', 'net', 'http'], message: 'The preload is a sandboxed bundle: no Node built-ins.' },
          { group: ['**/core/**', '**/shell/**', '**/host/**', '**/renderer/**'], message: 'The preload depends only on shared/ and its own channel names.' },
        ],
      }],
    },
  },
  {
    files: ['electron/shell/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**', '**/host/**'], message: 'The shell talks to the renderer only through the preload and a Transport.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ ...electronAtRuntime, allowTypeImports: false, message: 'The renderer talks to the gateway only through a Transport.' }],
        patterns: [nodeBuiltins, { group: ['**/electron/**'], message: 'The renderer never imports electron/.' }],
      }],
    },
  },
);
