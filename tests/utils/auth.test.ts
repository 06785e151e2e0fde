import { describe, expect, test } from 'vitest'
import { safeRedirect } from '#app/utils/auth.server.ts'

describe('where to go after signing in', () => {
  test.each([
    ['https://evil.example', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/\u0000//evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['', '/'],
    [null, '/'],
    ['/returns?month=2026-10', '/returns?month=2026-10'],
    ['/boards/S08000024#trend', '/boards/S08000024#trend'],
  ])('%j goes to %j', (to, expected) => {
    expect(safeRedirect(to)).toBe(expected)
  })
})
