import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds out/cli/ and out/workers/ from the sources first: the tests run the built CLI and worker threads.
    globalSetup: ['bin/build-cli.mjs'],
    include: ['app/**/*.slow.test.ts', 'electron/**/*.slow.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
