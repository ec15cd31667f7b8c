import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts'],
    // Tests spawn real processes and SQLite files; keep parallelism within a 2-core machine.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
