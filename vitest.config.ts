import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node (it runs on Node 20, 22 and 24); `e2e` starts the
// real collector binary and, for the browser tests, a real Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          // The reliability tests measure live heap after a forced GC.
          execArgv: ['--expose-gc'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
