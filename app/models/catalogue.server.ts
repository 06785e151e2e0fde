import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed, notFound } from '#app/utils/http.server.ts'
import { type Actor, can } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { measures, returnValues, serviceMeasures, services, treatments } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'

/** Every service with the measures that apply to it and how many treatments it offers. */
export async function listCatalogue() {
  const db = getDb()
  const [serviceRows, pairs, treatmentCounts] = await Promise.all([
    db
      .select({
        id: services.id,
        slug: services.slug,
        name: services.name,
        family: services.family,
        delivery: services.delivery,
        description: services.description,
      })
      .from(services)
      .orderBy(asc(services.sortOrder), asc(services.name)),
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

/** One service for editing: every measure (with whether it applies and how many figures use it) and its treatments. */
export async function getServiceCatalogue({ slug }: { slug: string }) {
  const db = getDb()
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
  const [allMeasures, applied, used, treatmentRows] = await Promise.all([
    db
      .select({ id: measures.id, name: measures.name, label: measures.label, unit: measures.unit })
      .from(measures)
      .orderBy(asc(measures.sortOrder)),
    db
      .select({ measureId: serviceMeasures.measureId })
      .from(serviceMeasures)
      .where(eq(serviceMeasures.serviceId, service.id)),
    db
      .select({ measureId: returnValues.measureId, n: count() })
      .from(returnValues)
      .where(eq(returnValues.serviceId, service.id))
      .groupBy(returnValues.measureId),
    db
      .select({
        id: treatments.id,
        name: treatments.name,
        description: treatments.description,
        retiredOn: treatments.retiredOn,
      })
      .from(treatments)
      .where(eq(treatments.serviceId, service.id))
      .orderBy(asc(treatments.retiredOn), asc(treatments.name)),
  ])
  const appliedIds = new Set(applied.map((a) => a.measureId))
  return {
    service,
    measures: allMeasures.map((m) => ({
      ...m,
      applies: appliedIds.has(m.id),
      figures: Number(used.find((u) => u.measureId === m.id)?.n ?? 0),
    })),
    treatments: treatmentRows,
  }
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
  service: { slug: string; name: string; family: string; delivery: 'board' | 'national'; description: string }
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
      {
        action: 'catalogue.service_created',
        userId: actor.id,
        userEmail: actor.email,
        subject: service.slug,
        details: service,
        ip,
      },
      tx,
    )
  })
}

/**
 * Changes a service's name, description and the measures that apply. A measure that figures
 * already use cannot be removed: the figures would lose their meaning (the database refuses too).
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
  const current = await getServiceCatalogue({ slug })
  const wanted = new Set(changes.measureIds)
  const removed = current.measures.filter((m) => m.applies && !wanted.has(m.id))
  const blocked = removed.filter((m) => m.figures > 0)
  if (blocked.length > 0) {
    throw new CatalogueError(
      'measures',
      `${blocked.map((m) => m.label).join(', ')} cannot be removed: figures have already been reported for ${blocked.length === 1 ? 'it' : 'them'}`,
    )
  }
  const added = current.measures.filter((m) => !m.applies && wanted.has(m.id))
  await getDb().transaction(async (tx) => {
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
        userId: actor.id,
        userEmail: actor.email,
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
      {
        action: 'catalogue.treatment_added',
        userId: actor.id,
        userEmail: actor.email,
        subject: `${slug}: ${treatment.name}`,
        ip,
      },
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
      {
        action: 'catalogue.treatment_retired',
        userId: actor.id,
        userEmail: actor.email,
        subject: `${slug}: ${treatment.name}`,
        ip,
      },
      tx,
    )
  })
}

// Read by the dashboards.

export interface BoardSummary {
  id: number
  code: string
  name: string
}

export type ServiceSummary = {
  id: number
  slug: string
  name: string
  family: string
  delivery: 'board' | 'national'
  description: string
}

/** The service catalogue, in its display order. */
export async function listServices(): Promise<ServiceSummary[]> {
  const rows = await queryRows<ServiceSummary>(
    getDb(),
    sql`select id, slug, name, family, delivery::text as delivery, description from services order by sort_order, name`,
  )
  return rows.map((r) => ({ ...r, id: Number(r.id) }))
}

export interface ServiceDetail extends ServiceSummary {
  measures: Array<{ name: string; label: string; unit: string; description: string }>
  treatments: Array<{ name: string; description: string; retiredOn: string | null }>
}

/** One service with the measures its returns carry and the treatments offered under it. */
export async function getServiceDetail({ serviceId }: { serviceId: number }): Promise<ServiceDetail | null> {
  const db = getDb()
  const [service] = await queryRows<ServiceSummary>(
    db,
    sql`select id, slug, name, family, delivery::text as delivery, description from services where id = ${serviceId}`,
  )
  if (!service) return null
  const measures = await queryRows<{ name: string; label: string; unit: string; description: string }>(
    db,
    sql`select m.name, m.label, m.unit, m.description
      from service_measures sm join measures m on m.id = sm.measure_id
      where sm.service_id = ${serviceId}
      order by m.sort_order, m.name`,
  )
  const treatments = await queryRows<{ name: string; description: string; retired_on: string | null }>(
    db,
    sql`select name, description, retired_on::text as retired_on from treatments where service_id = ${serviceId} order by name`,
  )
  return {
    ...service,
    id: Number(service.id),
    measures,
    treatments: treatments.map((t) => ({ name: t.name, description: t.description, retiredOn: t.retired_on })),
  }
}

/** A board by its code, or null. */
export async function findBoard({ code }: { code: string }): Promise<BoardSummary | null> {
  const [row] = await queryRows<{ id: number; code: string; name: string }>(
    getDb(),
    sql`select id, code, name from org_units where kind = 'board' and code = ${code}`,
  )
  return row ? { id: Number(row.id), code: row.code, name: row.name } : null
}

/** A service by its slug, or null. */
export async function findService({ slug }: { slug: string }): Promise<ServiceSummary | null> {
  const [row] = await queryRows<ServiceSummary>(
    getDb(),
    sql`select id, slug, name, family, delivery::text as delivery, description from services where slug = ${slug}`,
  )
  return row ? { ...row, id: Number(row.id) } : null
}
