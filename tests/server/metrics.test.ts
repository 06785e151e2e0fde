// /metrics through the real server: hidden unless METRICS_TOKEN is set, then only for its
// bearer; requests counted by route pattern and status; the figures cache, export rows and the
// database pool as an operator reads them.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import { clearCache } from '#app/utils/cache.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor, createTestUser, TestClient } from '#tests/setup/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const TOKEN = 'metrics-token-for-the-test-0123'
const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
let analyst: TestClient

beforeAll(async () => {
  server = await startTestServer({ config: { METRICS_TOKEN: TOKEN } })
  await createTestUser('analyst@example.scot', 'analyst')
  const national: Actor = await createTestActor('national@example.scot', 'national_lead')
  for (const [code, value] of [
    ['S08000024', 40],
    ['S08000029', 30],
  ] as const) {
    await saveReturn({
      actor: national,
      unit: await findReturnUnit({ code }),
      month: '2025-06',
      expectedVersion: null,
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value }],
      submit: true,
      reason: null,
      now: new Date('2025-07-10T09:00:00Z'),
    })
  }
  analyst = new TestClient(server.url)
  expect((await analyst.signIn('analyst@example.scot')).status).toBe(302)
})
afterAll(() => server.close())

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

function parse(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

async function scrape() {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  expect(response.status).toBe(200)
  // Prometheus's text format, version 0.0.4.
  expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/)
  return parse(await response.text())
}

/** The value of the series with exactly these labels (0 when it does not exist yet). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>) {
  const found = samples.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  return found?.value ?? 0
}

async function page(path: string) {
  const response = await analyst.get(path)
  await response.arrayBuffer()
  return response
}

describe('who may read /metrics', () => {
  test('without METRICS_TOKEN it does not exist', async () => {
    const plain = await startTestServer({ config: { METRICS_TOKEN: undefined } })
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404)
      expect((await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404)
    } finally {
      await plain.close()
    }
  })

  test('with it, only its bearer', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401)
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).not.toContain('http_request')
    // A signed-in session is not the token.
    expect((await analyst.get('/metrics')).status).toBe(401)
  })
})

describe('what it counts', () => {
  test('requests by route pattern and status, never by the address typed', async () => {
    const before = await scrape()
    // Each response read to its end: a request is counted once it has finished.
    for (const code of ['S08000024', 'S08000029']) expect((await page(`/boards/${code}`)).status).toBe(200)
    expect((await page('/no/such/page')).status).toBe(404)
    const after = await scrape()
    const count = (samples: Sample[], route: string, status: string) =>
      valueOf(samples, 'http_request_duration_seconds_count', { method: 'GET', route, status_code: status })
    // Two boards' pages: one series, two requests.
    expect(count(after, '/boards/:code', '200') - count(before, '/boards/:code', '200')).toBe(2)
    expect(count(after, '/*', '404') - count(before, '/*', '404')).toBe(1)
    const routes = new Set(after.filter((s) => s.labels.route).map((s) => s.labels.route))
    expect([...routes].filter((r) => /S0800|no\/such/.test(r!))).toEqual([])
    // 2 pages answered 200 and 1 answered 404 (the scrape before is itself counted once it finished: +1 2xx).
    const cls = (samples: Sample[], c: string) => valueOf(samples, 'http_responses_total', { status_class: c })
    expect(cls(after, '4xx') - cls(before, '4xx')).toBe(1)
    expect(cls(after, '2xx') - cls(before, '2xx')).toBe(2 + 1)
  })

  test('the figures cache: the first request for a board computes, the same again is a hit', async () => {
    clearCache()
    const hits = (samples: Sample[], outcome: string) =>
      valueOf(samples, 'figures_cache_requests_total', { figures: 'board', outcome })
    const s0 = await scrape()
    await page('/boards/S08000024')
    const s1 = await scrape()
    await page('/boards/S08000024')
    const s2 = await scrape()
    expect([hits(s1, 'miss') - hits(s0, 'miss'), hits(s1, 'hit') - hits(s0, 'hit')]).toEqual([1, 0])
    expect([hits(s2, 'miss') - hits(s1, 'miss'), hits(s2, 'hit') - hits(s1, 'hit')]).toEqual([0, 1])
  })

  test('export rows, as many as the file has', async () => {
    const rows = (samples: Sample[], format: string) => valueOf(samples, 'export_rows_total', { format })
    const before = await scrape()
    const csv = await analyst.get(
      '/api/v1/activity?from=2025-04&to=2025-06&service=ccbt-adults&measure=referrals&format=csv&sdc=off',
    )
    expect(csv.status).toBe(200)
    // The CSV's own count: its lines, less the header and the final newline.
    const csvRows = (await csv.text()).split('\n').filter(Boolean).length - 1
    const json = await analyst.get(
      '/api/v1/activity?from=2025-06&to=2025-06&service=ccbt-adults&measure=referrals&format=json&sdc=off',
    )
    const jsonRows = ((await json.json()) as { rows: unknown[] }).rows.length
    const after = await scrape()
    expect(csvRows).toBeGreaterThan(0)
    expect(rows(after, 'csv') - rows(before, 'csv')).toBe(csvRows)
    expect(rows(after, 'json') - rows(before, 'json')).toBe(jsonRows)
  })

  test('database pool use (PostgreSQL) and the reminders counter, ready for when reminders are sent', async () => {
    const samples = await scrape()
    expect(samples.some((s) => s.name === 'reminders_sent_total')).toBe(true)
    expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true)
    if (ENGINE === 'postgres') {
      // The test database's pool holds at most 4 connections (tests/setup/database.ts).
      expect(valueOf(samples, 'database_pool_connections', { pool: 'primary', state: 'max' })).toBe(4)
      const open = valueOf(samples, 'database_pool_connections', { pool: 'primary', state: 'open' })
      expect(open).toBeGreaterThanOrEqual(1)
      expect(open).toBeLessThanOrEqual(4)
      const [{ n }] = (await queryRows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database()`,
      )) as [{ n: number }]
      expect(n).toBeGreaterThanOrEqual(open)
    }
  })
})
