// The monthly report's figures are the dashboard's figures (the same month, the same moment), and
// its address reproduces them: a figure saved later changes the report without `asAt`, not the
// report at the address it gave.
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { findReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import type { Figure } from '#app/domain/figure.ts'
import type { MonthlyReport } from '#app/dashboards/report/report.server.ts'
import { addMonths, latestDueMonth } from '#app/utils/dates.ts'
import { queryRows } from '#db/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { useDemoServer } from '#tests/setup/demo-server.ts'

const t = useTestDatabase()
const NOW = new Date()
const server = useDemoServer(t, NOW)
const { get, data } = server
const MONTH = latestDueMonth(NOW, 15)
const SCOTLAND = 'S92000003'

type ReportData = { report: MonthlyReport; asAt: string; permalink: string }
type Page = { figures: Figure[]; latest: { submitted: number; expected: number; onTime: number } }

async function report(query = '') {
  return data<ReportData>(`/reports/${MONTH}${query}`, 'routes/reports.$month')
}

/** Scotland's referrals in MONTH from the API as at `asAt`: the boards' figures added up. */
async function apiReferrals(asAt: string) {
  const response = await get(
    `${server.url}/api/v1/activity?format=json&layout=long&sdc=off&grain=month&from=${MONTH}&to=${MONTH}&measure=referrals&service=ccbt-adults,ccbt-perinatal,ccbt-cyp,ccbt-ltc,ccbt-higher-education,ccbt-prisons,iecbt&asAt=${encodeURIComponent(asAt)}`,
  )
  expect(response.status).toBe(200)
  const body = (await response.json()) as { rows: Array<{ board_code: string; value: number | null }> }
  return body.rows.filter((r) => r.board_code !== SCOTLAND).reduce((sum, r) => sum + (r.value ?? 0), 0)
}

describe(`the monthly report on ${ENGINE}`, () => {
  test("its headline figures and returns are the dashboard's for the same months", async () => {
    const { report: r } = await report()
    const from = addMonths(MONTH, -23)
    const overview = await data<Page>(`/?from=${from}&to=${MONTH}&view=spc`, 'routes/_index')
    for (const [name, id] of [
      ['referrals', 'overview-spc-referrals'],
      ['eighteen-weeks', 'overview-spc-eighteen-weeks'],
      ['recovery-rate', 'overview-spc-recovery-rate'],
      ['video-sessions', 'overview-spc-video-sessions'],
    ] as const) {
      const chart = overview.figures.find((f) => f.id === id)!
      const headline = r.headlines.find((h) => h.name === name)!
      const last = chart.rows[chart.rows.length - 1]!
      expect(headline.value, name).toBe(last.value)
      expect(headline.yearEarlier, name).toBe(chart.rows[chart.rows.length - 13]!.value)
    }
    const month = await data<Page>(`/?from=${MONTH}&to=${MONTH}`, 'routes/_index')
    expect(r.completeness.submitted).toBe(month.latest.submitted)
    expect(r.completeness.expected).toBe(month.latest.expected)
    expect(r.completeness.onTime).toBe(month.latest.onTime)
    // Every sentence names its figure and what it is compared with.
    const sentences = [...r.sentences.returns, ...r.sentences.headlines, ...r.sentences.variation]
    expect(sentences.length).toBeGreaterThan(10)
    for (const s of sentences) {
      expect(s.figure).not.toBe('')
      expect(s.comparison).not.toBe('')
    }
  })

  test('its address reproduces its figures after a figure is changed; without asAt it shows the change', async () => {
    const before = await report()
    const referrals = before.report.headlines.find((h) => h.name === 'referrals')!.value!
    expect(await apiReferrals(before.asAt)).toBe(referrals)
    expect(new URL(before.permalink).searchParams.get('asAt')).toBe(before.asAt)

    // Lothian's perinatal cCBT referrals go up by 100, after the report was taken.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const unit = await findReturnUnit({ code: 'S08000024' })
    const [lead] = await queryRows<{ id: number }>(
      t.db,
      sql`select id from users where email = 'national.lead@demo.scot'`,
    )
    const [current] = await queryRows<{ value: number }>(
      t.db,
      sql`select v.value from return_values v join services s on s.id = v.service_id join measures m on m.id = v.measure_id
        where v.org_unit_id = ${unit.id} and v.month = ${`${MONTH}-01`} and s.slug = 'ccbt-perinatal'
          and m.name = 'referrals' and v.valid_to is null`,
    )
    const outcome = await saveReturn({
      actor: { id: lead!.id, email: 'national.lead@demo.scot', role: 'national_lead', orgUnitId: null },
      unit,
      month: MONTH,
      expectedVersion: null,
      figures: [{ service: 'ccbt-perinatal', measure: 'referrals', value: current!.value + 100 }],
      submit: false,
      reason: 'Referrals from a second clinic were left out',
    })
    expect(outcome).toMatchObject({ ok: true })

    const again = await data<ReportData>(
      `/reports/${MONTH}?asAt=${encodeURIComponent(before.asAt)}`,
      'routes/reports.$month',
    )
    expect(again.report.headlines).toEqual(before.report.headlines)
    expect(again.report.completeness).toEqual(before.report.completeness)
    const now = await report()
    expect(now.report.headlines.find((h) => h.name === 'referrals')!.value).toBe(referrals + 100)
    expect(await apiReferrals(now.asAt)).toBe(referrals + 100)
  })

  test("a board's report is about the board; a month outside the programme is not found", async () => {
    const { report: r } = await report('?board=S08000024')
    expect(r.board?.name).toBe('Lothian')
    const board = await data<Page & { view: unknown }>(
      `/boards/S08000024?from=${addMonths(MONTH, -23)}&to=${MONTH}&view=spc`,
      'routes/boards.$code',
    )
    const chart = board.figures.find((f) => f.id === 'board-spc-referrals')!
    expect(r.headlines.find((h) => h.name === 'referrals')!.value).toBe(chart.rows[chart.rows.length - 1]!.value)
    expect((await get(`${server.url}/reports/2019-01`)).status).toBe(404)
    expect((await get(`${server.url}/reports/${MONTH}?asAt=2999-01-01T00:00:00Z`)).status).toBe(400)
  })
})
