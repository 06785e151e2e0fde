import { defineConfig } from 'vitest/config'

// Browser tests: the production server on a fresh embedded database with the demo data, driven
// by Debian's Chromium through playwright-core, with axe checking every page.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/global.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One browser at a time on two cores keeps timings steady.
    fileParallelism: false,
  },
})
