// The figure totals the dashboards read are kept by triggers in the same transaction as every
// write. Whatever the sequence of saves, revisions and submissions, they must equal the totals
// computed from the figures themselves.
import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { queryRows } from '#db/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
const ids = {} as Record<string, number>

beforeAll(async () => {
  const rows = await queryRows<{ key: string; id: number }>(
    t.db,
    sql`
    select 'lothian' as key, id from org_units where code = 'S08000024'
    union all select 'orkney', id from org_units where code = 'S08000025'
    union all select 'adults', id from services where slug = 'ccbt-adults'
    union all select 'video', id from services where slug = 'video-1to1'
    union all select 'referrals', id from measures where name = 'referrals'
    union all select 'started', id from measures where name = 'started'
    union all select 'sessions', id from measures where name = 'sessions'`,
  )
  for (const r of rows) ids[r.key] = Number(r.id)
})

/** Both rollups, and the same totals computed from the figures, as comparable lists. */
async function compare() {
  const kept = await queryRows<{ key: string; total: number; reported: number }>(
    t.db,
    sql`
    select 'service:' || month || ':' || service_id || ':' || measure_id as key, total::float8 as total, reported
    from figure_totals_by_service where reported <> 0 or total <> 0
    union all
    select 'unit:' || month || ':' || org_unit_id || ':' || family || ':' || measure_id, total::float8, reported
    from figure_totals_by_unit where reported <> 0 or total <> 0
    order by 1`,
  )
  const computed = await queryRows<{ key: string; total: number; reported: number }>(
    t.db,
    sql`
    with reported as (
      select v.*, s.family from return_values v
      join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      join services s on s.id = v.service_id
      where v.valid_to is null and r.first_submitted_at is not null
    )
    select * from (
      select 'service:' || month || ':' || service_id || ':' || measure_id as key,
        coalesce(sum(value), 0)::float8 as total, count(value)::int as reported
      from reported group by month, service_id, measure_id
      union all
      select 'unit:' || month || ':' || org_unit_id || ':' || family || ':' || measure_id,
        coalesce(sum(value), 0)::float8, count(value)::int
      from reported group by month, org_unit_id, family, measure_id
    ) as all_totals
    where reported <> 0 or total <> 0
    order by 1`,
  )
  return {
    kept: kept.map((r) => [r.key, Number(r.total), Number(r.reported)]),
    computed: computed.map((r) => [r.key, Number(r.total), Number(r.reported)]),
  }
}

/** Saves a figure as the return form does: close the current version, add the new one. */
async function save(unit: number, month: string, service: number, measure: number, value: number | null) {
  await t.db.transaction(async (tx) => {
    await tx.execute(sql`insert into returns (org_unit_id, month) values (${unit}, ${month}) on conflict do nothing`)
    await tx.execute(sql`
      update return_values set valid_to = now()
      where org_unit_id = ${unit} and month = ${month} and service_id = ${service} and measure_id = ${measure} and valid_to is null`)
    await tx.execute(sql`
      insert into return_values (org_unit_id, service_id, month, measure_id, value)
      values (${unit}, ${service}, ${month}, ${measure}, ${value})`)
  })
}

async function submit(unit: number, month: string) {
  await t.db.execute(sql`
    update returns set status = 'submitted', first_submitted_at = coalesce(first_submitted_at, now()), submitted_at = now()
    where org_unit_id = ${unit} and month = ${month}`)
}

async function total(service: number, month: string, measure: number) {
  const rows = await queryRows<{ total: number; reported: number }>(
    t.db,
    sql`
    select total::float8 as total, reported from figure_totals_by_service
    where service_id = ${service} and month = ${month} and measure_id = ${measure}`,
  )
  return rows[0] ? { total: Number(rows[0].total), reported: Number(rows[0].reported) } : null
}

describe(`figure totals kept by triggers (${ENGINE})`, () => {
  beforeEach(() => resetData(t.db))

  test('a draft counts nothing; submitting it counts its figures; a revision counts once', async () => {
    await save(ids.lothian!, '2026-04-01', ids.adults!, ids.referrals!, 70)
    expect(await total(ids.adults!, '2026-04-01', ids.referrals!)).toBeNull()
    await submit(ids.lothian!, '2026-04-01')
    expect(await total(ids.adults!, '2026-04-01', ids.referrals!)).toEqual({ total: 70, reported: 1 })
    await save(ids.lothian!, '2026-04-01', ids.adults!, ids.referrals!, 80)
    expect(await total(ids.adults!, '2026-04-01', ids.referrals!)).toEqual({ total: 80, reported: 1 })
    await save(ids.orkney!, '2026-04-01', ids.adults!, ids.referrals!, 5)
    await submit(ids.orkney!, '2026-04-01')
    expect(await total(ids.adults!, '2026-04-01', ids.referrals!)).toEqual({ total: 85, reported: 2 })
  })

  test('a figure changed to "not reported" stops counting as reported', async () => {
    await save(ids.lothian!, '2026-04-01', ids.adults!, ids.referrals!, 70)
    await submit(ids.lothian!, '2026-04-01')
    await save(ids.lothian!, '2026-04-01', ids.adults!, ids.referrals!, null)
    expect(await total(ids.adults!, '2026-04-01', ids.referrals!)).toEqual({ total: 0, reported: 0 })
  })

  test('emptying the figures empties the totals', async () => {
    await save(ids.lothian!, '2026-04-01', ids.adults!, ids.referrals!, 70)
    await submit(ids.lothian!, '2026-04-01')
    await resetData(t.db)
    const rows = await queryRows<{ n: number }>(
      t.db,
      sql`
      select ((select count(*) from figure_totals_by_service) + (select count(*) from figure_totals_by_unit))::int as n`,
    )
    expect(rows[0]!.n).toBe(0)
  })

  test('moving a service to another family rebuilds the totals by unit', async () => {
    await save(ids.lothian!, '2026-04-01', ids.video!, ids.sessions!, 300)
    await submit(ids.lothian!, '2026-04-01')
    await t.db.execute(sql`update services set family = 'video-one-to-one' where id = ${ids.video}`)
    try {
      const { kept, computed } = await compare()
      expect(kept).toEqual(computed)
      expect(kept.some(([key]) => String(key).includes(':video-one-to-one:'))).toBe(true)
    } finally {
      await t.db.execute(sql`update services set family = 'video' where id = ${ids.video}`)
    }
  })

  test('any sequence of saves, revisions and submissions keeps the totals equal to the figures', async () => {
    const units = ['lothian', 'orkney'] as const
    const pairs = [
      ['adults', 'referrals'],
      ['adults', 'started'],
      ['video', 'sessions'],
    ] as const
    const months = ['2026-03-01', '2026-04-01'] as const
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('save' as const),
        unit: fc.constantFrom(...units),
        month: fc.constantFrom(...months),
        pair: fc.constantFrom(...pairs),
        value: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
      }),
      fc.record({
        kind: fc.constant('submit' as const),
        unit: fc.constantFrom(...units),
        month: fc.constantFrom(...months),
      }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 14 }), async (operations) => {
        await resetData(t.db)
        for (const op of operations) {
          if (op.kind === 'save') await save(ids[op.unit]!, op.month, ids[op.pair[0]]!, ids[op.pair[1]]!, op.value)
          else await submit(ids[op.unit]!, op.month)
        }
        const { kept, computed } = await compare()
        expect(kept).toEqual(computed)
      }),
      { numRuns: ENGINE === 'postgres' ? 40 : 25 },
    )
  })
})
