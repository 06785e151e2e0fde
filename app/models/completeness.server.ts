// The state of every board's returns across months: the lists of returns to enter or review,
// the completeness grid, the months that are settled, and what an upload template lists.
import { sql } from 'drizzle-orm'
import type { CompletenessState } from '#app/domain/labels.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { PROGRAMME_START_MONTH, returnDeadline, toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import type { Actor, ReturnStatus } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'

/** The months as a one-column table `m(month)` of first-of-month dates, to cross join with the boards. */
function monthsTable(months: string[]) {
  return sql`(select unnest(array[${sql.join(
    months.map((m) => sql`${toMonthDate(m)}::date`),
    sql`, `,
  )}]) as month) m`
}

export interface ReturnListRow {
  code: string
  name: string
  month: string
  status: ReturnStatus | null
  deadline: string
  submittedAt: string | null
  late: boolean
  overdue: boolean
}

/**
 * Board-months the user may enter or review: for a board lead, their own board's months; for the
 * national lead, every unit for the months asked for. Newest first.
 */
export async function listReturns({
  actor,
  months,
  now = new Date(),
}: {
  actor: Actor
  months: string[]
  now?: Date
}): Promise<ReturnListRow[]> {
  assertAllowed(
    actor.role !== 'analyst',
    'Analysts do not enter returns: the figures are on the dashboards and in exports.',
  )
  const restrict = actor.role === 'board_lead' ? actor.orgUnitId : null
  if (months.length === 0) return []
  const rows = await queryRows<{
    code: string
    name: string
    month: string
    status: ReturnStatus | null
    first_submitted_at: string | null
  }>(
    getDb(),
    sql`select o.code, o.name, to_char(m.month, 'YYYY-MM') as month, r.status, r.first_submitted_at::text as first_submitted_at
        from org_units o
        cross join ${monthsTable(months)}
        left join returns r on r.org_unit_id = o.id and r.month = m.month
        where (${restrict}::int is null or o.id = ${restrict})
          and exists (
            select 1 from service_availability a where a.org_unit_id = o.id and a.status in ('live', 'pilot')
              and a.live_from <= m.month and (a.live_to is null or a.live_to >= m.month))
        order by m.month desc, o.kind, o.name`,
  )
  const deadlineDay = getConfig().RETURN_DEADLINE_DAY
  return rows.map((r) => {
    const deadline = returnDeadline(r.month, deadlineDay)
    const submitted = r.first_submitted_at ? new Date(r.first_submitted_at) : null
    return {
      code: r.code,
      name: r.name,
      month: r.month,
      status: r.status,
      deadline: deadline.toISOString(),
      submittedAt: submitted?.toISOString() ?? null,
      late: submitted !== null && submitted > deadline,
      overdue: submitted === null && now > deadline,
    }
  })
}

/** The figures a user's return(s) for `month` can hold: board code, service and measure. */
export async function listTemplateRows({ actor, month }: { actor: Actor; month: string }) {
  assertAllowed(actor.role !== 'analyst', 'Analysts do not enter figures.')
  const restrict = actor.role === 'board_lead' ? actor.orgUnitId : null
  const date = toMonthDate(month)
  return queryRows<{ code: string; service: string; measure: string }>(
    getDb(),
    sql`select o.code, s.slug as service, m.name as measure
        from service_availability a
        join org_units o on o.id = a.org_unit_id
        join services s on s.id = a.service_id
        join service_measures sm on sm.service_id = s.id
        join measures m on m.id = sm.measure_id
        where a.status in ('live', 'pilot') and a.live_from <= ${date} and (a.live_to is null or a.live_to >= ${date})
          and (${restrict}::int is null or o.id = ${restrict})
        order by o.kind, o.name, s.sort_order, m.sort_order`,
  )
}

/**
 * Every unit's return state for each month: approved, submitted on time, late, draft, missing
 * (deadline passed, nothing submitted) or not yet due; with the on-time rate per unit and per
 * month (returns submitted by the deadline / returns due).
 */
export async function getCompletenessGrid({ months, now = new Date() }: { months: string[]; now?: Date }) {
  const deadlineDay = getConfig().RETURN_DEADLINE_DAY
  const rows = await queryRows<{
    code: string
    name: string
    kind: string
    month: string
    expected: boolean
    status: ReturnStatus | null
    first_submitted_at: string | null
  }>(
    getDb(),
    sql`select o.code, o.name, o.kind::text as kind, to_char(m.month, 'YYYY-MM') as month,
          exists (select 1 from service_availability a where a.org_unit_id = o.id and a.status in ('live', 'pilot')
                  and a.live_from <= m.month and (a.live_to is null or a.live_to >= m.month)) as expected,
          r.status, r.first_submitted_at::text as first_submitted_at
        from org_units o
        cross join ${monthsTable(months)}
        left join returns r on r.org_unit_id = o.id and r.month = m.month
        order by o.kind, o.name, m.month`,
  )
  const cells = rows.map((r) => {
    const deadline = returnDeadline(r.month, deadlineDay)
    const submitted = r.first_submitted_at ? new Date(r.first_submitted_at) : null
    const due = now > deadline
    const state: CompletenessState | null = !r.expected
      ? null
      : r.status === 'approved'
        ? submitted && submitted > deadline
          ? 'late'
          : 'approved'
        : submitted
          ? submitted > deadline
            ? 'late'
            : 'submitted'
          : !due
            ? 'not-due'
            : r.status === 'draft'
              ? 'draft'
              : 'missing'
    return {
      code: r.code,
      name: r.name,
      kind: r.kind,
      month: r.month,
      state,
      due: r.expected && due,
      onTime: Boolean(submitted && submitted <= deadline),
      approved: r.status === 'approved',
    }
  })
  const rate = (list: typeof cells) => {
    const dueCells = list.filter((c) => c.due)
    return dueCells.length === 0 ? null : dueCells.filter((c) => c.onTime).length / dueCells.length
  }
  const units = [...new Map(cells.map((c) => [c.code, { code: c.code, name: c.name, kind: c.kind }])).values()]
  return {
    units: units.map((u) => ({ ...u, onTimeRate: rate(cells.filter((c) => c.code === u.code)) })),
    months: months.map((m) => ({ month: m, onTimeRate: rate(cells.filter((c) => c.month === m)) })),
    cells: cells.map(({ code, month, state, approved }) => ({ code, month, state, approved })),
  }
}

/**
 * Which boards report breakdowns (by SIMD quintile, age band, sex): of each board's submitted
 * returns in the months, how many hold any, and by which dimensions.
 */
export async function getBreakdownCompleteness({ months }: { months: string[] }) {
  const rows = await queryRows<{
    code: string
    name: string
    submitted: number
    with_breakdowns: number
    dimensions: string | null
  }>(
    getDb(),
    sql`select o.code, o.name,
          count(r.month)::int as submitted,
          count(r.month) filter (where exists (
            select 1 from breakdown_values b
            where b.org_unit_id = o.id and b.month = r.month and b.valid_to is null))::int as with_breakdowns,
          (select string_agg(d.label, ', ' order by d.sort_order) from breakdown_dimensions d
           where exists (select 1 from breakdown_values b join ${monthsTable(months)} on b.month = m.month
                         where b.org_unit_id = o.id and b.dimension_id = d.id and b.valid_to is null)) as dimensions
        from org_units o
        left join returns r on r.org_unit_id = o.id and r.first_submitted_at is not null
          and r.month in (select month from ${monthsTable(months)})
        where o.kind = 'board'
        group by o.id, o.code, o.name
        order by o.name`,
  )
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    submitted: Number(r.submitted),
    withBreakdowns: Number(r.with_breakdowns),
    dimensions: r.dimensions,
  }))
}

/**
 * The latest month, up to `through`, by which every figure reported so far has been approved:
 * no return is waiting for approval, or reopened. (Returns never received stay missing: exports
 * mark them, and they do not hold a publication back.)
 */
export async function listSettledMonths({ through }: { through: string }) {
  const rows = await queryRows<{ month: string; settled: boolean }>(
    getDb(),
    sql`select to_char(m.month, 'YYYY-MM') as month,
          not exists (select 1 from returns r where r.month = m.month and r.first_submitted_at is not null and r.status <> 'approved') as settled
        from generate_series(${toMonthDate(PROGRAMME_START_MONTH)}::date, ${toMonthDate(through)}::date, interval '1 month') as m(month)
        order by m.month`,
  )
  return rows
}
