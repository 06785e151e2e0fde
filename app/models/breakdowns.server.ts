// Breakdown figures: append-only versions like the totals (docs/decisions/0003), read and
// written beside them when a return is saved.
import { sql } from 'drizzle-orm'
import type { BreakdownApplies, BreakdownDimensionInfo, BreakdownFigure } from '#app/returns/breakdowns.ts'
import { toMonthDate } from '#app/utils/dates.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { type Executor, queryRows, type Transaction } from '#db/client.ts'
import { keptWhileReferenceUnchanged } from './data-version.server.ts'
import type { OrgUnit } from './org-units.server.ts'

/**
 * The dimensions with their categories, and which dimensions split which service's measure,
 * kept while the reference data stays the same.
 */
export function loadBreakdownCatalogue(db: Executor) {
  return keptWhileReferenceUnchanged('breakdown-catalogue', db, readBreakdownCatalogue)
}

export async function readBreakdownCatalogue(db: Executor) {
  // One after another: inside a transaction they share one connection.
  const categories = await queryRows<{
    dimension_id: number
    dimension: string
    dimension_label: string
    id: number
    name: string
    label: string
    rank: number | null
  }>(
    db,
    sql`select d.id as dimension_id, d.name as dimension, d.label as dimension_label, c.id, c.name, c.label, c.rank
        from breakdown_dimensions d join breakdown_categories c on c.dimension_id = d.id
        order by d.sort_order, c.sort_order`,
  )
  const pairs = await queryRows<{ service: string; measure: string; dimension: string }>(
    db,
    sql`select s.slug as service, m.name as measure, d.name as dimension
        from breakdown_measures b
        join services s on s.id = b.service_id
        join measures m on m.id = b.measure_id
        join breakdown_dimensions d on d.id = b.dimension_id
        order by s.sort_order, m.sort_order, d.sort_order`,
  )
  const dimensions = new Map<string, BreakdownDimensionInfo & { ranks: Map<string, number | null> }>()
  for (const c of categories) {
    if (!dimensions.has(c.dimension))
      dimensions.set(c.dimension, {
        id: Number(c.dimension_id),
        name: c.dimension,
        label: c.dimension_label,
        categories: [],
        ranks: new Map(),
      })
    const dimension = dimensions.get(c.dimension)!
    dimension.categories.push({ id: Number(c.id), name: c.name, label: c.label })
    dimension.ranks.set(c.name, c.rank === null ? null : Number(c.rank))
  }
  const applies: BreakdownApplies = new Map()
  for (const p of pairs) {
    const key = `${p.service}|${p.measure}`
    if (!applies.has(key)) applies.set(key, [])
    applies.get(key)!.push(dimensions.get(p.dimension)!)
  }
  return { dimensions, applies }
}

export type BreakdownCatalogue = Awaited<ReturnType<typeof readBreakdownCatalogue>>

/** The current breakdown figures of one board-month. */
export async function listCurrentBreakdowns(db: Executor, orgUnitId: number, month: string) {
  return queryRows<BreakdownFigure>(
    db,
    sql`select s.slug as service, m.name as measure, d.name as dimension, c.name as category, v.value
        from breakdown_values v
        join services s on s.id = v.service_id
        join measures m on m.id = v.measure_id
        join breakdown_dimensions d on d.id = v.dimension_id
        join breakdown_categories c on c.id = v.category_id
        where v.org_unit_id = ${orgUnitId} and v.month = ${toMonthDate(month)} and v.valid_to is null
        order by s.sort_order, m.sort_order, d.sort_order, c.sort_order`,
  )
}

/** A new version of each changed category, closing the one it replaces; a cleared category is only closed. */
export async function writeBreakdownVersions(
  tx: Transaction,
  {
    unit,
    month,
    changes,
    ids,
    actor,
    reason,
    now,
  }: {
    unit: OrgUnit
    month: string
    changes: BreakdownFigure[]
    ids: {
      service: (slug: string) => number
      measure: (name: string) => number
      dimensions: BreakdownCatalogue['dimensions']
    }
    actor: Actor
    reason: string | null
    now: Date
  },
) {
  if (changes.length === 0) return
  const rows = changes.map((c) => {
    const dimension = ids.dimensions.get(c.dimension)!
    return {
      service_id: ids.service(c.service),
      measure_id: ids.measure(c.measure),
      dimension_id: dimension.id,
      category_id: dimension.categories.find((k) => k.name === c.category)!.id,
      value: c.value,
    }
  })
  const payload = JSON.stringify(rows)
  const date = toMonthDate(month)
  const recordset = sql`json_to_recordset(${payload}::json) as c(service_id int, measure_id int, dimension_id int, category_id int, value int)`
  await tx.execute(sql`
    update breakdown_values v set valid_to = ${now}
    from ${recordset}
    where v.org_unit_id = ${unit.id} and v.month = ${date} and v.service_id = c.service_id
      and v.measure_id = c.measure_id and v.category_id = c.category_id and v.valid_to is null`)
  await tx.execute(sql`
    insert into breakdown_values (org_unit_id, service_id, month, measure_id, dimension_id, category_id, value, valid_from, changed_by, change_reason)
    select ${unit.id}, c.service_id, ${date}::date, c.measure_id, c.dimension_id, c.category_id, c.value, ${now}, ${actor.id}, ${reason}
    from ${recordset}
    where c.value is not null`)
}
