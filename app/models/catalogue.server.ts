import { and, asc, count, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm'
import { formatList } from '#app/domain/format.ts'
import { getDb, inTransaction } from '#app/utils/db.server.ts'
import { assertAllowed, notFound } from '#app/utils/http.server.ts'
import { type Actor, can } from '#app/utils/permissions.ts'
import { describeIndicator, type IndicatorDescription, RATE_INDICATORS } from '#app/statistics/indicators.ts'
import { type Executor } from '#db/client.ts'
import {
  breakdownMeasures,
  dataQueries,
  measures,
  returnValues,
  serviceMeasures,
  services,
  treatments,
} from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'

/** A service's own columns, as every list and page of services reads them. */
const SERVICE = {
  id: services.id,
  slug: services.slug,
  name: services.name,
  family: services.family,
  delivery: services.delivery,
  description: services.description,
}

/** Every service with the measures that apply to it and how many treatments it offers. */
export async function listCatalogue() {
  const db = getDb()
  const [serviceRows, pairs, treatmentCounts] = await Promise.all([
    db.select(SERVICE).from(services).orderBy(asc(services.sortOrder), asc(services.name)),
    db
      .select({ serviceId: serviceMeasures.serviceId, label: measures.label })
      .from(serviceMeasures)
      .innerJoin(measures, eq(measures.id, serviceMeasures.measureId))
      .orderBy(asc(measures.sortOrder)),
    db
      .select({ serviceId: treatments.serviceId, n: count() })
      .from(treatments)
      .where(isNull(treatments.retiredOn))
      .groupBy(treatments.serviceId),
  ])
  return serviceRows.map((s) => ({
    ...s,
    measures: pairs.filter((p) => p.serviceId === s.id).map((p) => p.label),
    treatments: Number(treatmentCounts.find((t) => t.serviceId === s.id)?.n ?? 0),
  }))
}

/**
 * One service for editing: every measure (with whether it applies and what uses it: how many
 * figures, whether breakdowns by category split it, how many data queries name it) and its
 * treatments.
 */
export async function getServiceCatalogue({ slug }: { slug: string }, db: Executor = getDb()) {
  const [service] = await db
    .select({
      id: services.id,
      slug: services.slug,
      name: services.name,
      description: services.description,
      delivery: services.delivery,
    })
    .from(services)
    .where(eq(services.slug, slug))
    .limit(1)
  if (!service) throw notFound('There is no such service.')
  // One after another: inside a transaction they share one connection.
  const allMeasures = await db
    .select({ id: measures.id, name: measures.name, label: measures.label, unit: measures.unit })
    .from(measures)
    .orderBy(asc(measures.sortOrder))
  const applied = await db
    .select({ measureId: serviceMeasures.measureId })
    .from(serviceMeasures)
    .where(eq(serviceMeasures.serviceId, service.id))
  const used = await db
    .select({ measureId: returnValues.measureId, n: count() })
    .from(returnValues)
    .where(eq(returnValues.serviceId, service.id))
    .groupBy(returnValues.measureId)
  const brokenDown = await db
    .selectDistinct({ measureId: breakdownMeasures.measureId })
    .from(breakdownMeasures)
    .where(eq(breakdownMeasures.serviceId, service.id))
  const queried = await db
    .select({ measureId: dataQueries.measureId, n: count() })
    .from(dataQueries)
    .where(eq(dataQueries.serviceId, service.id))
    .groupBy(dataQueries.measureId)
  const treatmentRows = await db
    .select({
      id: treatments.id,
      name: treatments.name,
      description: treatments.description,
      retiredOn: treatments.retiredOn,
    })
    .from(treatments)
    .where(eq(treatments.serviceId, service.id))
    .orderBy(asc(treatments.retiredOn), asc(treatments.name))
  const appliedIds = new Set(applied.map((a) => a.measureId))
  const brokenDownIds = new Set(brokenDown.map((b) => b.measureId))
  return {
    service,
    measures: allMeasures.map((m) => ({
      ...m,
      applies: appliedIds.has(m.id),
      figures: Number(used.find((u) => u.measureId === m.id)?.n ?? 0),
      brokenDown: brokenDownIds.has(m.id),
      queries: Number(queried.find((q) => q.measureId === m.id)?.n ?? 0),
    })),
    treatments: treatmentRows,
  }
}

export type CatalogueMeasure = Awaited<ReturnType<typeof getServiceCatalogue>>['measures'][number]

/**
 * Figures, breakdowns by category and data queries each name a measure of the service, and
 * would lose their meaning without it (the database refuses to remove it from under them).
 */
function isInUse(measure: CatalogueMeasure) {
  return measure.figures > 0 || measure.brokenDown || measure.queries > 0
}

/** Why measures cannot be removed: one sentence for the measures that share the same reasons. */
function inUseMessage(inUse: CatalogueMeasure[]) {
  const groups = new Map<string, CatalogueMeasure[]>()
  for (const m of inUse) {
    const key = `${m.figures > 0} ${m.brokenDown} ${m.queries > 0}`
    groups.set(key, [...(groups.get(key) ?? []), m])
  }
  return [...groups.values()]
    .map((group) => {
      const { figures, brokenDown, queries } = group[0]!
      const one = group.length === 1
      const reasons = [
        figures > 0 ? `figures have already been reported for ${one ? 'it' : 'them'}` : null,
        brokenDown ? `${one ? 'it is' : 'they are'} broken down by category (in the reference data)` : null,
        queries > 0 ? `${one ? 'it is' : 'they are'} named by a data query` : null,
      ].filter((reason) => reason !== null)
      return `${formatList(group.map((m) => m.label))} cannot be removed: ${formatList(reasons)}`
    })
    .join('. ')
}

export class CatalogueError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'CatalogueError'
  }
}

export async function createService({
  actor,
  service,
  ip,
}: {
  actor: Actor
  service: { slug: string; name: string; family: string; delivery: ServiceDelivery; description: string }
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  await getDb().transaction(async (tx) => {
    const [{ next } = { next: 0 }] = await tx
      .select({ next: sql<number>`coalesce(max(${services.sortOrder}), 0)::int + 10` })
      .from(services)
    const [created] = await tx
      .insert(services)
      .values({ ...service, sortOrder: Number(next) })
      .onConflictDoNothing()
      .returning({ id: services.id })
    if (!created) throw new CatalogueError('slug', `A service with the short name ${service.slug} already exists`)
    await recordAuditEvent(
      { action: 'catalogue.service_created', actor, subject: service.slug, details: service, ip },
      tx,
    )
  })
}

/**
 * Changes a service's name, description and the measures that apply. A measure in use (see
 * `isInUse`) cannot be removed.
 */
export async function updateService({
  actor,
  slug,
  changes,
  ip,
}: {
  actor: Actor
  slug: string
  changes: { name: string; description: string; measureIds: number[] }
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  // Run again if it deadlocks with a save naming the same measures (see the lock below).
  await inTransaction(async (tx) => {
    // The measures to remove are locked before they are checked: a figure, breakdown or query
    // naming one then waits for this change (and is refused after it), instead of slipping in
    // between the check and the removal.
    await tx
      .select({ measureId: serviceMeasures.measureId })
      .from(serviceMeasures)
      .innerJoin(services, eq(services.id, serviceMeasures.serviceId))
      .where(and(eq(services.slug, slug), notInArray(serviceMeasures.measureId, changes.measureIds)))
      .for('update', { of: serviceMeasures })
    const current = await getServiceCatalogue({ slug }, tx)
    const wanted = new Set(changes.measureIds)
    const removed = current.measures.filter((m) => m.applies && !wanted.has(m.id))
    const inUse = removed.filter(isInUse)
    if (inUse.length > 0) throw new CatalogueError('measures', inUseMessage(inUse))
    const added = current.measures.filter((m) => !m.applies && wanted.has(m.id))
    await tx
      .update(services)
      .set({ name: changes.name, description: changes.description })
      .where(eq(services.id, current.service.id))
    if (removed.length > 0) {
      await tx.delete(serviceMeasures).where(
        and(
          eq(serviceMeasures.serviceId, current.service.id),
          inArray(
            serviceMeasures.measureId,
            removed.map((m) => m.id),
          ),
        ),
      )
    }
    if (added.length > 0) {
      await tx.insert(serviceMeasures).values(added.map((m) => ({ serviceId: current.service.id, measureId: m.id })))
    }
    await recordAuditEvent(
      {
        action: 'catalogue.service_changed',
        actor,
        subject: slug,
        details: {
          before: { name: current.service.name, description: current.service.description },
          after: { name: changes.name, description: changes.description },
          measuresAdded: added.map((m) => m.name),
          measuresRemoved: removed.map((m) => m.name),
        },
        ip,
      },
      tx,
    )
  })
}

export async function addTreatment({
  actor,
  slug,
  treatment,
  ip,
}: {
  actor: Actor
  slug: string
  treatment: { name: string; description: string }
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  const { service } = await getServiceCatalogue({ slug })
  await getDb().transaction(async (tx) => {
    const [created] = await tx
      .insert(treatments)
      .values({ serviceId: service.id, ...treatment })
      .onConflictDoNothing()
      .returning({ id: treatments.id })
    if (!created)
      throw new CatalogueError('name', `${service.name} already offers a treatment called ${treatment.name}`)
    await recordAuditEvent(
      { action: 'catalogue.treatment_added', actor, subject: `${slug}: ${treatment.name}`, ip },
      tx,
    )
  })
}

/** Retires a treatment from today: it stays in the history but is no longer counted as offered. */
export async function retireTreatment({
  actor,
  slug,
  treatmentId,
  today,
  ip,
}: {
  actor: Actor
  slug: string
  treatmentId: number
  today: string
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  const { service, treatments: list } = await getServiceCatalogue({ slug })
  const treatment = list.find((t) => t.id === treatmentId && t.retiredOn === null)
  if (!treatment) throw notFound('There is no such treatment in use.')
  await getDb().transaction(async (tx) => {
    await tx
      .update(treatments)
      .set({ retiredOn: today })
      .where(and(eq(treatments.id, treatmentId), eq(treatments.serviceId, service.id)))
    await recordAuditEvent(
      { action: 'catalogue.treatment_retired', actor, subject: `${slug}: ${treatment.name}`, ip },
      tx,
    )
  })
}

// Read by the dashboards and the API.

export type ServiceDelivery = (typeof services.$inferSelect)['delivery']

export type ServiceSummary = Pick<
  typeof services.$inferSelect,
  'id' | 'slug' | 'name' | 'family' | 'delivery' | 'description'
>

/** The service catalogue, in its display order. */
export async function listServices(db: Executor = getDb()): Promise<ServiceSummary[]> {
  return db.select(SERVICE).from(services).orderBy(asc(services.sortOrder), asc(services.name))
}

type MeasureInfo = Pick<typeof measures.$inferSelect, 'name' | 'label' | 'unit' | 'description'>

export interface ServiceDetail extends ServiceSummary {
  measures: MeasureInfo[]
  treatments: Array<{ name: string; description: string; retiredOn: string | null }>
}

/** One service with the measures its returns carry and the treatments offered under it. */
export async function getServiceDetail({ serviceId }: { serviceId: number }): Promise<ServiceDetail | null> {
  const db = getDb()
  const [service] = await db.select(SERVICE).from(services).where(eq(services.id, serviceId))
  if (!service) return null
  const [measureRows, treatmentRows] = await Promise.all([
    db
      .select({ name: measures.name, label: measures.label, unit: measures.unit, description: measures.description })
      .from(serviceMeasures)
      .innerJoin(measures, eq(measures.id, serviceMeasures.measureId))
      .where(eq(serviceMeasures.serviceId, serviceId))
      .orderBy(asc(measures.sortOrder), asc(measures.name)),
    db
      .select({ name: treatments.name, description: treatments.description, retiredOn: treatments.retiredOn })
      .from(treatments)
      .where(eq(treatments.serviceId, serviceId))
      .orderBy(asc(treatments.name)),
  ])
  return { ...service, measures: measureRows, treatments: treatmentRows }
}

export interface ServiceListItem extends Omit<ServiceSummary, 'id'> {
  measures: MeasureInfo[]
  indicators: IndicatorDescription[]
  treatments: string[]
}

/** The service catalogue with the measures and indicators that apply and its treatments (/api/v1/services). */
export async function listServiceDirectory(db: Executor = getDb()): Promise<ServiceListItem[]> {
  const [serviceRows, measureRows, treatmentRows] = await Promise.all([
    listServices(db),
    db
      .select({
        serviceId: serviceMeasures.serviceId,
        name: measures.name,
        label: measures.label,
        unit: measures.unit,
        description: measures.description,
      })
      .from(serviceMeasures)
      .innerJoin(measures, eq(measures.id, serviceMeasures.measureId))
      .orderBy(asc(measures.sortOrder), asc(measures.name)),
    db
      .select({ serviceId: treatments.serviceId, name: treatments.name })
      .from(treatments)
      .where(isNull(treatments.retiredOn))
      .orderBy(asc(treatments.name)),
  ])
  return serviceRows.map(({ id, ...service }) => {
    const own = measureRows.filter((m) => m.serviceId === id)
    const names = new Set(own.map((m) => m.name))
    return {
      ...service,
      measures: own.map(({ serviceId: _, ...m }) => m),
      indicators: Object.values(RATE_INDICATORS)
        .filter((i) => names.has(i.numerator) && names.has(i.denominator))
        .map(describeIndicator),
      treatments: treatmentRows.filter((t) => t.serviceId === id).map((t) => t.name),
    }
  })
}
