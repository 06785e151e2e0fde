// Runs before every test file; does something only in files that ask for a browser-like
// document (`// @vitest-environment jsdom`): Testing Library's matchers and a clean page after
// each test. Node test files skip it and load none of it.
/// <reference types="@testing-library/jest-dom/vitest" />
import { afterEach } from 'vitest'

if (typeof document !== 'undefined') {
  const [{ cleanup }] = await Promise.all([
    import('@testing-library/react'),
    // Adds toBeVisible, toHaveAccessibleDescription and the rest to vitest's expect.
    import('@testing-library/jest-dom/vitest'),
  ])
  afterEach(cleanup)
}
