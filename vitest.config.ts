import { defineConfig } from 'vitest/config'

// Kept apart from vite.config.ts: the Remix plugin has no place in unit and database tests.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    globalSetup: ['tests/setup/global.ts'],
    setupFiles: ['tests/setup/each-file.ts', 'tests/setup/dom.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: more workers only queue for the CPU and each holds its own database.
    maxWorkers: 2,
  },
})
