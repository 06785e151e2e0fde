// "Needs your attention" from the database: every return up to August 2026 approved, then
// September and October 2026 in chosen states. September's returns were due by the end of 15
// October 2026, October's by the end of 15 November 2026.
import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, test } from 'vitest'
import { getNeedsAttention } from '#app/models/attention.server.ts'
import { queryRows } from '#db/client.ts'
import { ReturnFixture } from '#tests/models/return-fixture.ts'
import { actor } from '#tests/models/actors.ts'
import { resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let fixture: ReturnFixture

beforeEach(async () => {
  await resetData(t.db)
  fixture = await new ReturnFixture(t.db).load()
  await t.db
    .execute(sql`insert into returns (org_unit_id, month, status, submitted_at, first_submitted_at, approved_at, first_approved_at)
    select o.id, m.month, 'approved', m.month + interval '40 days', m.month + interval '40 days', m.month + interval '45 days', m.month + interval '45 days'
    from org_units o cross join generate_series('2021-04-01'::date, '2026-08-01'::date, interval '1 month') as m(month)`)
  // Lothian: September a draft, October nothing. Fife: September submitted, October approved.
  await fixture.figure('S08000024', 'ccbt-adults', '2026-09', 'referrals', 10, '2026-10-02T09:00:00Z')
  await fixture.figure('S08000029', 'ccbt-adults', '2026-09', 'referrals', 20, '2026-10-02T09:00:00Z')
  await fixture.submit('S08000029', '2026-09', '2026-10-03T09:00:00Z')
  await fixture.approvedReturn('S08000029', 'ccbt-adults', '2026-10', { referrals: 21 }, '2026-11-03')
})

const labels = (items: Array<{ code: string; month: string }>) => items.map((i) => `${i.code} ${i.month}`)

describe('needs your attention', () => {
  test('a board lead: their board’s October return due, September overdue (a draft)', async () => {
    const lead = actor(1, 'board_lead', fixture.unit('S08000024'))
    const attention = await getNeedsAttention({ actor: lead, now: new Date('2026-11-12T09:00:00Z') })
    expect(labels(attention!.due)).toEqual(['S08000024 2026-10'])
    expect(attention!.due[0]!.deadline).toBe('2026-11-15T23:59:59.999Z')
    expect(labels(attention!.overdue)).toEqual(['S08000024 2026-09'])
    expect(attention!.awaitingApproval).toEqual([])
  })

  test('a board lead whose returns are all in: nothing', async () => {
    const lead = actor(2, 'board_lead', fixture.unit('S08000029'))
    // Fife's September return awaits approval: that is the national lead's to do.
    expect(await getNeedsAttention({ actor: lead, now: new Date('2026-11-20T09:00:00Z') })).toEqual({
      due: [],
      overdue: [],
      awaitingApproval: [],
    })
  })

  test('the national lead: every unit’s overdue returns, and those awaiting approval', async () => {
    const national = actor(3, 'national_lead')
    const attention = await getNeedsAttention({ actor: national, now: new Date('2026-11-20T09:00:00Z') })
    expect(labels(attention!.awaitingApproval)).toEqual(['S08000029 2026-09'])
    expect(attention!.due).toEqual([])
    // Every unit expected but Fife, for October and for September: newest month first.
    const units = await queryRows<{ n: number }>(
      t.db,
      sql`select count(distinct org_unit_id)::int as n from service_availability
        where status in ('live', 'pilot') and live_from <= '2026-09-01' and (live_to is null or live_to >= '2026-10-01')`,
    )
    const expected = Number(units[0]!.n) - 1
    expect(attention!.overdue).toHaveLength(expected * 2)
    expect(attention!.overdue.slice(0, expected).every((r) => r.month === '2026-10')).toBe(true)
    expect(labels(attention!.overdue)).toContain('S08000024 2026-09')
    expect(labels(attention!.overdue)).not.toContain('S08000029 2026-09')
  })

  test('an analyst: nothing waits for them', async () => {
    expect(await getNeedsAttention({ actor: actor(4, 'analyst'), now: new Date() })).toBeNull()
  })
})
