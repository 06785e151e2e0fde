// Annotations: dated events that explain a trend, national or for one board, optionally for
// one service, optionally rebasing SPC limits. The national lead changes any; a board lead only
// their own board's, and that restriction is in every query, not only in the route guard.
// Every change is written to the audit trail in the same transaction.
import { and, asc, desc, eq, gte, isNull, lte, or, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import type { Executor } from '#db/client.ts'
import { annotations, orgUnits, services, users } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'

/** Who may write an annotation for a board (null = national): DESIGN.md's roles table. */
export function mayAnnotate(actor: Actor, orgUnitId: number | null) {
  return (
    actor.role === 'national_lead' ||
    (actor.role === 'board_lead' && orgUnitId !== null && actor.orgUnitId === orgUnitId)
  )
}

/** The annotations an actor may change: all for the national lead, their board's for a board lead, none otherwise. */
function changeableBy(actor: Actor): SQL | undefined {
  if (actor.role === 'national_lead') return undefined
  if (actor.role === 'board_lead' && actor.orgUnitId !== null) return eq(annotations.orgUnitId, actor.orgUnitId)
  return eq(annotations.id, -1)
}

export interface AnnotationInput {
  /** 'YYYY-MM-DD' */
  eventDate: string
  orgUnitId: number | null
  serviceId: number | null
  text: string
  rebase: boolean
}

const createdByUser = alias(users, 'created_by_user')
const updatedByUser = alias(users, 'updated_by_user')

const listColumns = {
  id: annotations.id,
  eventDate: annotations.eventDate,
  orgUnitId: annotations.orgUnitId,
  orgUnitCode: orgUnits.code,
  orgUnitName: orgUnits.name,
  serviceId: annotations.serviceId,
  serviceSlug: services.slug,
  serviceName: services.name,
  text: annotations.text,
  rebase: annotations.rebase,
  createdBy: createdByUser.email,
  createdAt: annotations.createdAt,
  updatedBy: updatedByUser.email,
  updatedAt: annotations.updatedAt,
}

function selectAnnotations(executor: Executor = getDb()) {
  return executor
    .select(listColumns)
    .from(annotations)
    .leftJoin(orgUnits, eq(orgUnits.id, annotations.orgUnitId))
    .leftJoin(services, eq(services.id, annotations.serviceId))
    .innerJoin(createdByUser, eq(createdByUser.id, annotations.createdBy))
    .innerJoin(updatedByUser, eq(updatedByUser.id, annotations.updatedBy))
}

export type AnnotationRow = Awaited<ReturnType<typeof listAnnotationsFor>>[number]

/**
 * The annotations the admin page lists for an actor, newest event first: every one for the
 * national lead, a board lead's own board's (the national ones they see on the trends).
 */
export async function listAnnotationsFor({ actor, limit = 200 }: { actor: Actor; limit?: number }) {
  return selectAnnotations()
    .where(changeableBy(actor))
    .orderBy(desc(annotations.eventDate), desc(annotations.id))
    .limit(limit)
}

/**
 * The annotations that belong on one trend, oldest first: national ones and, for a board's
 * trend, that board's; about every service or, for one service's trend, that service. A trend of
 * every service (serviceId undefined) shows service events too: a service going live moves the
 * total. `from` and `to` are months ('YYYY-MM'), inclusive.
 */
export async function listAnnotationsForTrend({
  orgUnitId,
  serviceId,
  from,
  to,
}: {
  /** A board's id, or null for the national trend. */
  orgUnitId: number | null
  serviceId?: number | null
  from: string
  to: string
}) {
  const conditions: SQL[] = [gte(annotations.eventDate, `${from}-01`), lte(annotations.eventDate, lastDayOf(to))]
  conditions.push(
    orgUnitId === null
      ? isNull(annotations.orgUnitId)
      : or(isNull(annotations.orgUnitId), eq(annotations.orgUnitId, orgUnitId))!,
  )
  if (serviceId !== undefined && serviceId !== null) {
    conditions.push(or(isNull(annotations.serviceId), eq(annotations.serviceId, serviceId))!)
  }
  return selectAnnotations()
    .where(and(...conditions))
    .orderBy(asc(annotations.eventDate), asc(annotations.id))
}

function lastDayOf(month: string) {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const day = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return `${month}-${String(day).padStart(2, '0')}`
}

/** One annotation if the actor may change it; null when it does not exist or is not theirs. */
export async function getAnnotationFor({ actor, id }: { actor: Actor; id: number }) {
  const [row] = await selectAnnotations()
    .where(and(eq(annotations.id, id), changeableBy(actor)))
    .limit(1)
  return row ?? null
}

/** Board and service names for the audit trail's subject. */
async function describe(executor: Executor, input: Pick<AnnotationInput, 'orgUnitId' | 'serviceId' | 'eventDate'>) {
  const [unit] =
    input.orgUnitId === null
      ? []
      : await executor.select({ name: orgUnits.name }).from(orgUnits).where(eq(orgUnits.id, input.orgUnitId))
  const [service] =
    input.serviceId === null
      ? []
      : await executor.select({ slug: services.slug }).from(services).where(eq(services.id, input.serviceId))
  return `${unit?.name ?? 'National'}${service ? `: ${service.slug}` : ''}, ${input.eventDate}`
}

export async function createAnnotation({
  actor,
  annotation,
  ip,
}: {
  actor: Actor
  annotation: AnnotationInput
  ip?: string | null
}) {
  assertAllowed(mayAnnotate(actor, annotation.orgUnitId), 'You may add events for your own board only.')
  return getDb().transaction(async (tx) => {
    const [row] = await tx
      .insert(annotations)
      .values({ ...annotation, createdBy: actor.id, updatedBy: actor.id })
      .returning({ id: annotations.id })
    await recordAuditEvent(
      {
        action: 'annotation.created',
        actor,
        orgUnitId: annotation.orgUnitId,
        subject: await describe(tx, annotation),
        details: { id: row!.id, ...annotation },
        ip,
      },
      tx,
    )
    return row!.id
  })
}

/**
 * Changes an annotation the actor may change (the restriction is in the update's where clause),
 * to a board they may annotate. False when there is no such annotation for them.
 */
export async function updateAnnotation({
  actor,
  id,
  annotation,
  ip,
}: {
  actor: Actor
  id: number
  annotation: AnnotationInput
  ip?: string | null
}) {
  assertAllowed(mayAnnotate(actor, annotation.orgUnitId), 'You may add events for your own board only.')
  return getDb().transaction(async (tx) => {
    const [before] = await tx
      .select({
        eventDate: annotations.eventDate,
        orgUnitId: annotations.orgUnitId,
        serviceId: annotations.serviceId,
        text: annotations.text,
        rebase: annotations.rebase,
      })
      .from(annotations)
      .where(and(eq(annotations.id, id), changeableBy(actor)))
      .for('update')
    if (!before) return false
    const changed = await tx
      .update(annotations)
      .set({ ...annotation, updatedBy: actor.id, updatedAt: new Date() })
      .where(and(eq(annotations.id, id), changeableBy(actor)))
      .returning({ id: annotations.id })
    if (changed.length === 0) return false
    await recordAuditEvent(
      {
        action: 'annotation.changed',
        actor,
        orgUnitId: annotation.orgUnitId,
        subject: await describe(tx, annotation),
        details: { id, before, after: annotation },
        ip,
      },
      tx,
    )
    return true
  })
}

/** Removes an annotation the actor may change; false when there is none for them. */
export async function deleteAnnotation({ actor, id, ip }: { actor: Actor; id: number; ip?: string | null }) {
  return getDb().transaction(async (tx) => {
    const [removed] = await tx
      .delete(annotations)
      .where(and(eq(annotations.id, id), changeableBy(actor)))
      .returning({
        eventDate: annotations.eventDate,
        orgUnitId: annotations.orgUnitId,
        serviceId: annotations.serviceId,
        text: annotations.text,
        rebase: annotations.rebase,
      })
    if (!removed) return false
    await recordAuditEvent(
      {
        action: 'annotation.deleted',
        actor,
        orgUnitId: removed.orgUnitId,
        subject: await describe(tx, removed),
        details: { id, ...removed },
        ip,
      },
      tx,
    )
    return true
  })
}

/** Boards and services for the annotation form: every board for the national lead, their own for a board lead. */
export async function listAnnotationChoices({ actor }: { actor: Actor }) {
  const db = getDb()
  const [units, serviceRows] = await Promise.all([
    db
      .select({ id: orgUnits.id, name: orgUnits.name })
      .from(orgUnits)
      .where(
        and(
          eq(orgUnits.kind, 'board'),
          actor.role === 'national_lead' ? undefined : eq(orgUnits.id, actor.orgUnitId ?? -1),
        ),
      )
      .orderBy(asc(orgUnits.name)),
    db
      .select({ id: services.id, name: services.name })
      .from(services)
      .orderBy(asc(services.sortOrder), asc(services.id)),
  ])
  return { units, services: serviceRows }
}
