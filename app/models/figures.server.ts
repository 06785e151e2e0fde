// The figures of returns: append-only versions (docs/decisions/0003). The current figures of a
// board's months, a new version of each changed figure (closing the one it replaces), and every
// version of a return's figures with who changed it, when and why.
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Figure } from '#app/returns/rules.ts'
import { toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import { type Actor, can } from '#app/utils/permissions.ts'
import { type Executor, queryRows, type Transaction } from '#db/client.ts'
import { measures, returnValues, services, users } from '#db/schema/index.ts'
import type { OrgUnit } from './org-units.server.ts'
import type { RuleCatalogue } from './returns.server.ts'

/** Current figures of one unit for some months: service slug, measure name, month -> value and comment. */
export async function listCurrentFigures(db: Executor, orgUnitId: number, months: string[]) {
  if (months.length === 0) return []
  return queryRows<{
    service: string
    measure: string
    month: string
    value: number | null
    comment: string | null
    valid_from: string
    changed_by: string | null
  }>(
    db,
    sql`select s.slug as service, m.name as measure, to_char(v.month, 'YYYY-MM') as month, v.value, v.comment,
               v.valid_from::text as valid_from, u.email as changed_by
        from return_values v
        join services s on s.id = v.service_id
        join measures m on m.id = v.measure_id
        left join users u on u.id = v.changed_by
        where v.org_unit_id = ${orgUnitId} and v.valid_to is null and v.month in (${monthList(months)})`,
  )
}

/**
 * The current values alone, without their comments or who entered them: the past months a
 * return is compared with.
 */
export async function listCurrentValues(db: Executor, orgUnitId: number, months: string[]) {
  if (months.length === 0) return []
  return queryRows<{ service: string; measure: string; month: string; value: number | null }>(
    db,
    sql`select s.slug as service, m.name as measure, to_char(v.month, 'YYYY-MM') as month, v.value
        from return_values v
        join services s on s.id = v.service_id
        join measures m on m.id = v.measure_id
        where v.org_unit_id = ${orgUnitId} and v.valid_to is null and v.month in (${monthList(months)})`,
  )
}

function monthList(months: string[]) {
  return sql.join(
    months.map((m) => sql`${toMonthDate(m)}::date`),
    sql`, `,
  )
}

/** A new version of each changed figure, closing the version it replaces. */
export async function writeFigureVersions(
  tx: Transaction,
  {
    unit,
    month,
    changes,
    catalogue,
    actor,
    reason,
    now,
  }: {
    unit: OrgUnit
    month: string
    changes: Figure[]
    catalogue: RuleCatalogue
    actor: Actor
    reason: string | null
    now: Date
  },
) {
  if (changes.length === 0) return
  const rows = changes.map((c) => ({
    service_id: catalogue.services.get(c.service)!.id,
    measure_id: catalogue.measures.get(c.measure)!.id,
    value: c.value,
    comment: c.comment,
  }))
  const payload = JSON.stringify(rows)
  const date = toMonthDate(month)
  await tx.execute(sql`
    update return_values v set valid_to = ${now}
    from json_to_recordset(${payload}::json) as c(service_id int, measure_id int, value int, comment text)
    where v.org_unit_id = ${unit.id} and v.month = ${date} and v.service_id = c.service_id
      and v.measure_id = c.measure_id and v.valid_to is null`)
  await tx.execute(sql`
    insert into return_values (org_unit_id, service_id, month, measure_id, value, comment, valid_from, changed_by, change_reason)
    select ${unit.id}, c.service_id, ${date}::date, c.measure_id, c.value, c.comment, ${now}, ${actor.id}, ${reason}
    from json_to_recordset(${payload}::json) as c(service_id int, measure_id int, value int, comment text)`)
}

export async function getReturnHistory({ actor, unit, month }: { actor: Actor; unit: OrgUnit; month: string }) {
  assertAllowed(can.viewReturns(actor, { orgUnitId: unit.id }), 'You can only see your own board’s returns.')
  const rows = await getDb()
    .select({
      service: services.name,
      serviceSlug: services.slug,
      measure: measures.label,
      measureName: measures.name,
      value: returnValues.value,
      comment: returnValues.comment,
      validFrom: returnValues.validFrom,
      validTo: returnValues.validTo,
      changedBy: users.email,
      reason: returnValues.changeReason,
    })
    .from(returnValues)
    .innerJoin(services, eq(services.id, returnValues.serviceId))
    .innerJoin(measures, eq(measures.id, returnValues.measureId))
    .leftJoin(users, eq(users.id, returnValues.changedBy))
    .where(and(eq(returnValues.orgUnitId, unit.id), eq(returnValues.month, toMonthDate(month))))
    .orderBy(asc(services.sortOrder), asc(measures.sortOrder), asc(returnValues.validFrom))
  return rows
}
