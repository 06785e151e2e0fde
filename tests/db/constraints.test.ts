import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, test } from 'vitest'
import { queryRows } from '#db/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

// The database itself refuses what the data model forbids, whatever code writes to it.
const t = useTestDatabase()

async function ids() {
  const rows = await queryRows<{ unit: number; adults: number; video: number; referrals: number; sessions: number }>(
    t.db,
    sql`
    select
      (select id from org_units where code = 'S08000024') as unit,
      (select id from services where slug = 'ccbt-adults') as adults,
      (select id from services where slug = 'video-1to1') as video,
      (select id from measures where name = 'referrals') as referrals,
      (select id from measures where name = 'sessions') as sessions`,
  )
  return rows[0]!
}

async function refusal(statement: ReturnType<typeof sql>) {
  try {
    await t.db.execute(statement)
  } catch (error) {
    const e = error as { message: string; cause?: { message: string } }
    return e.cause?.message ?? e.message
  }
  return 'accepted'
}

describe(`constraints on ${ENGINE}`, () => {
  beforeEach(async () => {
    await resetData(t.db)
    const { unit } = await ids()
    await t.db.execute(sql`insert into returns (org_unit_id, month) values (${unit}, '2025-04-01')`)
  })

  test('a negative value is refused', async () => {
    const { unit, adults, referrals } = await ids()
    expect(
      await refusal(sql`insert into return_values (org_unit_id, service_id, month, measure_id, value)
        values (${unit}, ${adults}, '2025-04-01', ${referrals}, -1)`),
    ).toMatch(/return_values_value_non_negative/)
  })

  test('a measure that does not apply to the service is refused', async () => {
    const { unit, video, referrals } = await ids()
    expect(
      await refusal(sql`insert into return_values (org_unit_id, service_id, month, measure_id, value)
        values (${unit}, ${video}, '2025-04-01', ${referrals}, 10)`),
    ).toMatch(/return_values_service_measure_fk/)
  })

  test('a second current version of the same figure is refused', async () => {
    const { unit, adults, referrals } = await ids()
    const insert = sql`insert into return_values (org_unit_id, service_id, month, measure_id, value)
      values (${unit}, ${adults}, '2025-04-01', ${referrals}, 10)`
    expect(await refusal(insert)).toBe('accepted')
    expect(await refusal(insert)).toMatch(/return_values_one_current/)
  })

  test('figures are append-only: a closed version stays, nothing is changed or deleted', async () => {
    const { unit, adults, referrals } = await ids()
    await t.db.execute(sql`insert into return_values (org_unit_id, service_id, month, measure_id, value)
      values (${unit}, ${adults}, '2025-04-01', ${referrals}, 10)`)
    expect(await refusal(sql`update return_values set value = 11`)).toMatch(/append-only/)
    expect(await refusal(sql`delete from return_values`)).toMatch(/append-only/)
    // Closing the current version is the one change allowed, and only once.
    expect(await refusal(sql`update return_values set valid_to = now()`)).toBe('accepted')
    expect(await refusal(sql`update return_values set valid_to = now()`)).toMatch(/append-only/)
  })

  test('a board lead must have a board, and other roles must not', async () => {
    const { unit } = await ids()
    expect(
      await refusal(sql`insert into users (email, name, role, password_hash)
        values ('lead@example.scot', 'Lead', 'board_lead', 'x')`),
    ).toMatch(/users_board_lead_has_board/)
    expect(
      await refusal(sql`insert into users (email, name, role, org_unit_id, password_hash)
        values ('analyst@example.scot', 'Analyst', 'analyst', ${unit}, 'x')`),
    ).toMatch(/users_board_lead_has_board/)
  })

  test('a month that is not the first day of a month is refused', async () => {
    const { unit } = await ids()
    expect(await refusal(sql`insert into returns (org_unit_id, month) values (${unit}, '2025-05-02')`)).toMatch(
      /returns_month_start/,
    )
  })
})
