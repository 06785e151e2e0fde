// Read replicas, on a real primary and streaming standby (PostgreSQL's own binaries, private
// ports): a figure saved on the primary shows on the very next dashboard request even while the
// standby lags, reads go to the standby once it has caught up, and a standby that stops causes no
// error. The log and /metrics say where each request's reads went.
import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import { latestDueMonth } from '#app/utils/dates.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { connectDatabase, type DatabaseConnection, queryRows, registerDatabase } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'
import { createTestActor, createTestUser, TestClient } from '#tests/setup/client.ts'
import { freePortBase, waitFor } from '#tests/setup/process.ts'
import { canRunReplication, startReplication } from '#tests/setup/replication.ts'
import { startTestServer } from '#tests/setup/server.ts'

const TOKEN = 'metrics-token-for-the-replica-test'
const FIGURE = 12_345
const SHOWN = '12,345'
const PAGE = '/boards/S08000024'

// Run with the PostgreSQL suite (DATABASE_URL set): its own servers need no embedded run too.
describe.skipIf(!canRunReplication || !process.env.DATABASE_URL)('a primary and a streaming standby', () => {
  let replication: ReturnType<typeof startReplication>
  let connection: DatabaseConnection
  let server: Awaited<ReturnType<typeof startTestServer>>
  let analyst: TestClient
  const lines: Array<{ req?: { url: string }; res?: { statusCode: number }; reads?: string; readsReason?: string }> = []

  beforeAll(async () => {
    replication = startReplication(freePortBase() + 40)
    const setup = await connectDatabase({ databaseUrl: replication.primaryUrl, maxConnections: 1 })
    await setup.migrate()
    await loadReferenceData(setup.db)
    await setup.close()
    connection = await connectDatabase({
      databaseUrl: replication.primaryUrl,
      replicaUrls: [replication.standbyUrl],
      maxConnections: 4,
    })
    registerDatabase(connection)
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)))
        done()
      },
    })
    server = await startTestServer({ logger: pino({ level: 'info' }, sink), config: { METRICS_TOKEN: TOKEN } })
    await createTestUser('analyst@example.scot', 'analyst')
    expect(await waitFor(replication.caughtUp, 20_000)).toBe(true)
    analyst = new TestClient(server.url)
    expect((await analyst.signIn('analyst@example.scot')).status).toBe(302)
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    registerDatabase(undefined)
    await connection?.close()
    replication?.destroy()
  })

  /** Requests the page to its end; returns its status, its text and the log line about it. */
  async function dashboard() {
    const response = await analyst.get(PAGE)
    const html = await response.text()
    await waitFor(async () => lines.some((l) => l.req?.url === PAGE && !('seen' in l)), 2_000)
    const line = lines.findLast((l) => l.req?.url === PAGE)!
    Object.assign(line, { seen: true })
    return { status: response.status, html, reads: line.reads, reason: line.readsReason }
  }

  const auditedExports = async () => {
    const [row] = await queryRows<{ n: number }>(
      connection.db,
      sql`select count(*)::int as n from audit_events where action = 'export'`,
    )
    return row!.n
  }

  async function routed(target: string, reason: string) {
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()
    const match = new RegExp(
      `^database_read_routing_total\\{target="${target}",reason="${reason}"\\} (\\d+)$`,
      'm',
    ).exec(text)
    return match ? Number(match[1]) : 0
  }

  test('while the standby lags, a figure saved on the primary shows on the very next request', async () => {
    await replication.pause()
    const now = new Date()
    const national: Actor = await createTestActor('national@example.scot', 'national_lead')
    await saveReturn({
      actor: national,
      unit: await findReturnUnit({ code: 'S08000024' }),
      month: latestDueMonth(now, 15),
      expectedVersion: null,
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: FIGURE }],
      submit: true,
      reason: null,
      now,
    })
    // The standby really is behind: read there, the figure would be missing.
    expect(await replication.caughtUp()).toBe(false)
    const before = await routed('primary', 'behind')
    const page = await dashboard()
    expect(page.status).toBe(200)
    expect(page.html).toContain(SHOWN)
    expect([page.reads, page.reason]).toEqual(['primary', 'behind'])
    expect((await routed('primary', 'behind')) - before).toBe(1)
  })

  test('once the standby has caught up, reads go to it', async () => {
    await replication.resume()
    expect(await waitFor(replication.caughtUp, 20_000)).toBe(true)
    const before = await routed('replica', 'caught-up')
    let page = await dashboard()
    // The primary may write a little of its own (a checkpoint) between the check and the request.
    for (let i = 0; i < 5 && page.reads !== 'replica'; i++) {
      await waitFor(replication.caughtUp, 5_000)
      page = await dashboard()
    }
    expect(page.status).toBe(200)
    expect(page.html).toContain(SHOWN)
    expect([page.reads, page.reason]).toEqual(['replica', 'caught-up'])
    expect(await routed('replica', 'caught-up')).toBeGreaterThan(before)

    // An export through the API records its audit event on the primary and still reads its
    // figures on the standby.
    const month = latestDueMonth(new Date(), 15)
    const path = `/api/v1/activity?from=${month}&to=${month}&board=S08000024&service=ccbt-adults&measure=referrals&format=json&sdc=off`
    const audits = await auditedExports()
    const api = await analyst.get(path)
    const body = (await api.json()) as { rows: Array<{ value: number | null }> }
    expect(body.rows.map((r) => r.value)).toEqual([FIGURE])
    expect(await auditedExports()).toBe(audits + 1)
    await waitFor(async () => lines.some((l) => l.req?.url === path), 2_000)
    const line = lines.findLast((l) => l.req?.url === path)!
    expect([line.reads, line.readsReason]).toEqual(['replica', 'caught-up'])
  })

  test('a standby that stops causes no error: reads go to the primary', async () => {
    replication.stopStandby()
    const page = await dashboard()
    expect(page.status).toBe(200)
    expect(page.html).toContain(SHOWN)
    // The first request finds it gone (asking where it is, or reading) and reads on the primary...
    expect(page.reads).toBe('primary')
    expect(['unavailable', 'failed']).toContain(page.reason)
    // ...and the next ones pass it by for a few seconds rather than ask it again every time.
    const again = await dashboard()
    expect([again.status, again.reads, again.reason]).toEqual([200, 'primary', 'unavailable'])
    const api = await analyst.get('/api/v1/boards')
    expect(api.status).toBe(200)
    expect(lines.filter((l) => (l.res?.statusCode ?? 0) >= 500)).toEqual([])
  })
})
