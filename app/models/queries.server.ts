// Data queries: the national lead asks about one figure of a return, or the whole return; the
// board lead answers, and may correct the figure through the return's own save (rules, versions
// and audit as any other change); the national lead closes the query, or reopens it. Every read
// repeats the board restriction in its `where`, and every change is in the audit trail.
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { fromMonthDate, toMonthDate } from '#app/utils/dates.ts'
import { getDb, inTransaction } from '#app/utils/db.server.ts'
import { assertAllowed, notFound } from '#app/utils/http.server.ts'
import { type Actor, can } from '#app/utils/permissions.ts'
import type { Executor } from '#db/client.ts'
import {
  dataQueries,
  measures,
  orgUnits,
  queryMessages,
  type QueryStatus,
  returns,
  returnValues,
  serviceMeasures,
  services,
  users,
} from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'
import { type ReturnUnit, type SaveOutcome, saveReturn } from './returns.server.ts'

export type { QueryStatus }

/** The statuses of a query that still needs something done: the board's answer, or closing. */
export const UNRESOLVED_STATUSES = ['open', 'answered'] as const satisfies readonly QueryStatus[]

/** A figure of a return: the service's slug and the measure's name. */
export interface QueryFigure {
  service: string
  measure: string
}

export type QueryOutcome =
  | { ok: true; id: number }
  | { ok: false; kind: 'refused'; field: 'figure' | 'status' | 'return'; problem: QueryProblem }
  | { ok: false; kind: 'correction'; outcome: Exclude<SaveOutcome, { ok: true }> }

/** Why a change to a query was refused; the page words each one. */
export type QueryProblem =
  'no-return' | 'not-a-board' | 'not-applicable' | 'closed' | 'not-closed' | 'not-a-figure' | 'already-closed'

/** Only the board's lead may answer: the actor's own board, and nobody else's. */
function restrictToActor(actor: Actor): SQL | undefined {
  if (actor.role === 'national_lead') return undefined
  if (actor.role === 'board_lead' && actor.orgUnitId !== null) return eq(dataQueries.orgUnitId, actor.orgUnitId)
  // Analysts see no queries: a condition that is never true keeps the query honest too.
  return sql`false`
}

/** Raises a query on one figure of a board's return, or on the whole return (`figure` null). */
export async function raiseQuery({
  actor,
  unit,
  month,
  figure,
  body,
  now = new Date(),
  ip,
}: {
  actor: Actor
  unit: ReturnUnit
  month: string
  figure: QueryFigure | null
  body: string
  now?: Date
  ip?: string | null
}): Promise<QueryOutcome> {
  assertAllowed(can.raiseQuery(actor), 'Only the national programme lead can raise a query.')
  return inTransaction(async (tx) => {
    if (unit.kind !== 'board') return refused('return', 'not-a-board')
    const [held] = await tx
      .select({ status: returns.status })
      .from(returns)
      .where(and(eq(returns.orgUnitId, unit.id), eq(returns.month, toMonthDate(month))))
    if (!held) return refused('return', 'no-return')
    let ids: { serviceId: number; measureId: number } | null = null
    if (figure) {
      const [pair] = await tx
        .select({ serviceId: serviceMeasures.serviceId, measureId: serviceMeasures.measureId })
        .from(serviceMeasures)
        .innerJoin(services, eq(services.id, serviceMeasures.serviceId))
        .innerJoin(measures, eq(measures.id, serviceMeasures.measureId))
        .where(and(eq(services.slug, figure.service), eq(measures.name, figure.measure)))
      if (!pair) return refused('figure', 'not-applicable')
      ids = pair
    }
    const [query] = await tx
      .insert(dataQueries)
      .values({
        orgUnitId: unit.id,
        month: toMonthDate(month),
        serviceId: ids?.serviceId ?? null,
        measureId: ids?.measureId ?? null,
        status: 'open',
        raisedBy: actor.id,
        raisedAt: now,
        updatedAt: now,
      })
      .returning({ id: dataQueries.id })
    await tx.insert(queryMessages).values({ queryId: query!.id, kind: 'question', body, authorId: actor.id, at: now })
    await recordAuditEvent(
      {
        action: 'query.raised',
        actor,
        orgUnitId: unit.id,
        subject: `${unit.name}, ${month}`,
        details: { queryId: query!.id, code: unit.code, month, ...(figure ?? { figure: 'whole return' }) },
        ip,
      },
      tx,
    )
    return { ok: true as const, id: query!.id }
  })
}

/**
 * The board lead's answer. With `correction`, the figure the query is about is saved with the
 * new value through `saveReturn` in the same transaction (its rules, versions, revision reason
 * and audit apply; the answer is the reason), and the answer records the new version's id.
 * Nothing is written unless both succeed.
 */
export async function answerQuery({
  actor,
  queryId,
  body,
  correction,
  now = new Date(),
  ip,
}: {
  actor: Actor
  queryId: number
  body: string
  correction?: { value: number | null; expectedVersion: number | null }
  now?: Date
  ip?: string | null
}): Promise<QueryOutcome> {
  assertAllowed(actor.role === 'board_lead', 'Only the board’s digital therapy lead can answer its queries.')
  return inTransaction(async (tx) => {
    const query = await lockQuery(tx, queryId, actor)
    assertAllowed(
      can.answerQuery(actor, { orgUnitId: query.orgUnitId }),
      'You can only answer your own board’s queries.',
    )
    if (query.status === 'closed') return refused('status', 'closed')
    let correctionId: number | null = null
    if (correction) {
      if (!query.service || !query.measure) return refused('figure', 'not-a-figure')
      const unit: ReturnUnit = { id: query.orgUnitId, code: query.code, name: query.boardName, kind: query.kind }
      const outcome = await saveReturn({
        actor,
        unit,
        month: query.month,
        expectedVersion: correction.expectedVersion,
        figures: [{ service: query.service, measure: query.measure, value: correction.value }],
        submit: false,
        reason: body,
        source: 'form',
        now,
        ip,
        executor: tx,
      })
      if (!outcome.ok) return { ok: false as const, kind: 'correction' as const, outcome }
      if (outcome.changed > 0) {
        const [version] = await tx
          .select({ id: returnValues.id })
          .from(returnValues)
          .innerJoin(services, eq(services.id, returnValues.serviceId))
          .innerJoin(measures, eq(measures.id, returnValues.measureId))
          .where(
            and(
              eq(returnValues.orgUnitId, query.orgUnitId),
              eq(returnValues.month, toMonthDate(query.month)),
              eq(services.slug, query.service),
              eq(measures.name, query.measure),
              sql`${returnValues.validTo} is null`,
            ),
          )
        correctionId = version?.id ?? null
      }
    }
    await tx.insert(queryMessages).values({ queryId, kind: 'answer', body, authorId: actor.id, at: now, correctionId })
    await tx.update(dataQueries).set({ status: 'answered', updatedAt: now }).where(eq(dataQueries.id, queryId))
    await recordAuditEvent(
      {
        action: 'query.answered',
        actor,
        orgUnitId: query.orgUnitId,
        subject: `${query.boardName}, ${query.month}`,
        details: { queryId, code: query.code, month: query.month, correctionId },
        ip,
      },
      tx,
    )
    return { ok: true as const, id: queryId }
  })
}

/** The national lead closes a query (answered or not), with a note of what was settled. */
export function closeQuery(args: { actor: Actor; queryId: number; body: string; now?: Date; ip?: string | null }) {
  return moveQuery('close', args)
}

/** The national lead reopens a closed query, saying why: it is open for the board again. */
export function reopenQuery(args: { actor: Actor; queryId: number; body: string; now?: Date; ip?: string | null }) {
  return moveQuery('reopen', args)
}

async function moveQuery(
  move: 'close' | 'reopen',
  {
    actor,
    queryId,
    body,
    now = new Date(),
    ip,
  }: { actor: Actor; queryId: number; body: string; now?: Date; ip?: string | null },
): Promise<QueryOutcome> {
  assertAllowed(
    can.raiseQuery(actor),
    `Only the national programme lead can ${move === 'close' ? 'close' : 'reopen'} a query.`,
  )
  return inTransaction(async (tx) => {
    const query = await lockQuery(tx, queryId, actor)
    if (move === 'close' && query.status === 'closed') return refused('status', 'already-closed')
    if (move === 'reopen' && query.status !== 'closed') return refused('status', 'not-closed')
    await tx
      .insert(queryMessages)
      .values({ queryId, kind: move === 'close' ? 'closing' : 'reopening', body, authorId: actor.id, at: now })
    await tx
      .update(dataQueries)
      .set(
        move === 'close'
          ? { status: 'closed', closedAt: now, closedBy: actor.id, updatedAt: now }
          : { status: 'open', closedAt: null, closedBy: null, updatedAt: now },
      )
      .where(eq(dataQueries.id, queryId))
    await recordAuditEvent(
      {
        action: move === 'close' ? 'query.closed' : 'query.reopened',
        actor,
        orgUnitId: query.orgUnitId,
        subject: `${query.boardName}, ${query.month}`,
        details: { queryId, code: query.code, month: query.month },
        ip,
      },
      tx,
    )
    return { ok: true as const, id: queryId }
  })
}

function refused(field: 'figure' | 'status' | 'return', problem: QueryProblem) {
  return { ok: false as const, kind: 'refused' as const, field, problem }
}

/** The query, locked for the change, if the actor may see it; otherwise a 404. */
async function lockQuery(tx: Executor, queryId: number, actor: Actor) {
  const [row] = await tx
    .select({
      orgUnitId: dataQueries.orgUnitId,
      code: orgUnits.code,
      boardName: orgUnits.name,
      kind: orgUnits.kind,
      month: dataQueries.month,
      status: dataQueries.status,
      service: services.slug,
      measure: measures.name,
    })
    .from(dataQueries)
    .innerJoin(orgUnits, eq(orgUnits.id, dataQueries.orgUnitId))
    .leftJoin(services, eq(services.id, dataQueries.serviceId))
    .leftJoin(measures, eq(measures.id, dataQueries.measureId))
    .where(and(eq(dataQueries.id, queryId), restrictToActor(actor)))
    .for('update', { of: dataQueries })
  if (!row) throw notFound('There is no such query, or it is about another board’s return.')
  return { ...row, month: fromMonthDate(row.month) }
}

const raisedByUser = alias(users, 'raised_by_user')

/** The columns every list of queries shows. */
const QUERY_COLUMNS = {
  id: dataQueries.id,
  orgUnitId: dataQueries.orgUnitId,
  code: orgUnits.code,
  boardName: orgUnits.name,
  month: dataQueries.month,
  service: services.slug,
  serviceName: services.name,
  measure: measures.name,
  measureLabel: measures.label,
  status: dataQueries.status,
  raisedAt: dataQueries.raisedAt,
  raisedBy: raisedByUser.name,
  updatedAt: dataQueries.updatedAt,
  closedAt: dataQueries.closedAt,
}

function selectQueries(db: Executor, where: SQL | undefined) {
  return db
    .select(QUERY_COLUMNS)
    .from(dataQueries)
    .innerJoin(orgUnits, eq(orgUnits.id, dataQueries.orgUnitId))
    .innerJoin(raisedByUser, eq(raisedByUser.id, dataQueries.raisedBy))
    .leftJoin(services, eq(services.id, dataQueries.serviceId))
    .leftJoin(measures, eq(measures.id, dataQueries.measureId))
    .where(where)
}

type QueryRow = Awaited<ReturnType<typeof selectQueries>>[number]

function toSummary(row: QueryRow) {
  return {
    ...row,
    month: fromMonthDate(row.month),
    /** Null for a query on the whole return. */
    figure:
      row.service && row.measure
        ? { service: row.service, serviceName: row.serviceName!, measure: row.measure, label: row.measureLabel! }
        : null,
    raisedAt: row.raisedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  }
}

export interface QueryFilters {
  status?: QueryStatus | 'unresolved'
  orgUnitId?: number
  month?: string
}

export const QUERY_LIST_LIMIT = 500

/**
 * The queries an actor may see, most recently changed first: every board's for the national
 * lead, their own board's for a board lead, none for an analyst (in the `where`, whatever the
 * filters ask), with each query's latest message.
 */
export async function listQueries({ actor, filters = {} }: { actor: Actor; filters?: QueryFilters }) {
  assertAllowed(can.viewQueries(actor), 'Only the national programme lead and board leads see data queries.')
  const db = getDb()
  const rows = await selectQueries(
    db,
    and(
      restrictToActor(actor),
      filters.status === 'unresolved'
        ? inArray(dataQueries.status, UNRESOLVED_STATUSES)
        : filters.status
          ? eq(dataQueries.status, filters.status)
          : undefined,
      filters.orgUnitId !== undefined ? eq(dataQueries.orgUnitId, filters.orgUnitId) : undefined,
      filters.month ? eq(dataQueries.month, toMonthDate(filters.month)) : undefined,
    ),
  )
    .orderBy(desc(dataQueries.updatedAt), desc(dataQueries.id))
    .limit(QUERY_LIST_LIMIT + 1)
  const latest = await latestMessages(
    db,
    rows.slice(0, QUERY_LIST_LIMIT).map((r) => r.id),
  )
  return {
    queries: rows.slice(0, QUERY_LIST_LIMIT).map((r) => ({ ...toSummary(r), latest: latest.get(r.id) ?? null })),
    more: rows.length > QUERY_LIST_LIMIT,
  }
}

/** The months that have queries the actor may see, newest first (for the month filter). */
export async function listQueryMonths({ actor }: { actor: Actor }) {
  assertAllowed(can.viewQueries(actor))
  const rows = await getDb()
    .selectDistinct({ month: dataQueries.month })
    .from(dataQueries)
    .where(restrictToActor(actor))
    .orderBy(desc(dataQueries.month))
  return rows.map((r) => fromMonthDate(r.month))
}

async function latestMessages(db: Executor, ids: number[]) {
  if (ids.length === 0) return new Map<number, { kind: string; body: string; at: string }>()
  const rows = await db
    .selectDistinctOn([queryMessages.queryId], {
      queryId: queryMessages.queryId,
      kind: queryMessages.kind,
      body: queryMessages.body,
      at: queryMessages.at,
    })
    .from(queryMessages)
    .where(inArray(queryMessages.queryId, ids))
    .orderBy(queryMessages.queryId, desc(queryMessages.at), desc(queryMessages.id))
  return new Map(rows.map((r) => [r.queryId, { kind: r.kind, body: r.body, at: r.at.toISOString() }]))
}

/**
 * A month's queries with their whole conversations: of one board (`orgUnitId`), or of every
 * board the actor may see (`orgUnitId` omitted; the national report). `statuses` narrows them,
 * e.g. `UNRESOLVED_STATUSES` for the report's open queries. A board lead asking for another
 * board gets a 403, and the `where` keeps other boards out in any case.
 */
export async function listReturnQueries({
  actor,
  orgUnitId,
  month,
  statuses,
}: {
  actor: Actor
  orgUnitId?: number
  month: string
  statuses?: readonly QueryStatus[]
}) {
  assertAllowed(
    can.viewQueries(actor, orgUnitId === undefined ? undefined : { orgUnitId }),
    'You can only see your own board’s queries.',
  )
  const db = getDb()
  const rows = await selectQueries(
    db,
    and(
      restrictToActor(actor),
      eq(dataQueries.month, toMonthDate(month)),
      orgUnitId === undefined ? undefined : eq(dataQueries.orgUnitId, orgUnitId),
      statuses ? inArray(dataQueries.status, [...statuses]) : undefined,
    ),
  ).orderBy(asc(orgUnits.name), asc(dataQueries.raisedAt), asc(dataQueries.id))
  const messages =
    rows.length === 0
      ? []
      : await db
          .select({
            id: queryMessages.id,
            queryId: queryMessages.queryId,
            kind: queryMessages.kind,
            body: queryMessages.body,
            at: queryMessages.at,
            author: users.name,
            authorRole: users.role,
            correctionId: queryMessages.correctionId,
            correctedValue: returnValues.value,
          })
          .from(queryMessages)
          .innerJoin(users, eq(users.id, queryMessages.authorId))
          .leftJoin(returnValues, eq(returnValues.id, queryMessages.correctionId))
          .where(
            inArray(
              queryMessages.queryId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(asc(queryMessages.at), asc(queryMessages.id))
  return rows.map((row) => ({
    ...toSummary(row),
    messages: messages
      .filter((m) => m.queryId === row.id)
      .map(({ queryId: _queryId, at, ...m }) => ({ ...m, at: at.toISOString() })),
  }))
}

export type ReturnQuery = Awaited<ReturnType<typeof listReturnQueries>>[number]

/**
 * How many queries wait for this person, for "needs your attention": a board lead's board's
 * open queries (waiting for their answer); for the national lead, answered queries (waiting to
 * be read and closed); none for an analyst.
 */
export async function countQueriesAwaiting({ actor }: { actor: Actor }): Promise<number> {
  if (!can.viewQueries(actor)) return 0
  const waitingFor: QueryStatus = actor.role === 'national_lead' ? 'answered' : 'open'
  const [row] = await getDb()
    .select({ count: sql`count(*)`.mapWith(Number) })
    .from(dataQueries)
    .where(and(restrictToActor(actor), eq(dataQueries.status, waitingFor)))
  return row?.count ?? 0
}
