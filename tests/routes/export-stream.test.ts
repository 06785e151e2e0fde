// A client that goes away in the middle of a streamed export: the server stops, closes the
// connection and holds no database client for it.
import type { Pool } from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createApiToken } from '#app/models/api-tokens.server.ts'
import { loadDemoData } from '#seed/demo.ts'
import { createTestUser } from '#tests/setup/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
let token: string

beforeAll(async () => {
  await loadDemoData(t.db, { now: new Date('2026-11-22T12:00:00Z'), deadlineDay: 15 })
  server = await startTestServer()
  const id = await createTestUser('analyst@example.scot', 'analyst')
  token = await createApiToken({
    actor: { id, email: 'analyst@example.scot', role: 'analyst', orgUnitId: null },
    name: 'Stream test',
    expiresAt: null,
  })
}, 120_000)
afterAll(() => server.close())

const until = async (check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

test(`a client disconnecting mid-export frees the server's resources (${ENGINE})`, async () => {
  const controller = new AbortController()
  const response = await fetch(`${server.url}/api/v1/activity?from=2021-04&to=2026-10&format=csv&sdc=off`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  })
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  const first = await reader.read()
  expect(first.done).toBe(false)
  controller.abort()

  expect(await until(async () => (await server.openConnections()) === 0, 5_000)).toBe(true)
  if (ENGINE === 'postgres') {
    const pool = (t.db as unknown as { $client: Pool }).$client
    expect(await until(async () => pool.totalCount === pool.idleCount, 5_000)).toBe(true)
  }
  // The server is free for the next request at once.
  const next = await fetch(`${server.url}/api/v1/boards`, { headers: { authorization: `Bearer ${token}` } })
  expect(next.status).toBe(200)
})
