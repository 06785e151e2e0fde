// Security logs carry who, where and the outcome, and never a password, cookie or token.
import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REDACT_PATHS, setLogger } from '#app/utils/logger.server.ts'
import { queryRows } from '#db/client.ts'
import { createTestUser, TEST_PASSWORD, TestClient } from '#tests/setup/client.ts'
import { useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
const lines: string[] = []
let server: Awaited<ReturnType<typeof startTestServer>>

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink)
  setLogger(logger)
  server = await startTestServer({ logger })
})
afterAll(() => server.close())

test('sign-ins, failures and refusals are logged with user, board, address and outcome, without secrets', async () => {
  const [lothian] = await queryRows<{ id: number }>(t.db, sql`select id from org_units where code = 'S08000024'`)
  await createTestUser('lothian@example.scot', 'board_lead', lothian!.id)
  const client = new TestClient(server.url, '198.51.100.23')
  await client.signIn('lothian@example.scot', 'the wrong password here')
  await client.signIn('lothian@example.scot')
  expect(client.cookie).toMatch(/^__Host-session=/)
  await client.get('/admin/users')

  const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  expect(events).toContainEqual(
    expect.objectContaining({
      audit: 'signin.failed',
      outcome: 'failure',
      userEmail: 'lothian@example.scot',
      orgUnitId: lothian!.id,
      ip: '198.51.100.23',
    }),
  )
  expect(events).toContainEqual(
    expect.objectContaining({ audit: 'signin', outcome: 'success', orgUnitId: lothian!.id, ip: '198.51.100.23' }),
  )
  expect(events).toContainEqual(
    expect.objectContaining({ security: 'access', outcome: 'refused', role: 'board_lead', path: '/admin/users' }),
  )

  const everything = lines.join('\n')
  const token = decodeURIComponent(client.cookie.split('=')[1]!).split('.')[0]!
  expect(everything).not.toContain(TEST_PASSWORD)
  expect(everything).not.toContain('the wrong password here')
  expect(everything).not.toContain(token)
  expect(everything).not.toMatch(/__Host-session=/)
})
