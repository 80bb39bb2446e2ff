import { defineConfig } from 'vitest/config';

// Fast suites run in `npm test`; `*.slow.test.ts` (crash loops, soak, big files) run in `npm run test:slow`.
export default defineConfig({
  test: {
    // Builds out/cli/ and out/workers/ from the sources first: the tests run the built CLI and worker threads.
    globalSetup: ['bin/build-cli.mjs'],
    include: ['app/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
    exclude: ['**/*.slow.test.ts', 'node_modules/**', 'out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
