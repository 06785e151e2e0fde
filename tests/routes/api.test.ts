// The API through the real server: who may read what, with a session or a token.
import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApiToken, revokeApiToken } from '#app/models/api-tokens.server.ts'
import { findReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import { REDACT_PATHS, setLogger } from '#app/utils/logger.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor, createTestUser, TestClient } from '#tests/setup/client.ts'
import { useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
const lines: string[] = []
let server: Awaited<ReturnType<typeof startTestServer>>
let analyst: Actor
let token: string

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink)
  setLogger(logger)
  server = await startTestServer({ logger })
  analyst = await createTestActor('analyst@example.scot', 'analyst')
  token = await createApiToken({ actor: analyst, name: 'Test script', expiresAt: null })
  // Two boards' figures for one submitted month.
  const national: Actor = await createTestActor('national@example.scot', 'national_lead')
  for (const [code, value] of [
    ['S08000024', 40],
    ['S08000029', 30],
  ] as const) {
    const unit = await findReturnUnit({ code })
    await saveReturn({
      actor: national,
      unit,
      month: '2025-06',
      expectedVersion: null,
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value }],
      submit: true,
      reason: null,
      now: new Date('2025-07-10T09:00:00Z'),
    })
  }
  const [lothian] = await queryRows<{ id: number }>(t.db, sql`select id from org_units where code = 'S08000024'`)
  await createTestUser('lothian@example.scot', 'board_lead', lothian!.id)
})
afterAll(() => server.close())

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers })
const bearer = (value: string) => ({ authorization: `Bearer ${value}` })
const ACTIVITY = '/api/v1/activity?from=2025-06&to=2025-06&service=ccbt-adults&measure=referrals&format=json&sdc=off'

describe('authentication', () => {
  test('without a session or token every API path is a 401 with a JSON body', async () => {
    for (const path of [
      '/api/v1/activity',
      '/api/v1/boards',
      '/api/v1/services',
      '/api/v1/coverage',
      '/api/v1/openapi.json',
    ]) {
      const response = await get(path)
      expect(response.status, path).toBe(401)
      expect(response.headers.get('www-authenticate')).toContain('Bearer')
      expect(await response.json()).toMatchObject({ error: 'unauthorised' })
    }
  })

  test('a token reads the API, including its OpenAPI description', async () => {
    expect((await get('/api/v1/boards', bearer(token))).status).toBe(200)
    const openapi = await get('/api/v1/openapi.json', bearer(token))
    expect(openapi.status).toBe(200)
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0')
  })

  test('a wrong token is refused, and a revoked token is refused at once', async () => {
    expect((await get('/api/v1/boards', bearer(`${token}x`))).status).toBe(401)
    const another = await createApiToken({ actor: analyst, name: 'Short-lived', expiresAt: null })
    expect((await get('/api/v1/boards', bearer(another))).status).toBe(200)
    const [row] = await queryRows<{ id: number }>(t.db, sql`select id from api_tokens where name = 'Short-lived'`)
    await revokeApiToken({ actor: analyst, id: row!.id })
    expect((await get('/api/v1/boards', bearer(another))).status).toBe(401)
  })

  test('a token never appears in the logs', async () => {
    await get(ACTIVITY, bearer(token))
    const everything = lines.join('')
    expect(everything).toContain('/api/v1/activity')
    expect(everything).not.toContain(token)
    expect(everything).not.toContain(token.slice(4, 20))
  })
})

describe('what each role may read', () => {
  test('an analyst gets every board; the export is in the audit trail', async () => {
    const response = await get(ACTIVITY, bearer(token))
    expect(response.status).toBe(200)
    const body = (await response.json()) as { rows: Array<{ board_code: string; value: number | null }> }
    const boards = body.rows.filter((r) => r.value !== null).map((r) => r.board_code)
    expect(boards).toEqual(expect.arrayContaining(['S08000024', 'S08000029']))
    const audit = await queryRows<{ action: string; user_email: string }>(
      t.db,
      sql`select action, user_email from audit_events where action = 'export'`,
    )
    expect(audit).toContainEqual({ action: 'export', user_email: 'analyst@example.scot' })
  })

  test('a board lead, with a session, reads their own board and is refused another', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lothian@example.scot')
    const own = await lead.get(
      '/api/v1/activity?from=2025-06&to=2025-06&board=S08000024&service=ccbt-adults&measure=referrals&format=json&sdc=off',
    )
    expect(own.status).toBe(200)
    const body = (await own.json()) as { rows: Array<{ board_code: string }> }
    expect(new Set(body.rows.map((r) => r.board_code))).toEqual(new Set(['S08000024']))
    const other = await lead.get('/api/v1/activity?from=2025-06&to=2025-06&board=S08000029&format=json')
    expect(other.status).toBe(403)
    // Without naming a board, a board lead gets only their own.
    const all = await lead.get(
      '/api/v1/activity?from=2025-06&to=2025-06&service=ccbt-adults&measure=referrals&format=json',
    )
    const rows = ((await all.json()) as { rows: Array<{ board_code: string }> }).rows
    expect(rows.every((r) => r.board_code === 'S08000024')).toBe(true)
  })

  test('unknown parameters and bad values give a 400 naming each problem', async () => {
    const response = await get('/api/v1/activity?from=2025-13&grain=weekly&colour=blue', bearer(token))
    expect(response.status).toBe(400)
    const body = (await response.json()) as { problems: Array<{ parameter: string }> }
    expect(body.problems.map((p) => p.parameter).sort()).toEqual(expect.arrayContaining(['colour', 'from', 'grain']))
  })
})
