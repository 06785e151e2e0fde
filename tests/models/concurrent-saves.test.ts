// Every board saving the same month at the same moment, again and again: on PostgreSQL each save
// is a transaction of its own on a connection of its own, and they all touch the same figure
// totals. No save may fail, and every figure and total must come out right. The saves of one
// month take turns on the totals (a month lock, migration 0010), so PostgreSQL never has to end
// one to break a deadlock: no save is even retried.
import { sql } from 'drizzle-orm'
import { beforeAll, expect, test } from 'vitest'
import { findReturnUnit, type ReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import type { Figure } from '#app/returns/rules.ts'
import { getMetrics } from '#app/utils/metrics.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestUser } from '#tests/setup/client.ts'
import { resetData, useTestDatabase } from '#tests/setup/database.ts'

// A connection for every board, so that all 14 transactions are open at once.
const t = useTestDatabase({ maxConnections: 16 })
const MONTH = '2025-06'
const NOW = new Date('2025-07-10T09:00:00Z')
const ROUNDS = 20
const MEASURES = ['referrals', 'self_referrals', 'started', 'started_within_18_weeks', 'completed'] as const
const SERVICES = ['ccbt-adults', 'ccbt-perinatal', 'ccbt-cyp', 'iecbt'] as const

let boards: { unit: ReturnUnit; lead: Actor }[]

beforeAll(async () => {
  await resetData(t.db)
  const codes = await queryRows<{ code: string }>(
    t.db,
    sql`select code from org_units where kind = 'board' order by code`,
  )
  boards = await Promise.all(
    codes.map(async ({ code }) => {
      const unit = await findReturnUnit({ code })
      const email = `lead-${code.toLowerCase()}@example.scot`
      const id = await createTestUser(email, 'board_lead', unit.id)
      return { unit, lead: { id, email, role: 'board_lead' as const, orgUnitId: unit.id } }
    }),
  )
})

/**
 * What board `b` saves in round `r`: each round changes a different mix of services, so the
 * saves lock different figure totals in different numbers, as real returns do. Parts stay within
 * their wholes (self-referrals <= referrals, started within 18 weeks <= started).
 */
function figuresOf(b: number, r: number): Figure[] {
  return SERVICES.filter((_, s) => (b + r + s) % 3 !== 0).flatMap((service, s) => {
    const base = 20 + ((b * 7 + r * 5 + s * 3) % 40)
    const values = {
      referrals: base,
      self_referrals: base >> 1,
      started: base - 5,
      started_within_18_weeks: base >> 2,
      completed: base >> 3,
    }
    return MEASURES.map((measure) => ({ service, measure, value: values[measure] }))
  })
}

test(`all 14 boards save the same month at once, ${ROUNDS} times: every save succeeds and every total is right`, async () => {
  expect(boards).toHaveLength(14)
  const retries = async () => (await getMetrics().transactionRetries.get()).values.reduce((n, v) => n + v.value, 0)
  const retriesBefore = await retries()
  const expected = new Map<string, number | null>()
  for (let r = 0; r < ROUNDS; r++) {
    const outcomes = await Promise.all(
      boards.map(({ unit, lead }, b) =>
        saveReturn({
          actor: lead,
          unit,
          month: MONTH,
          expectedVersion: null,
          figures: figuresOf(b, r),
          // The first save submits, so from then on every change moves the totals.
          submit: r === 0,
          reason: null,
          now: NOW,
        }),
      ),
    )
    expect(outcomes.filter((o) => !o.ok)).toEqual([])
    boards.forEach(({ unit }, b) => {
      for (const f of figuresOf(b, r)) expected.set(`${unit.code}|${f.service}|${f.measure}`, f.value)
    })
  }

  // Each board's figures are the last it saved, one current version each.
  const current = await queryRows<{ key: string; value: number | null; versions: number }>(
    t.db,
    sql`select u.code || '|' || s.slug || '|' || m.name as key, v.value, count(*) over (partition by v.org_unit_id, v.service_id, v.measure_id) as versions
      from return_values v join org_units u on u.id = v.org_unit_id join services s on s.id = v.service_id
        join measures m on m.id = v.measure_id
      where v.month = ${`${MONTH}-01`} and v.valid_to is null`,
  )
  expect(new Map(current.map((c) => [c.key, c.value]))).toEqual(expected)
  expect(current.every((c) => Number(c.versions) === 1)).toBe(true)

  // The totals the triggers kept equal the totals worked out again from the figures.
  const totals = await queryRows<{ service: string; measure: string; total: number }>(
    t.db,
    sql`select s.slug as service, m.name as measure, t.total from figure_totals_by_service t
      join services s on s.id = t.service_id join measures m on m.id = t.measure_id
      where t.month = ${`${MONTH}-01`} and t.reported > 0 order by 1, 2`,
  )
  const sums = new Map<string, number>()
  for (const [key, value] of expected) {
    const [, service, measure] = key.split('|')
    sums.set(`${service}|${measure}`, (sums.get(`${service}|${measure}`) ?? 0) + (value ?? 0))
  }
  expect(new Map(totals.map((row) => [`${row.service}|${row.measure}`, Number(row.total)]))).toEqual(sums)
  const byUnit = await queryRows<{ n: number }>(
    t.db,
    sql`select count(*) as n from figure_totals_by_unit t
      where t.month = ${`${MONTH}-01`} and t.total <> (select coalesce(sum(v.value), 0) from return_values v
        join services s on s.id = v.service_id
        where v.org_unit_id = t.org_unit_id and v.month = t.month and v.measure_id = t.measure_id
          and s.family = t.family and v.valid_to is null)`,
  )
  expect(Number(byUnit[0]!.n)).toBe(0)
  expect(await retries()).toBe(retriesBefore)
}, 300_000)
