import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { saveCosts, listCostHistory, listCosts } from '#app/models/costs.server.ts'
import { queryRows } from '#db/client.ts'
import { actor } from '#tests/models/actors.ts'
import { createTestUser } from '#tests/setup/client.ts'
import { useTestDatabase } from '#tests/setup/database.ts'

// Costs are versioned like the monthly figures: the database refuses to change or delete one.
const t = useTestDatabase()
let ids: { national: number; lothian: number; adults: number }
let lead: ReturnType<typeof actor>

async function refusal(statement: ReturnType<typeof sql>) {
  try {
    await t.db.execute(statement)
  } catch (error) {
    const e = error as { message: string; cause?: { message: string } }
    return e.cause?.message ?? e.message
  }
  return 'accepted'
}

beforeAll(async () => {
  const [row] = await queryRows<{ national: number; lothian: number; adults: number }>(
    t.db,
    sql`select (select id from org_units where code = 'S92000003') as national,
      (select id from org_units where code = 'S08000024') as lothian,
      (select id from services where slug = 'ccbt-adults') as adults`,
  )
  ids = { national: Number(row!.national), lothian: Number(row!.lothian), adults: Number(row!.adults) }
  lead = actor(await createTestUser('national@example.scot', 'national_lead'), 'national_lead')
})

describe('costs', () => {
  test('a change closes the amount and adds one; the history keeps both, and the audit trail says who', async () => {
    const item = {
      financialYear: '2024/25',
      orgUnitId: ids.national,
      serviceId: ids.adults,
      kind: 'licence' as const,
      comment: null,
    }
    expect(
      await saveCosts({ actor: lead, items: [{ ...item, amount: 100_000 }], reason: null, source: 'form' }),
    ).toEqual({
      created: 1,
      changed: 0,
      unchanged: 0,
    })
    expect(
      await saveCosts({
        actor: lead,
        items: [{ ...item, amount: 120_000 }],
        reason: 'Contract variation',
        source: 'form',
      }),
    ).toEqual({ created: 0, changed: 1, unchanged: 0 })
    const history = await listCostHistory(item)
    expect(history.map((h) => h.amount)).toEqual([120_000, 100_000])
    expect(history[0]!.changeReason).toBe('Contract variation')
    expect((await listCosts({ fromYear: '2024/25', toYear: '2024/25' })).map((c) => c.amount)).toEqual([120_000])
    const events = await queryRows<{ action: string }>(
      t.db,
      sql`select action from audit_events where action = 'costs.changed'`,
    )
    expect(events).toHaveLength(2)
  })

  test('only the national lead records costs', async () => {
    const boardLead = actor(99, 'board_lead', ids.lothian)
    await expect(
      saveCosts({
        actor: boardLead,
        items: [
          {
            financialYear: '2024/25',
            orgUnitId: ids.lothian,
            serviceId: ids.adults,
            kind: 'staff',
            amount: 1,
            comment: null,
          },
        ],
        reason: null,
        source: 'form',
      }),
    ).rejects.toMatchObject({ status: 403 })
  })

  test('the database refuses to change or delete a cost, and a malformed year', async () => {
    expect(await refusal(sql`update costs set amount = 1`)).toMatch(/append-only/)
    expect(await refusal(sql`delete from costs`)).toMatch(/append-only/)
    expect(
      await refusal(
        sql`insert into costs (financial_year, org_unit_id, service_id, kind, amount) values ('2024-25', ${ids.lothian}, ${ids.adults}, 'staff', 5)`,
      ),
    ).toMatch(/costs_financial_year_form/)
  })
})
