// `npm run user:create` as a person runs it: the password piped in on standard input, the
// answer on the terminal and in the exit code. It runs on an embedded database of its own in a
// temporary folder (the command's database code is the models', tested on both engines).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { TEST_PASSWORD } from '#tests/setup/client.ts'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-create-'))
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

function userCreate(args: string[], password: string) {
  const result = spawnSync('npm', ['run', '--silent', 'user:create', '--', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    },
    input: `${password}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  })
  // npm itself may warn about the machine's own configuration: keep the command's lines only.
  const stderr = result.stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('npm warn'))
    .join('\n')
  return { status: result.status, stdout: result.stdout.trim(), stderr }
}

describe('npm run user:create', () => {
  test.each([
    ['P@55w0rd2026', 'This is similar to a commonly used password.'],
    ['Qwerty123456!', 'This is similar to a commonly used password.'],
    ['Passw0rd!234', 'This is similar to a commonly used password.'],
  ])(
    'refuses %s, saying why, and creates nothing',
    (password, warning) => {
      const result = userCreate(['--email', 'lead@example.scot', '--role', 'national_lead'], password)
      expect(result.status).toBe(1)
      expect(result.stderr).toContain(`password: Password is too easy to guess. ${warning}`)
      expect(result.stderr).toContain('Three random words make a strong password that is easy to remember.')
      expect(result.stdout).not.toContain('Account created')
    },
    60_000,
  )

  test('refuses a board’s name with a year, read from the reference data', () => {
    const result = userCreate(['--email', 'lead@example.scot', '--role', 'national_lead'], 'Lothian2026!')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('It contains a name, an email address or a board’s name')
  }, 60_000)

  test('accepts a strong password and creates the account, once', () => {
    const args = ['--email', 'Lead@Example.scot', '--role', 'national_lead', '--name', 'Morag Campbell']
    const created = userCreate(args, TEST_PASSWORD)
    expect(created.stderr).toBe('')
    expect(created.stdout).toContain('Account created: lead@example.scot (national_lead).')
    expect(created.status).toBe(0)
    const again = userCreate(args, TEST_PASSWORD)
    expect(again.status).toBe(1)
    expect(again.stderr).toContain('An account with the email address lead@example.scot already exists')
  }, 120_000)
})
