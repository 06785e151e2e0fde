import { describe, expect, test } from 'vitest'
import { MIN_PASSWORD_SCORE, passwordProblem } from '#app/utils/password-policy.server.ts'
import { TEST_PASSWORD } from '#tests/setup/client.ts'

// Board names as the routes pass them (they read them from the database).
const BOARDS = ['Greater Glasgow and Clyde', 'Lothian', 'Dumfries and Galloway', 'Western Isles']

describe('choosing a password', () => {
  test('the minimum score is 3 of 4, as the README says', () => {
    expect(MIN_PASSWORD_SCORE).toBe(3)
  })

  test('fewer than 12 characters is refused before anything else', () => {
    expect(passwordProblem('elevenchars')).toBe('Password must be at least 12 characters long')
    expect(passwordProblem('x'.repeat(201))).toBe('Password must be 200 characters or fewer')
  })

  test.each([
    // "password" with @ for a, 5 for s and 0 for o, then a recent year.
    ['P@55w0rd2026', /This is similar to a commonly used password\./],
    // A keyboard row, a digit run and one symbol: in zxcvbn's common-password list.
    ['Qwerty123456!', /commonly used password/],
    // "password" with 0 for o, then "!234", the shifted 1 before a digit run.
    ['Passw0rd!234', /commonly used password/],
    ['Password1234', /commonly used password/],
    // One character pair repeated six times.
    ['abababababab', /Repeated character patterns like "abcabcabc" are easy to guess\./],
  ])('%s is refused as easy to guess, saying why and what to do', (password, reason) => {
    const problem = passwordProblem(password)
    expect(problem).toMatch(/^Password is too easy to guess\. /)
    expect(problem).toMatch(reason)
    expect(problem).toMatch(/Three random words make a strong password that is easy to remember\.$/)
  })

  test('the demo password and the tests’ password are strong enough', () => {
    expect(passwordProblem('scotland-demo-2026', { email: 'national.lead@demo.scot', serviceWords: BOARDS })).toBeNull()
    expect(passwordProblem(TEST_PASSWORD, { email: 'lead@example.scot', serviceWords: BOARDS })).toBeNull()
    expect(passwordProblem('correct horse battery staple')).toBeNull()
  })

  test('a password containing the email address is refused', () => {
    expect(passwordProblem('morag.campbell-2026', { email: 'morag.campbell@example.scot' })).toBe(
      'Password must not contain your email address',
    )
  })

  test('a board’s name and the person’s name count as easy guesses', () => {
    // "lothian" then six characters: accepted when nothing is known about the service, but
    // refused once Lothian is one of its words (one guess for the word instead of thousands).
    expect(passwordProblem('Lothian2026!')).toBeNull()
    expect(passwordProblem('Lothian2026!', { serviceWords: BOARDS })).toMatch(
      /It contains a name, an email address or a board’s name/,
    )
    // A word of a longer board name counts on its own.
    expect(passwordProblem('Galloway2026!')).toBeNull()
    expect(passwordProblem('Galloway2026!', { serviceWords: BOARDS })).toMatch(/board’s name/)
    expect(passwordProblem('Kirstagh2026!', { name: 'Kirstagh Morrison' })).toMatch(/a name/)
    expect(passwordProblem('Kirstagh2026!')).toBeNull()
  })
})
