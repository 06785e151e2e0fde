// The dashboards over HTTP, on the demo data: the national totals on / equal the sum of the
// board figures on /boards and an independent SQL sum; bad filters fall back; downloads hold
// exactly the figures of their table.
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import type { Figure } from '#app/domain/figure.ts'
import { lastCompleteMonth, latestDueMonth, addMonths } from '#app/utils/dates.ts'
import { queryRows } from '#db/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { useDemoServer } from '#tests/setup/demo-server.ts'

const t = useTestDatabase()
const now = new Date()
const server = useDemoServer(t, now)
const { get, data } = server

type Page = { figures: Figure[]; view: { period: { from: string; to: string } } }

/** An SQL sum written apart from the model code: current versions of submitted returns. */
async function independentSum(
  measure: string,
  from: string,
  to: string,
  options: { family?: string; boardsOnly?: boolean } = {},
) {
  const rows = await queryRows<{ total: number }>(
    t.db,
    sql`
    select coalesce(sum(rv.value), 0)::float8 as total
    from return_values rv
    join returns r on r.org_unit_id = rv.org_unit_id and r.month = rv.month
    join measures m on m.id = rv.measure_id
    join services s on s.id = rv.service_id
    join org_units o on o.id = rv.org_unit_id
    where rv.valid_to is null and r.first_submitted_at is not null and m.name = ${measure}
      and (${options.family ?? null}::text is null or s.family = ${options.family ?? null})
      and (${options.boardsOnly ?? false}::boolean = false or o.kind = 'board')
      and rv.month between ${`${from}-01`}::date and ${`${to}-01`}::date`,
  )
  return Number(rows[0]!.total)
}

const sumColumn = (rows: Figure['rows'], key: string) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0)

describe(`the national totals reconcile (${ENGINE})`, () => {
  // Each figure on / with the measures its table shows, and the same measure on /boards.
  const MEASURES = [
    { figure: 'overview-referrals', column: 'referrals', boards: 'referrals', measure: 'referrals' },
    { figure: 'overview-referrals', column: 'self_referrals', boards: 'self_referrals', measure: 'self_referrals' },
    { figure: 'overview-started', column: 'started', boards: 'started', measure: 'started' },
    {
      figure: 'overview-started',
      column: 'started_within_18_weeks',
      boards: 'started_within_18_weeks',
      measure: 'started_within_18_weeks',
    },
    { figure: 'overview-outcomes', column: 'proms_paired', boards: 'proms_paired', measure: 'proms_paired' },
    {
      figure: 'overview-outcomes',
      column: 'proms_at_caseness',
      boards: 'proms_at_caseness',
      measure: 'proms_at_caseness',
    },
    { figure: 'overview-outcomes', column: 'proms_recovered', boards: 'proms_recovered', measure: 'proms_recovered' },
    {
      figure: 'overview-outcomes',
      column: 'proms_reliably_improved',
      boards: 'proms_reliably_improved',
      measure: 'proms_reliably_improved',
    },
    {
      figure: 'overview-video-sessions',
      column: 'video_sessions',
      boards: 'video_sessions',
      measure: 'sessions',
      family: 'video',
    },
    {
      figure: 'overview-group-sessions',
      column: 'group_sessions',
      boards: 'group_sessions',
      measure: 'group_sessions',
    },
    {
      figure: 'overview-group-sessions',
      column: 'group_attendances',
      boards: 'group_attendances',
      measure: 'group_attendances',
    },
  ]

  for (const query of ['', '?preset=since-start&grain=fy', '?from=2024-02&to=2024-05&grain=fq']) {
    test(`on / == the boards on /boards == SQL, for ${query || 'the default period'}`, async () => {
      const overview = await data<Page>(`/${query}`, 'routes/_index')
      const boards = await data<{ figure: Figure }>(`/boards${query}`, 'routes/boards._index')
      const { from, to } = overview.view.period
      const boardRows = boards.figure.rows.filter((r) => r.name !== 'Scotland')
      const scotland = boards.figure.rows.find((r) => r.name === 'Scotland')!
      expect(boardRows).toHaveLength(14)
      for (const m of MEASURES) {
        const figure = overview.figures.find((f) => f.id === m.figure)!
        const national = sumColumn(figure.rows, m.column)
        const expected = await independentSum(m.measure, from, to, { family: m.family })
        expect(national, `${m.column} on /`).toBe(expected)
        expect(sumColumn(boardRows, m.boards), `${m.column}: sum of the boards on /boards`).toBe(expected)
        expect(Number(scotland[m.boards]), `${m.column}: Scotland on /boards`).toBe(expected)
        expect(expected, m.column).toBeGreaterThan(0)
      }
      // Self-help visits are delivered nationally, not by boards: / against SQL only.
      const visits = overview.figures.find((f) => f.id === 'overview-self-help-visits')!
      expect(sumColumn(visits.rows, 'self_help_visits')).toBe(await independentSum('visits', from, to))
    })
  }

  test('the referrals tile equals the referrals chart’s table', async () => {
    const overview = await data<Page & { tiles: Array<{ id: string; value: number }> }>('/', 'routes/_index')
    const referrals = overview.figures.find((f) => f.id === 'overview-referrals')!
    expect(overview.tiles.find((tile) => tile.id === 'referrals')!.value).toBe(sumColumn(referrals.rows, 'referrals'))
  })
})

describe('filters in the URL', () => {
  test('bad parameters give the default view with a word about what was ignored, never an error', async () => {
    const response = await get(`${server.url}/?from=banana&to=2026-99&grain=week&preset=soon&service=no-such-service`)
    expect(response.status).toBe(200)
    const html = await response.text()
    const latest = latestDueMonth(now, 15)
    expect(html).toContain('There is no service called “no-such-service”, so all services are shown.')
    expect(html).toContain('“banana” is not a month written as YYYY-MM')
    const overview = await data<Page>('/?from=banana&grain=week', 'routes/_index')
    expect(overview.view.period).toMatchObject({ from: addMonths(latest, -11), to: latest })
  })

  test('a board chosen on the overview opens its page, keeping the other filters', async () => {
    const response = await get(`${server.url}/?board=S08000024&grain=fq&preset=since-start`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/boards/S08000024?preset=since-start&grain=fq')
  })

  test('an unknown board on the overview is ignored, with a notice', async () => {
    const response = await get(`${server.url}/?board=S08999999`, { redirect: 'manual' })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('There is no board with the code S08999999, so all boards are shown.')
  })

  test('a board or service that does not exist is a 404 page', async () => {
    for (const path of ['/boards/S08999999', '/boards/lothian', '/services/no-such-service', '/services/Bad_Slug']) {
      const response = await get(`${server.url}${path}`)
      expect(response.status, path).toBe(404)
      expect(await response.text()).toContain('Page not found')
    }
  })

  test('every page answers for every grain and preset', async () => {
    const paths = [
      '/',
      '/boards',
      '/boards/S08000025',
      '/services',
      '/services/iecbt',
      '/services/self-help-guides',
      '/coverage',
    ]
    const queries = [
      '?grain=fq&preset=this-financial-year',
      '?grain=fy&preset=since-start',
      '?preset=last-financial-year&service=video-group',
      `?from=${lastCompleteMonth(now)}&to=${lastCompleteMonth(now)}`,
    ]
    for (const path of paths) {
      for (const query of queries) {
        const response = await get(`${server.url}${path}${query}`)
        expect(response.status, `${path}${query}`).toBe(200)
      }
    }
  })

  test('the boards table sorts by the column in the URL, either way, gaps last', async () => {
    const down = await data<{ figure: Figure }>('/boards?sort=referrals&dir=desc', 'routes/boards._index')
    const values = down.figure.rows.filter((r) => r.name !== 'Scotland').map((r) => Number(r.referrals))
    expect(values).toEqual([...values].sort((a, b) => b - a))
    const up = await data<{ figure: Figure }>('/boards?sort=eighteen_weeks', 'routes/boards._index')
    const rates = up.figure.rows.filter((r) => r.name !== 'Scotland').map((r) => Number(r.eighteen_weeks))
    expect(rates).toEqual([...rates].sort((a, b) => a - b))
    const html = await (await get(`${server.url}/boards?sort=referrals&dir=desc`)).text()
    expect(html).toMatch(/<th[^>]*aria-sort="descending"[^>]*><a[^>]*>Referrals/)
  })
})

describe('CSV downloads', () => {
  test('hold exactly the figures of the table, as an attachment, UTF-8 with a byte-order mark', async () => {
    const overview = await data<Page>('/?grain=fq', 'routes/_index')
    const figure = overview.figures.find((f) => f.id === 'overview-referrals')!
    const response = await get(`${server.url}/figures/overview-referrals?grain=fq`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="referrals-\d{4}-\d{2}-to-\d{4}-\d{2}-by-quarter\.csv"$/,
    )
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const rows = parse(new TextDecoder().decode(bytes), { bom: true, relax_column_count: true }) as string[][]
    expect(rows[0]).toEqual([
      'Financial quarter',
      'Self-referrals (people)',
      'Referred by a professional (people)',
      'All referrals (people)',
      'Self-referral share (%)',
      'Boards reported',
    ])
    const body = rows.slice(1, 1 + figure.rows.length)
    expect(body.map((r) => [r[0], Number(r[3])])).toEqual(figure.rows.map((r) => [r.period, r.referrals]))
  })

  test('a board’s figure needs its board; an unknown figure is a 404', async () => {
    expect((await get(`${server.url}/figures/board-referrals?board=S08000024`)).status).toBe(200)
    expect((await get(`${server.url}/figures/board-referrals`)).status).toBe(404)
    expect((await get(`${server.url}/figures/no-such-figure`)).status).toBe(404)
    expect((await get(`${server.url}/figures/..%2Fetc`)).status).toBe(404)
  })

  test('every figure of every page downloads', async () => {
    const pages: Array<[string, string, Record<string, string>]> = [
      ['/', 'routes/_index', {}],
      ['/boards/S08000024', 'routes/boards.$code', { board: 'S08000024' }],
    ]
    for (const [path, route, extra] of pages) {
      const page = await data<Page>(path, route)
      for (const figure of page.figures) {
        const query = new URLSearchParams(extra).toString()
        const response = await get(`${server.url}/figures/${figure.id}${query ? `?${query}` : ''}`)
        expect(response.status, figure.id).toBe(200)
      }
    }
    for (const id of ['boards-table', 'services-table', 'coverage-matrix', 'coverage-population', 'coverage-map']) {
      expect((await get(`${server.url}/figures/${id}`)).status, id).toBe(200)
    }
    for (const id of ['service-trend', 'service-by-board']) {
      expect((await get(`${server.url}/figures/${id}?service=ccbt-adults`)).status, id).toBe(200)
    }
  })
})

describe('disclosure control on the dashboards (?sdc=on)', () => {
  type AnyPage = Record<string, unknown> & { tiles?: Array<{ value: number | null; suppressed?: boolean }> }
  const ISLANDS = ['S08000025', 'S08000026', 'S08000028']
  const pages: Array<[string, string]> = [
    ['/', 'routes/_index'],
    ['/boards', 'routes/boards._index'],
    ...ISLANDS.map((code): [string, string] => [`/boards/${code}`, 'routes/boards.$code']),
    ['/services/video-group?measure=group_sessions', 'routes/services.$slug'],
    ['/services/ccbt-prisons', 'routes/services.$slug'],
    ['/coverage?indicator=recovery_rate', 'routes/coverage'],
  ]
  const withSdc = (path: string, on: boolean) => (on ? `${path}${path.includes('?') ? '&' : '?'}sdc=on` : path)

  function figuresOf(page: AnyPage): Figure[] {
    const found: Figure[] = []
    for (const value of Object.values(page)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item && typeof item === 'object' && 'columns' in item && 'rows' in item) found.push(item as Figure)
      }
    }
    return found
  }

  /** Counts from 1 to 4 a page shows, as "figure column: value". */
  function smallCounts(figures: Figure[]) {
    const small: string[] = []
    for (const figure of figures) {
      for (const column of figure.columns) {
        if (column.kind !== 'count' || column.disclosure === 'public') continue
        for (const row of figure.rows) {
          const value = row[column.key]
          if (typeof value === 'number' && value > 0 && value <= 4) small.push(`${figure.id} ${column.key}: ${value}`)
        }
      }
    }
    return small
  }

  test('no count from 1 to 4 is shown, small numbers show as c, and nothing hidden leaves the server', async () => {
    let withheld = 0
    let smallWithout = 0
    for (const [path, route] of pages) {
      smallWithout += smallCounts(figuresOf(await data<AnyPage>(withSdc(path, false), route))).length
      const page = await data<AnyPage>(withSdc(path, true), route)
      const figures = figuresOf(page)
      expect(figures.length, path).toBeGreaterThan(0)
      expect(smallCounts(figures), path).toEqual([])
      for (const figure of figures) {
        const keys = new Set(figure.columns.map((c) => c.key))
        for (const row of figure.rows)
          expect(
            Object.keys(row).filter((k) => !keys.has(k)),
            figure.id,
          ).toEqual([])
        const hidden = figure.rows.flatMap((row) => Object.values(row)).filter((v) => v === 'c').length
        if (hidden > 0)
          expect(
            figure.notes.some((n) => n.startsWith('c: suppressed')),
            figure.id,
          ).toBe(true)
        withheld += hidden
      }
      for (const tile of page.tiles ?? []) {
        if (tile.suppressed) expect(tile.value).toBeNull()
        expect(tile, path).not.toHaveProperty('basis')
      }
    }
    // The demo's island boards and small services do have small counts: the control above bites.
    expect(smallWithout).toBeGreaterThan(0)
    expect(withheld).toBeGreaterThan(0)
  })

  test('a figure that is mostly hidden says a longer period would show more', async () => {
    type ServicePage = { smallMultiples: Figure }
    const monthly = await data<ServicePage>('/services/ccbt-prisons?sdc=on', 'routes/services.$slug')
    expect(monthly.smallMultiples.notes).toContain(
      'Most of these figures are small: shown by financial quarter or year, more of them can be shown.',
    )
    const yearly = await data<ServicePage>('/services/ccbt-prisons?grain=fy&sdc=on', 'routes/services.$slug')
    expect(yearly.smallMultiples.notes.filter((n) => n.startsWith('Most of these'))).toEqual([])
  })

  test('the CSV download of a figure holds the same c as its table; links keep the setting', async () => {
    const path = `/boards/${ISLANDS[0]}?sdc=on`
    const page = await data<Page>(path, 'routes/boards.$code')
    const figure = page.figures.find((f) => f.rows.some((r) => Object.values(r).includes('c')))!
    expect(figure).toBeDefined()
    const response = await get(`${server.url}/figures/${figure.id}?board=${ISLANDS[0]}&sdc=on`)
    const rows = parse((await response.text()).replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
    const table = rows.slice(1, 1 + figure.rows.length)
    figure.rows.forEach((row, i) =>
      figure.columns.forEach((c, j) => {
        if (row[c.key] === 'c') expect(table[i]![j], `${figure.id} ${c.key}`).toBe('c')
      }),
    )
    const html = await (await get(`${server.url}${path}`)).text()
    expect(html).toContain('Small numbers are hidden.')
    expect(html).toMatch(/href="\/figures\/board-referrals\?[^"]*sdc=on/)
  })
})

describe('the short form of an address', () => {
  test('what the filter form sends is redirected to the short form, keeping what differs from the defaults', async () => {
    const response = await get(
      `${server.url}/boards?preset=last-12-months&grain=fq&board=&service=&sort=referrals&dir=asc`,
      { redirect: 'manual' },
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/boards?grain=fq&sort=referrals')
  })
})

describe('services in one board', () => {
  test('each service’s main count in a board equals an independent SQL sum', async () => {
    const page = await data<{ figure: Figure; view: { period: { from: string; to: string } } }>(
      '/services?board=S08000024',
      'routes/services._index',
    )
    const { from, to } = page.view.period
    const adults = page.figure.rows.find((r) => r.service === 'cCBT Adults')!
    const rows = await queryRows<{ total: number }>(
      t.db,
      sql`
      select coalesce(sum(rv.value), 0)::float8 as total
      from return_values rv
      join returns r on r.org_unit_id = rv.org_unit_id and r.month = rv.month
      where rv.valid_to is null and r.first_submitted_at is not null
        and rv.org_unit_id = (select id from org_units where code = 'S08000024')
        and rv.service_id = (select id from services where slug = 'ccbt-adults')
        and rv.measure_id = (select id from measures where name = 'referrals')
        and rv.month between ${`${from}-01`}::date and ${`${to}-01`}::date`,
    )
    expect(adults.total).toBe(Number(rows[0]!.total))
    expect(String(adults.board_status)).toMatch(/^Live since /)
  })
})
