import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { getTreatmentCoverage } from '#app/models/coverage.server.ts'
import { getFigureTotals, getReturnsCompleteness } from '#app/models/indicators.server.ts'
import { latestDueMonth } from '#app/utils/dates.ts'
import { queryRows } from '#db/client.ts'
import { loadDemoData } from '#seed/demo.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'

const NOW = new Date('2026-11-22T12:00:00Z')
const t = useTestDatabase()

beforeAll(async () => {
  await loadDemoData(t.db, { now: NOW, deadlineDay: 15 })
})

/** The same figures by a query written without the model code: current versions of submitted returns. */
async function independentSum(measure: string, from: string, to: string, service?: string) {
  const rows = await queryRows<{ total: number }>(
    t.db,
    sql`
    select coalesce(sum(rv.value), 0)::float8 as total
    from return_values rv, returns r, measures m, services s
    where rv.valid_to is null
      and r.org_unit_id = rv.org_unit_id and r.month = rv.month and r.first_submitted_at is not null
      and m.id = rv.measure_id and m.name = ${measure}
      and s.id = rv.service_id and (${service ?? null}::text is null or s.slug = ${service ?? null})
      and rv.month >= ${from}::date and rv.month <= ${to}::date`,
  )
  return Number(rows[0]!.total)
}

describe(`national headline figures of the demo data on ${ENGINE}`, () => {
  const through = latestDueMonth(NOW, 15)

  test('the default period ends at the latest month whose returns have fallen due', () => {
    expect(through).toBe('2026-10')
  })

  test('reproduce the programme’s published scale', async () => {
    const last12 = await getFigureTotals({ scope: {}, from: '2025-11', to: through })
    const sinceStart = await getFigureTotals({ scope: {}, from: '2021-04', to: through })
    expect(Math.abs(last12.referrals! - 70_000) / 70_000).toBeLessThan(0.05)
    expect(sinceStart.referrals).toBeGreaterThan(300_000)
    expect(Math.abs(last12.video_sessions! / 12 - 14_000) / 14_000).toBeLessThan(0.1)
    expect(last12.group_sessions! / 12).toBeGreaterThan(150)
    expect(Math.abs(last12.self_help_visits! / 12 - 38_000) / 38_000).toBeLessThan(0.1)
    expect(sinceStart.self_help_visits).toBeGreaterThan(1_800_000)
    expect(await getTreatmentCoverage({ month: through })).toEqual({ treatments: 37, boardsWithAll: 14, boards: 14 })
  })

  test('equal an independent SQL sum', async () => {
    const last12 = await getFigureTotals({ scope: {}, from: '2025-11', to: through })
    const sinceStart = await getFigureTotals({ scope: {}, from: '2021-04', to: through })
    expect(last12.referrals).toBe(await independentSum('referrals', '2025-11-01', '2026-10-01'))
    expect(sinceStart.referrals).toBe(await independentSum('referrals', '2021-04-01', '2026-10-01'))
    expect(last12.video_sessions).toBe(await independentSum('sessions', '2025-11-01', '2026-10-01', 'video-1to1'))
    expect(last12.group_sessions).toBe(await independentSum('group_sessions', '2025-11-01', '2026-10-01'))
    expect(last12.self_help_visits).toBe(await independentSum('visits', '2025-11-01', '2026-10-01'))
    const started = await independentSum('started', '2025-11-01', '2026-10-01')
    const within = await independentSum('started_within_18_weeks', '2025-11-01', '2026-10-01')
    expect(last12.eighteen_weeks).toBeCloseTo(within / started, 12)
    const caseness = await independentSum('proms_at_caseness', '2025-11-01', '2026-10-01')
    const recovered = await independentSum('proms_recovered', '2025-11-01', '2026-10-01')
    expect(last12.recovery_rate).toBeCloseTo(recovered / caseness, 12)
  })

  test('count only the boards that have reported the latest month', async () => {
    const latest = await getReturnsCompleteness({ scope: {}, months: [through], deadlineDay: 15 })
    const rows = await queryRows<{ n: number }>(
      t.db,
      sql`
      select count(*)::int as n from returns r join org_units o on o.id = r.org_unit_id
      where o.kind = 'board' and r.month = '2026-10-01' and r.submitted_at is not null`,
    )
    expect({ reported: latest.unitsReported, expected: latest.unitsExpected }).toEqual({
      reported: rows[0]!.n,
      expected: 14,
    })
    expect(latest.unitsReported).toBeLessThan(14)
  })

  test('the demo holds late, missing and revised returns', async () => {
    const rows = await queryRows<Record<string, number>>(
      t.db,
      sql`
      select
        (select count(*) from return_values where valid_to is not null)::int as revised_versions,
        (select count(*) from return_events where action = 'reopened')::int as reopened,
        (select count(*) from returns where status = 'draft')::int as drafts,
        (select count(*) from returns where first_submitted_at > (month + interval '1 month' + interval '15 days'))::int as late`,
    )
    expect(rows[0]!.revised_versions).toBeGreaterThan(10)
    expect(rows[0]!.reopened).toBeGreaterThan(5)
    expect(rows[0]!.drafts).toBeGreaterThan(0)
    expect(rows[0]!.late).toBeGreaterThan(20)
  })
})
