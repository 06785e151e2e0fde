// For random filters on the demo data, an export's total equals the dashboard's figure for the
// same filters, and both equal a sum written in SQL without the model code.
import { fc } from '@fast-check/vitest'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { addMonths, latestDueMonth, monthsBetween, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { queryRows } from '#db/client.ts'
import { DEMO_PASSWORD, loadDemoData } from '#seed/demo.ts'
import { TestClient } from '#tests/setup/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
const now = new Date()
let server: Awaited<ReturnType<typeof startTestServer>>
let analyst: TestClient

beforeAll(async () => {
  // The server reads the clock, so the demo is generated to the same day.
  await loadDemoData(t.db, { now, deadlineDay: 15 })
  server = await startTestServer()
  analyst = new TestClient(server.url)
  await analyst.signIn('analyst@demo.scot', DEMO_PASSWORD)
}, 120_000)
afterAll(() => server.close())

const BOARDS = ['S08000015', 'S08000024', 'S08000025', 'S08000031', 'S08000028']
const SERVICES = ['ccbt-adults', 'ccbt-cyp', 'iecbt', 'ccbt-prisons']

/** A dashboard's loader data, following the redirect to the short form of an address if any. */
async function dashboard(path: string, route: string) {
  let target = path
  for (let hops = 0; hops < 3; hops++) {
    const url = new URL(target, server.url)
    url.searchParams.set('_data', route)
    const response = await analyst.get(`${url.pathname}${url.search}`)
    const redirect = response.headers.get('x-remix-redirect')
    if (!redirect) {
      expect(response.status, target).toBe(200)
      return (await response.json()) as { tiles: Array<{ id: string; value: number | null }> }
    }
    target = redirect
  }
  throw new Error(`Too many redirects from ${path}`)
}

async function independentSum(from: string, to: string, board?: string, service?: string) {
  const [row] = await queryRows<{ total: number }>(
    t.db,
    sql`select coalesce(sum(v.value), 0)::float8 as total
        from return_values v, returns r, measures m, services s, org_units o
        where v.valid_to is null and m.id = v.measure_id and m.name = 'referrals'
          and r.org_unit_id = v.org_unit_id and r.month = v.month and r.first_submitted_at is not null
          and s.id = v.service_id and o.id = v.org_unit_id and o.kind = 'board'
          and (${board ?? null}::text is null or o.code = ${board ?? null})
          and (${service ?? null}::text is null or s.slug = ${service ?? null})
          and v.month between ${`${from}-01`}::date and ${`${to}-01`}::date`,
  )
  return Number(row!.total)
}

test(`export totals equal the dashboards' and an independent SQL sum, for random filters (${ENGINE})`, async () => {
  const latest = latestDueMonth(now, 15)
  const span = monthsBetween(PROGRAMME_START_MONTH, latest)
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: span }),
      fc.nat({ max: 23 }),
      fc.option(fc.constantFrom(...BOARDS), { nil: undefined }),
      fc.option(fc.constantFrom(...SERVICES), { nil: undefined }),
      async (start, length, board, service) => {
        const from = addMonths(PROGRAMME_START_MONTH, start)
        const to = addMonths(from, length) > latest ? latest : addMonths(from, length)
        const filters = new URLSearchParams({ from, to, ...(service ? { service } : {}) })
        const page = board
          ? await dashboard(`/boards/${board}?${filters}`, 'routes/boards.$code')
          : await dashboard(`/?${filters}`, 'routes/_index')
        const tile = page.tiles.find((x) => x.id === 'referrals')!.value ?? 0

        const api = new URLSearchParams({ from, to, measure: 'referrals', format: 'json', sdc: 'off' })
        if (board) api.set('board', board)
        if (service) api.set('service', service)
        const response = await analyst.get(`/api/v1/activity?${api}`)
        expect(response.status).toBe(200)
        const rows = ((await response.json()) as { rows: Array<{ board_code: string; value: number | null }> }).rows
        const exported = rows.filter((r) => r.board_code !== 'S92000003').reduce((sum, r) => sum + (r.value ?? 0), 0)

        const expected = await independentSum(from, to, board, service)
        expect({ from, to, board, service, tile }).toEqual({ from, to, board, service, tile: expected })
        expect({ from, to, board, service, exported }).toEqual({ from, to, board, service, exported: expected })
      },
    ),
    { numRuns: 20 },
  )
})
