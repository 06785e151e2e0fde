// Costs by financial year, board and service (versioned like the monthly figures: a change closes
// the current row and adds one), and the counts the value figures divide them by. Only the
// national lead records costs; every change is in the audit trail, in the same transaction.
import { and, asc, eq, gte, isNull, lte, sql } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { type Executor, queryRows } from '#db/client.ts'
import { type CostKind, costs, orgUnits, services, users } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'


export interface CostListItem {
  id: number
  financialYear: string
  orgUnitCode: string
  orgUnitName: string
  national: boolean
  serviceSlug: string
  serviceName: string
  kind: CostKind
  amount: number | null
  comment: string | null
  validFrom: Date
  changedBy: string | null
  changeReason: string | null
}

/**
 * Current costs, newest year first. `orgUnitId` limits them to one unit: the query itself keeps
 * other boards' amounts out when a caller may only see one board's.
 */
export async function listCosts(
  { fromYear, toYear, orgUnitId }: { fromYear?: string; toYear?: string; orgUnitId?: number },
  db: Executor = getDb(),
): Promise<CostListItem[]> {
  const rows = await db
    .select({
      id: costs.id,
      financialYear: costs.financialYear,
      orgUnitCode: orgUnits.code,
      orgUnitName: orgUnits.name,
      orgUnitKind: orgUnits.kind,
      serviceSlug: services.slug,
      serviceName: services.name,
      kind: costs.kind,
      amount: costs.amount,
      comment: costs.comment,
      validFrom: costs.validFrom,
      changedBy: users.email,
      changeReason: costs.changeReason,
    })
    .from(costs)
    .innerJoin(orgUnits, eq(orgUnits.id, costs.orgUnitId))
    .innerJoin(services, eq(services.id, costs.serviceId))
    .leftJoin(users, eq(users.id, costs.changedBy))
    .where(
      and(
        isNull(costs.validTo),
        fromYear ? gte(costs.financialYear, fromYear) : undefined,
        toYear ? lte(costs.financialYear, toYear) : undefined,
        orgUnitId !== undefined ? eq(costs.orgUnitId, orgUnitId) : undefined,
      ),
    )
    .orderBy(
      sql`${costs.financialYear} desc`,
      asc(orgUnits.kind),
      asc(orgUnits.name),
      asc(services.sortOrder),
      asc(costs.kind),
    )
  return rows.map(({ orgUnitKind, ...r }) => ({ ...r, national: orgUnitKind === 'national' }))
}

/** Current cost totals of each year, unit and service (every kind added), for the value figures. */
export async function listCostTotals(
  { fromYear, toYear }: { fromYear: string; toYear: string },
  db: Executor = getDb(),
) {
  const rows = await queryRows<{ financial_year: string; code: string; kind: string; slug: string; amount: number }>(
    db,
    sql`select c.financial_year, o.code, o.kind::text as kind, s.slug, sum(c.amount)::float8 as amount
        from ${costs} c join ${orgUnits} o on o.id = c.org_unit_id join ${services} s on s.id = c.service_id
        where c.valid_to is null and c.amount is not null
          and c.financial_year >= ${fromYear} and c.financial_year <= ${toYear}
        group by c.financial_year, o.code, o.kind, s.slug`,
  )
  return rows.map((r) => ({
    financialYear: r.financial_year,
    code: r.code,
    national: r.kind === 'national',
    service: r.slug,
    amount: Number(r.amount),
  }))
}

/**
 * Monthly counts of the measures the value figures use, summed by unit, service and measure, of
 * returns that have been submitted (as the dashboards and the activity API count them).
 */
export async function listMonthlyCounts(
  { from, to, measures }: { from: string; to: string; measures: string[] },
  db: Executor = getDb(),
) {
  if (measures.length === 0) return []
  const rows = await queryRows<{ month: string; code: string; slug: string; measure: string; value: number }>(
    db,
    sql`select to_char(v.month, 'YYYY-MM') as month, o.code, s.slug, m.name as measure, sum(v.value)::float8 as value
        from return_values v
        join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
        join org_units o on o.id = v.org_unit_id
        join services s on s.id = v.service_id
        join measures m on m.id = v.measure_id
        where v.valid_to is null and r.first_submitted_at is not null and v.value is not null
          and v.month >= ${`${from}-01`}::date and v.month <= ${`${to}-01`}::date
          and m.name in (${sql.join(
            measures.map((m) => sql`${m}`),
            sql`, `,
          )})
        group by v.month, o.code, s.slug, m.name`,
  )
  return rows.map((r) => ({
    month: r.month,
    code: r.code,
    service: r.slug,
    measure: r.measure,
    value: Number(r.value),
  }))
}

/** The months each unit has submitted its return for, from `from` to `to`. */
export async function listReportedMonths({ from, to }: { from: string; to: string }, db: Executor = getDb()) {
  const rows = await queryRows<{ code: string; month: string }>(
    db,
    sql`select o.code, to_char(r.month, 'YYYY-MM') as month from returns r join org_units o on o.id = r.org_unit_id
        where r.first_submitted_at is not null and r.month >= ${`${from}-01`}::date and r.month <= ${`${to}-01`}::date`,
  )
  return rows
}

export interface CostInput {
  financialYear: string
  orgUnitId: number
  serviceId: number
  kind: CostKind
  /** Whole pounds; null withdraws the amount. */
  amount: number | null
  comment: string | null
}

export interface SaveCostsResult {
  created: number
  changed: number
  unchanged: number
}

/**
 * Records costs: each one new, changed (the current row closed and a new one added) or unchanged.
 * All or nothing, in one transaction with its audit event.
 */
export async function saveCosts(
  {
    actor,
    items,
    reason,
    source,
  }: { actor: Actor; items: CostInput[]; reason: string | null; source: 'form' | 'upload' },
  db: Executor = getDb(),
): Promise<SaveCostsResult> {
  if (actor.role !== 'national_lead')
    throw new Response('Only the national programme lead records costs.', { status: 403 })
  const result: SaveCostsResult = { created: 0, changed: 0, unchanged: 0 }
  await db.transaction(async (tx) => {
    const now = new Date()
    for (const item of items) {
      const key = and(
        eq(costs.financialYear, item.financialYear),
        eq(costs.orgUnitId, item.orgUnitId),
        eq(costs.serviceId, item.serviceId),
        eq(costs.kind, item.kind),
        isNull(costs.validTo),
      )
      const [current] = await tx
        .select({ id: costs.id, amount: costs.amount, comment: costs.comment })
        .from(costs)
        .where(key)
        .for('update')
      if (current && current.amount === item.amount && (current.comment ?? null) === (item.comment ?? null)) {
        result.unchanged += 1
        continue
      }
      if (!current && item.amount === null) {
        result.unchanged += 1
        continue
      }
      if (current) await tx.update(costs).set({ validTo: now }).where(eq(costs.id, current.id))
      await tx.insert(costs).values({
        ...item,
        validFrom: now,
        changedBy: actor.id,
        changeReason: current ? reason : null,
      })
      result[current ? 'changed' : 'created'] += 1
    }
    if (result.created + result.changed > 0) {
      await recordAuditEvent(
        {
          action: 'costs.changed',
          actor,
          subject: [...new Set(items.map((i) => i.financialYear))].sort().join(', '),
          details: { ...result, source, reason },
        },
        tx,
      )
    }
  })
  return result
}

/** Every version of one cost, newest first: its history. */
export async function listCostHistory(
  key: { financialYear: string; orgUnitId: number; serviceId: number; kind: CostKind },
  db: Executor = getDb(),
) {
  return db
    .select({
      amount: costs.amount,
      comment: costs.comment,
      validFrom: costs.validFrom,
      validTo: costs.validTo,
      changedBy: users.email,
      changeReason: costs.changeReason,
    })
    .from(costs)
    .leftJoin(users, eq(users.id, costs.changedBy))
    .where(
      and(
        eq(costs.financialYear, key.financialYear),
        eq(costs.orgUnitId, key.orgUnitId),
        eq(costs.serviceId, key.serviceId),
        eq(costs.kind, key.kind),
      ),
    )
    .orderBy(sql`${costs.validFrom} desc`)
}
