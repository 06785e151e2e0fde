// Runs before every test file.
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { readConfig, setConfig } from '#app/utils/config.server.ts'

setConfig(
  readConfig({
    NODE_ENV: 'test',
    DATA_DIR: '.data/test',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    // The test client speaks for many users from the loopback interface (tests/setup/client.ts).
    TRUST_PROXY: 'loopback',
  }),
)

// An error written to the console during a test is a failure, even if the test passed.
let consoleErrors: unknown[][] = []
beforeEach(() => {
  consoleErrors = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args)
  })
})
afterEach(() => {
  vi.mocked(console.error).mockRestore()
  expect(
    consoleErrors.map((args) => args.map(String).join(' ').slice(0, 500)),
    'console.error was called during the test',
  ).toEqual([])
})
