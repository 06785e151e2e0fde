import { describe, expect, test } from 'vitest'
import { safeRedirect } from '#app/utils/auth.server.ts'
import { passwordProblem } from '#app/utils/password-policy.server.ts'

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

describe('choosing a password', () => {
  test('fewer than 12 characters is refused', () => {
    expect(passwordProblem('elevenchars')).toMatch(/at least 12 characters/)
    expect(passwordProblem('twelve chars')).toBeNull()
  })
  test('common passwords are refused whatever their case', () => {
    expect(passwordProblem('Password1234')).toMatch(/too common/)
    expect(passwordProblem('QWERTY123456')).toMatch(/too common/)
    expect(passwordProblem('scotland2026')).toMatch(/too common/)
  })
  test('a password made of very few characters is refused', () => {
    expect(passwordProblem('abababababab')).toMatch(/harder to guess/)
  })
  test('a password containing the email address is refused', () => {
    expect(passwordProblem('morag.campbell-2026', { email: 'morag.campbell@example.scot' })).toMatch(/email address/)
  })
})
