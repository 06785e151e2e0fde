// A client that goes away in the middle of a streamed export: the server stops reading the
// figures, closes the connection and holds no database client for it.
import http from 'node:http'
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
  // Database clients taken from the pool (PostgreSQL) after the client has gone.
  const pool = ENGINE === 'postgres' ? (t.db as unknown as { $client: Pool }).$client : null
  let gone = false
  let readsAfter = 0
  pool?.on('acquire', () => (readsAfter += gone ? 1 : 0))
  // A client that goes away as a closed browser tab does: its socket closed after the first bytes.
  const first = await new Promise<{ status: number; bytes: number }>((resolve, reject) => {
    const request = http.get(
      `${server.url}/api/v1/activity?from=2021-04&to=2026-10&format=csv&sdc=off`,
      { headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.once('data', (chunk: Buffer) => {
          resolve({ status: response.statusCode ?? 0, bytes: chunk.length })
          request.destroy()
          gone = true
        })
      },
    )
    request.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)))
  })
  expect(first.status).toBe(200)
  expect(first.bytes).toBeGreaterThan(0)

  expect(await until(async () => (await server.openConnections()) === 0, 5_000)).toBe(true)
  if (pool) {
    expect(await until(async () => pool.totalCount === pool.idleCount, 5_000)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    // The export stops within a year or two of where it was: it does not read all six. It reads
    // one year ahead while writing, and the year it was writing may go into the sockets' buffers
    // before the server hears that the client has gone (a busy machine hears it later).
    expect(readsAfter).toBeLessThanOrEqual(2)
  }
  // The server is free for the next request at once.
  const next = await fetch(`${server.url}/api/v1/boards`, { headers: { authorization: `Bearer ${token}` } })
  expect(next.status).toBe(200)
})
