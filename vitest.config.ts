import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { gyre: fileURLToPath(new URL('./index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    globalSetup: ['test/setup/global-setup.ts'],
    // The root module installs the collection optimizer that dataset scans plan with.
    setupFiles: ['test/setup/engine.ts'],
  },
});
