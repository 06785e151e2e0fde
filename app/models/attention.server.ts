// "Needs your attention": the returns waiting for someone. A board lead's board's returns that
// are due (the month has ended, the deadline has not passed) or overdue (it has) and not
// submitted; for the national lead, every unit's overdue returns and the returns awaiting
// approval. Analysts enter and approve nothing: nothing waits for them.
import { sql } from 'drizzle-orm'
import { getConfig } from '#app/utils/config.server.ts'
import { lastCompleteMonth, PROGRAMME_START_MONTH, returnDeadline, toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import type { Actor, ReturnStatus } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'

export interface AttentionReturn {
  code: string
  name: string
  month: string
  /** ISO 8601 instant. */
  deadline: string
}

export interface NeedsAttention {
  /** Not submitted, deadline still ahead (board leads). */
  due: AttentionReturn[]
  /** Not submitted, deadline passed: a board lead's own, or every unit's for the national lead. */
  overdue: AttentionReturn[]
  /** Submitted, waiting for the national lead's approval (national lead). */
  awaitingApproval: AttentionReturn[]
}

/** Newest month first, then by unit. Null for analysts. */
export async function getNeedsAttention({
  actor,
  now = new Date(),
}: {
  actor: Actor
  now?: Date
}): Promise<NeedsAttention | null> {
  if (actor.role === 'analyst') return null
  const board = actor.role === 'board_lead' ? actor.orgUnitId : null
  const through = lastCompleteMonth(now)
  if (through < PROGRAMME_START_MONTH) return { due: [], overdue: [], awaitingApproval: [] }
  const rows = await queryRows<{ code: string; name: string; month: string; status: ReturnStatus | null }>(
    getDb(),
    sql`select o.code, o.name, to_char(m.month, 'YYYY-MM') as month, r.status
        from org_units o
        cross join generate_series(${toMonthDate(PROGRAMME_START_MONTH)}::date, ${toMonthDate(through)}::date, interval '1 month') as m(month)
        left join returns r on r.org_unit_id = o.id and r.month = m.month
        where (${board}::int is null or o.id = ${board})
          and (r.status is null or r.status <> 'approved')
          and exists (
            select 1 from service_availability a where a.org_unit_id = o.id and a.status in ('live', 'pilot')
              and a.live_from <= m.month and (a.live_to is null or a.live_to >= m.month))
        order by m.month desc, o.kind, o.name`,
  )
  const deadlineDay = getConfig().RETURN_DEADLINE_DAY
  const result: NeedsAttention = { due: [], overdue: [], awaitingApproval: [] }
  for (const row of rows) {
    const deadline = returnDeadline(row.month, deadlineDay)
    const item = { code: row.code, name: row.name, month: row.month, deadline: deadline.toISOString() }
    if (row.status === 'submitted') {
      if (actor.role === 'national_lead') result.awaitingApproval.push(item)
    } else if (now > deadline) {
      result.overdue.push(item)
    } else if (actor.role === 'board_lead') {
      result.due.push(item)
    }
  }
  return result
}
