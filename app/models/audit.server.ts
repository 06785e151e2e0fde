import { and, desc, eq, gte, ilike, lt, type SQL } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { getLogger } from '#app/utils/logger.server.ts'
import type { Executor } from '#db/client.ts'
import { auditEvents, orgUnits } from '#db/schema/index.ts'

/** What an audit event records; also written to the structured security log. */
export interface AuditEntry {
  action: string
  outcome?: 'success' | 'failure' | 'refused'
  /** Who did it, for the usual case of a signed-in account (else `userId` and `userEmail`). */
  actor?: { id: number; email: string }
  userId?: number | null
  userEmail?: string | null
  orgUnitId?: number | null
  subject?: string | null
  details?: Record<string, unknown>
  ip?: string | null
}

/**
 * Records an event in the audit trail (in the caller's transaction when given one, so the event
 * and the change it describes commit together) and in the structured log. Never pass secrets.
 */
export async function recordAuditEvent(entry: AuditEntry, executor: Executor = getDb()) {
  await recordAuditEvents([entry], executor)
}

/** Many events in order, as `recordAuditEvent` records each, with one statement per 5,000. */
export async function recordAuditEvents(entries: readonly AuditEntry[], executor: Executor = getDb()) {
  const rows = entries.map((entry) => ({
    action: entry.action,
    outcome: entry.outcome ?? 'success',
    userId: entry.userId ?? entry.actor?.id ?? null,
    userEmail: entry.userEmail ?? entry.actor?.email ?? null,
    orgUnitId: entry.orgUnitId ?? null,
    subject: entry.subject ?? null,
    details: entry.details ?? null,
    ip: entry.ip ?? null,
  }))
  // Well under PostgreSQL's 65,535 parameters a statement.
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    await executor.insert(auditEvents).values(rows.slice(i, i + ROWS_PER_STATEMENT))
  // The log has everything but the details, which may be long.
  const logger = getLogger()
  for (const { action, details: _details, ...logged } of rows)
    logger[logged.outcome === 'success' ? 'info' : 'warn'](
      { audit: action, ...logged },
      `audit: ${action} (${logged.outcome})`,
    )
}

const ROWS_PER_STATEMENT = 5_000

export const AUDIT_PAGE_SIZE = 50

export interface AuditFilters {
  who?: string
  action?: string
  orgUnitId?: number
  from?: Date
  to?: Date
  page: number
}

/**
 * Audit events, newest first. `restrictToOrgUnitId` is the board a board lead may see: the
 * query itself keeps every other board's events out.
 */
export async function listAuditEvents({
  filters,
  restrictToOrgUnitId,
}: {
  filters: AuditFilters
  restrictToOrgUnitId: number | null
}) {
  const db = getDb()
  const conditions: SQL[] = []
  if (restrictToOrgUnitId !== null) conditions.push(eq(auditEvents.orgUnitId, restrictToOrgUnitId))
  if (filters.orgUnitId !== undefined) conditions.push(eq(auditEvents.orgUnitId, filters.orgUnitId))
  if (filters.who) conditions.push(ilike(auditEvents.userEmail, `%${escapeLike(filters.who)}%`))
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action))
  if (filters.from) conditions.push(gte(auditEvents.at, filters.from))
  if (filters.to) conditions.push(lt(auditEvents.at, filters.to))
  const rows = await db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      userEmail: auditEvents.userEmail,
      boardName: orgUnits.name,
      subject: auditEvents.subject,
      details: auditEvents.details,
      ip: auditEvents.ip,
    })
    .from(auditEvents)
    .leftJoin(orgUnits, eq(orgUnits.id, auditEvents.orgUnitId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((filters.page - 1) * AUDIT_PAGE_SIZE)
  return { events: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE }
}

/** The distinct actions recorded so far, for the filter list. */
export async function listAuditActions() {
  const rows = await getDb()
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .orderBy(auditEvents.action)
  return rows.map((r) => r.action)
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** An export or API read of figures, in the audit trail: who, what they asked for, how. */
export async function recordExport({
  user,
  event,
  ip,
}: {
  user: { id: number; email: string; orgUnitId: number | null }
  event: { format: string; sdc: boolean; asAt: string; request: string; boards: string[] }
  ip?: string | null
}) {
  await recordAuditEvent({
    action: 'export',
    userId: user.id,
    userEmail: user.email,
    orgUnitId: user.orgUnitId,
    subject: event.request,
    details: { format: event.format, sdc: event.sdc, asAt: event.asAt, boards: event.boards },
    ip,
  })
}
