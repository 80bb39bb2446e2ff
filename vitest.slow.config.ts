import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.slow.test.ts', 'electron/**/*.slow.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
