// Coverage history (which service is live where, from when) and population vintages: the
// national lead's changes. History is kept: a change closes the open period and starts a new one.
import { parse } from 'csv-parse/sync'
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm'
import { addMonths, fromMonthDate, toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import { type Actor, can } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { orgUnitPopulations, orgUnits, serviceAvailability, services, users } from '#db/schema/index.ts'
import type { AvailabilityStatus } from '#app/domain/labels.ts'
import { recordAuditEvent } from './audit.server.ts'
import { listOrgUnitAliases, listOrgUnits } from './org-units.server.ts'

export type { AvailabilityStatus }

/** Each unit's status for each service in `month` (null where nothing is recorded). */
export async function listAvailabilityInMonth({ month }: { month: string }) {
  const date = toMonthDate(month)
  return queryRows<{ org_unit_id: number; service_id: number; status: AvailabilityStatus; live_from: string }>(
    getDb(),
    sql`select org_unit_id, service_id, status, to_char(live_from, 'YYYY-MM') as live_from
        from service_availability
        where live_from <= ${date} and (live_to is null or live_to >= ${date})`,
  )
}

/** The most recent coverage changes recorded in the app (not the reference data), newest first. */
export async function listAvailabilityHistory({ limit }: { limit: number }) {
  return getDb()
    .select({
      id: serviceAvailability.id,
      unitName: orgUnits.name,
      serviceName: services.name,
      status: serviceAvailability.status,
      liveFrom: serviceAvailability.liveFrom,
      liveTo: serviceAvailability.liveTo,
      note: serviceAvailability.note,
      recordedAt: serviceAvailability.recordedAt,
      recordedBy: users.email,
    })
    .from(serviceAvailability)
    .innerJoin(orgUnits, eq(orgUnits.id, serviceAvailability.orgUnitId))
    .innerJoin(services, eq(services.id, serviceAvailability.serviceId))
    .innerJoin(users, eq(users.id, serviceAvailability.recordedBy))
    .orderBy(desc(serviceAvailability.recordedAt), desc(serviceAvailability.id))
    .limit(limit)
}

export class CoverageChangeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'CoverageChangeError'
  }
}

/**
 * Records that a service has `status` in a unit from `fromMonth` onwards. The open period is
 * closed the month before; earlier periods are never rewritten, so a change must start after
 * the current period began.
 */
export async function recordAvailabilityChange({
  actor,
  change,
  ip,
}: {
  actor: Actor
  change: { orgUnitId: number; serviceId: number; status: AvailabilityStatus; fromMonth: string; note: string }
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  const from = toMonthDate(change.fromMonth)
  await getDb().transaction(async (tx) => {
    const periods = await tx
      .select({
        id: serviceAvailability.id,
        status: serviceAvailability.status,
        liveFrom: serviceAvailability.liveFrom,
        liveTo: serviceAvailability.liveTo,
      })
      .from(serviceAvailability)
      .where(
        and(eq(serviceAvailability.orgUnitId, change.orgUnitId), eq(serviceAvailability.serviceId, change.serviceId)),
      )
      .orderBy(asc(serviceAvailability.liveFrom))
      .for('update')
    const latest = periods.at(-1)
    if (latest && from <= latest.liveFrom) {
      throw new CoverageChangeError(
        'fromMonth',
        `The change must start after ${fromMonthDate(latest.liveFrom)}, when the current period began; earlier history is kept as it is`,
      )
    }
    if (latest && latest.liveTo !== null && from <= latest.liveTo) {
      throw new CoverageChangeError(
        'fromMonth',
        `The change must start after ${fromMonthDate(latest.liveTo)}, the last month already recorded`,
      )
    }
    if (latest && latest.liveTo === null && latest.status === change.status) {
      throw new CoverageChangeError(
        'status',
        `The service is already ${change.status} there, since ${fromMonthDate(latest.liveFrom)}`,
      )
    }
    if (latest && latest.liveTo === null) {
      await tx
        .update(serviceAvailability)
        .set({ liveTo: toMonthDate(addMonths(change.fromMonth, -1)) })
        .where(and(eq(serviceAvailability.id, latest.id), isNull(serviceAvailability.liveTo)))
    }
    await tx.insert(serviceAvailability).values({
      orgUnitId: change.orgUnitId,
      serviceId: change.serviceId,
      status: change.status,
      liveFrom: from,
      note: change.note,
      recordedBy: actor.id,
    })
    const [names] = await queryRows<{ unit: string; service: string }>(
      tx,
      sql`select (select name from org_units where id = ${change.orgUnitId}) as unit,
                 (select slug from services where id = ${change.serviceId}) as service`,
    )
    await recordAuditEvent(
      {
        action: 'coverage.changed',
        actor,
        orgUnitId: change.orgUnitId,
        subject: `${names?.unit}: ${names?.service}`,
        details: {
          status: change.status,
          fromMonth: change.fromMonth,
          previous: latest ? { status: latest.status, since: fromMonthDate(latest.liveFrom) } : null,
          note: change.note,
        },
        ip,
      },
      tx,
    )
  })
}

export interface VintageProblem {
  row: number
  column: string
  message: string
}

export class PopulationVintageError extends Error {
  constructor(readonly problems: VintageProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the population file`)
    this.name = 'PopulationVintageError'
  }
}

/**
 * Loads a population vintage (CSV columns code, year, population) under `source`, all rows or
 * none. Earlier vintages stay; rates use the most recently loaded one for each year.
 */
export async function loadPopulationVintage({
  actor,
  source,
  csv,
  ip,
}: {
  actor: Actor
  source: string
  csv: string
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  const db = getDb()
  const problems: VintageProblem[] = []
  let records: Record<string, string>[] = []
  try {
    records = parse(csv, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    })
  } catch (error) {
    throw new PopulationVintageError([
      { row: (error as { lines?: number }).lines ?? 1, column: '(whole row)', message: (error as Error).message },
    ])
  }
  if (records.length === 0)
    throw new PopulationVintageError([{ row: 1, column: '(file)', message: 'The file has no rows' }])
  for (const column of ['code', 'year', 'population']) {
    if (!(column in records[0]!)) problems.push({ row: 1, column, message: 'Column is missing' })
  }
  if (problems.length > 0) throw new PopulationVintageError(problems)

  const units = await listOrgUnits(db)
  const aliases = await listOrgUnitAliases(db)
  const unitByCode = new Map([
    ...units.map((u) => [u.code, u.id] as const),
    ...aliases.map((a) => [a.code, a.orgUnitId] as const),
  ])
  const seen = new Set<string>()
  const rows: Array<{ orgUnitId: number; year: number; population: number; source: string }> = []
  records.forEach((record, index) => {
    const row = index + 2
    const orgUnitId = unitByCode.get(record.code ?? '')
    const year = Number(record.year)
    const population = Number(record.population?.replace(/,/g, ''))
    if (orgUnitId === undefined)
      problems.push({
        row,
        column: 'code',
        message: `${record.code || '(empty)'} is not a known board or national code`,
      })
    if (!Number.isInteger(year) || year < 1900 || year > 2200)
      problems.push({ row, column: 'year', message: 'Must be a year such as 2024' })
    if (!Number.isInteger(population) || population <= 0)
      problems.push({ row, column: 'population', message: 'Must be a whole number more than 0' })
    const key = `${orgUnitId}:${year}`
    if (orgUnitId !== undefined && seen.has(key))
      problems.push({ row, column: 'code', message: `A second row for ${record.code} in ${year}` })
    seen.add(key)
    if (orgUnitId !== undefined) rows.push({ orgUnitId, year, population, source })
  })
  if (problems.length > 0) throw new PopulationVintageError(problems)

  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(orgUnitPopulations)
      .values(rows)
      .onConflictDoNothing()
      .returning({ year: orgUnitPopulations.year })
    if (inserted.length !== rows.length) {
      throw new PopulationVintageError([
        {
          row: 1,
          column: 'source',
          message: `The vintage "${source}" is already loaded for some of these boards and years: give this file a different source name`,
        },
      ])
    }
    await recordAuditEvent(
      {
        action: 'population.vintage_loaded',
        actor,
        subject: source,
        details: { rows: rows.length },
        ip,
      },
      tx,
    )
  })
  return { rows: rows.length }
}

/** The population vintages loaded, newest first. */
export async function listPopulationVintages() {
  return queryRows<{ source: string; loaded_at: string; years: string; rows: number }>(
    getDb(),
    sql`select source, max(loaded_at)::text as loaded_at,
          min(year) || case when min(year) = max(year) then '' else '–' || max(year) end as years,
          count(*)::int as rows
        from org_unit_populations group by source order by max(loaded_at) desc`,
  )
}

/** Boards and the national unit, and services, for the change form. */
export async function listCoverageChoices() {
  const db = getDb()
  const [units, serviceRows] = await Promise.all([
    db
      .select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind })
      .from(orgUnits)
      .orderBy(asc(orgUnits.kind), asc(orgUnits.name)),
    db
      .select({ id: services.id, name: services.name, slug: services.slug, delivery: services.delivery })
      .from(services)
      .orderBy(asc(services.sortOrder)),
  ])
  return { units, services: serviceRows }
}
