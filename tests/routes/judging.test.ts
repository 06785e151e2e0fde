// The control chart and the funnel plot, checked against computations written here from the
// API's own figures (DESIGN.md, "Judging the figures"), not from the code that draws them.
import { describe, expect, test } from 'vitest'
import type { Figure } from '#app/domain/figure.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { useDemoServer } from '#tests/setup/demo-server.ts'

const t = useTestDatabase()
const server = useDemoServer(t, new Date())
const { get, data } = server

type Page = { figures?: Figure[]; figure?: Figure; view: { period: { from: string; to: string } } }
const SCOTLAND = 'S92000003'
type ApiRow = { period: string; board_code: string; measure: string; value: number | null }

async function api(query: string): Promise<ApiRow[]> {
  const response = await get(`${server.url}/api/v1/activity?format=json&layout=long&sdc=off&${query}`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { rows: ApiRow[] }
  // The boards' own figures: Scotland's rows (its code) are their totals.
  return body.rows.filter((r) => r.board_code !== SCOTLAND)
}

const close = (a: number | null | undefined, b: number) => expect(a).toBeCloseTo(b, 6)

describe(`control charts and funnel plots on ${ENGINE}`, () => {
  test("the national referrals control chart: mean and limits as an XmR chart of the API's months", async () => {
    const page = await data<Page>('/?view=spc', 'routes/_index')
    const figure = page.figures!.find((f) => f.id === 'overview-spc-referrals')!
    const { from, to } = page.view.period
    const rows = await api(`from=${from}&to=${to}&grain=month&measure=referrals`)
    // Scotland's referrals each month: the boards' figures added up.
    const byMonth = new Map<string, number>()
    for (const r of rows) if (typeof r.value === 'number') byMonth.set(r.period, (byMonth.get(r.period) ?? 0) + r.value)
    const values = [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v)
    expect(values).toHaveLength(12)
    // XmR: mean; moving ranges |x(t) - x(t-1)|; those of 3.267 x their mean or more left out;
    // limits at mean +/- 2.66 x the mean moving range, floored at 0 for counts.
    const mean = values.reduce((s, v) => s + v, 0) / values.length
    let ranges = values.slice(1).map((v, i) => Math.abs(v - values[i]!))
    const first = ranges.reduce((s, v) => s + v, 0) / ranges.length
    ranges = ranges.filter((r) => r < 3.267 * first)
    const mr = ranges.reduce((s, v) => s + v, 0) / ranges.length
    for (const row of figure.rows) {
      close(row.mean as number, mean)
      close(row.upper_limit as number, mean + 2.66 * mr)
      close(row.lower_limit as number, Math.max(0, mean - 2.66 * mr))
    }
    const csv = await (await get(`${server.url}/figures/overview-spc-referrals?view=spc`)).text()
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'period,value,mean,lower_limit,upper_limit,point_type,rebased',
    )
  })

  test("18-week performance by board: each board's funnel limits from the API's numerators and denominators", async () => {
    const page = await data<Page>('/variation?indicator=eighteen_weeks', 'routes/variation')
    const figure = page.figure!
    const { from, to } = page.view.period
    const rows = await api(`from=${from}&to=${to}&grain=month&measure=started,started_within_18_weeks`)
    const sums = new Map<string, { started: number; within: number }>()
    for (const r of rows) {
      if (typeof r.value !== 'number') continue
      const s = sums.get(r.board_code) ?? { started: 0, within: 0 }
      if (r.measure === 'started') s.started += r.value
      else s.within += r.value
      sums.set(r.board_code, s)
    }
    const all = [...sums.values()]
    // Scotland's pooled proportion: every numerator over every denominator.
    const centre = all.reduce((s, b) => s + b.within, 0) / all.reduce((s, b) => s + b.started, 0)
    // The proportions x whose Wilson score interval at z just reaches the centre P solve
    // |x - P| = z * sqrt(P (1 - P) / n): x = P +/- z * sqrt(P (1 - P) / n).
    const z95 = 1.959963984540054
    const z998 = 3.090232306167813
    expect(figure.rows.length).toBe(14)
    // The table's counts are headed by what they count.
    expect(figure.columns.filter((c) => c.kind === 'count').map((c) => c.label)).toEqual([
      'People who started within 18 weeks',
      'People who started treatment',
    ])
    for (const row of figure.rows) {
      const n = sums.get(String(row.board_code))!.started
      const se = Math.sqrt((centre * (1 - centre)) / n)
      close(row.centre as number, centre)
      close(row.lower_95 as number, centre - z95 * se)
      close(row.upper_95 as number, centre + z95 * se)
      close(row.lower_998 as number, centre - z998 * se)
      close(row.upper_998 as number, centre + z998 * se)
    }
    const csv = await (await get(`${server.url}/figures/variation-funnel?indicator=eighteen_weeks`)).text()
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'board_code,board_name,numerator,denominator,value,centre,lower_95,upper_95,lower_998,upper_998,flag',
    )
  })

  test('by quarter, the page says control charts need months and links to them', async () => {
    const html = await (await get(`${server.url}/?view=spc&grain=fq`)).text()
    expect(html).toContain('Control charts need monthly figures.')
    expect(html).toMatch(/href="\/\?view=spc"/)
  })
})
