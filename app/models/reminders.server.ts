// Reminders of monthly returns: who may be reminded of which returns, and the record that makes
// each reminder go at most once (the unique key kind, month, recipient of `reminders`).
import { and, asc, eq, sql } from 'drizzle-orm'
import { toMonthDate } from '#app/utils/dates.ts'
import { getDb, inTransaction } from '#app/utils/db.server.ts'
import type { ReturnStatus } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { type ReminderKind, reminders } from '#db/schema/reminders.ts'
import { users } from '#db/schema/users.ts'

/** Any number of our own, shared by every app process and command on the database. */
const REMINDER_LOCK_KEY = 7_341_905_211

/**
 * For each month, every unit expected to make a return (one of its services was live or in
 * pilot that month), with the return's state; the active board leads and national leads; and
 * every return submitted and waiting for approval up to the last month.
 */
export async function listReminderAudience({ months }: { months: string[] }) {
  const db = getDb()
  const last = [...months].sort().at(-1)
  const [expected, leads, awaiting] = await Promise.all([
    months.length === 0
      ? Promise.resolve([])
      : queryRows<{ org_unit_id: number; code: string; name: string; month: string; status: ReturnStatus | null }>(
          db,
          sql`select o.id as org_unit_id, o.code, o.name, to_char(m.month, 'YYYY-MM') as month, r.status
              from org_units o
              cross join (select unnest(array[${sql.join(
                months.map((m) => sql`${toMonthDate(m)}::date`),
                sql`, `,
              )}]) as month) m
              left join returns r on r.org_unit_id = o.id and r.month = m.month
              where exists (
                select 1 from service_availability a where a.org_unit_id = o.id and a.status in ('live', 'pilot')
                  and a.live_from <= m.month and (a.live_to is null or a.live_to >= m.month))
              order by m.month, o.kind, o.name`,
        ),
    db
      .select({ id: users.id, email: users.email, name: users.name, role: users.role, orgUnitId: users.orgUnitId })
      .from(users)
      .where(and(eq(users.disabled, false), sql`${users.role} in ('board_lead', 'national_lead')`))
      .orderBy(asc(users.id)),
    last === undefined
      ? Promise.resolve([])
      : queryRows<{ code: string; name: string; month: string }>(
          db,
          sql`select o.code, o.name, to_char(r.month, 'YYYY-MM') as month
              from returns r join org_units o on o.id = r.org_unit_id
              where r.status = 'submitted' and r.month <= ${toMonthDate(last)}::date
              order by r.month, o.kind, o.name`,
        ),
  ])
  return {
    expected: expected.map((r) => ({
      orgUnitId: Number(r.org_unit_id),
      code: r.code,
      name: r.name,
      month: r.month,
      status: r.status,
    })),
    boardLeads: leads
      .filter((l) => l.role === 'board_lead' && l.orgUnitId !== null)
      .map((l) => ({ id: l.id, email: l.email, name: l.name, orgUnitId: l.orgUnitId! })),
    nationalLeads: leads
      .filter((l) => l.role === 'national_lead')
      .map((l) => ({ id: l.id, email: l.email, name: l.name })),
    awaitingApproval: awaiting,
  }
}

export interface ReminderClaim {
  kind: ReminderKind
  month: string
  orgUnitId: number | null
  userId: number
  email: string
}

/**
 * Records the reminders about to be sent and returns the ids of those this call recorded: a
 * reminder already recorded (by an earlier run, or by another process at the same moment) is
 * left alone and not returned, so it is never sent twice. One run records at a time across
 * every process on the database (a transaction-level advisory lock, which also works behind a
 * pooler in transaction mode); the unique key would keep each reminder single even without it.
 * The lock is held only while recording: sending happens after the commit, so a slow mail
 * server never holds up other runs, and a crash between the two loses a reminder rather than
 * sending it twice.
 */
export async function claimReminders({ claims }: { claims: ReminderClaim[] }) {
  if (claims.length === 0) return []
  return inTransaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REMINDER_LOCK_KEY})`)
    // In key order, so concurrent inserts (a run of an older version) always meet in one order.
    const sorted = [...claims].sort((a, b) =>
      a.kind === b.kind
        ? a.month === b.month
          ? a.userId - b.userId
          : a.month < b.month
            ? -1
            : 1
        : a.kind < b.kind
          ? -1
          : 1,
    )
    const rows = await tx
      .insert(reminders)
      .values(
        sorted.map((c) => ({
          kind: c.kind,
          month: toMonthDate(c.month),
          orgUnitId: c.orgUnitId,
          userId: c.userId,
          email: c.email,
        })),
      )
      .onConflictDoNothing({ target: [reminders.kind, reminders.month, reminders.userId] })
      .returning({ id: reminders.id, kind: reminders.kind, month: reminders.month, userId: reminders.userId })
    return rows.map((r) => ({ id: r.id, kind: r.kind, month: r.month.slice(0, 7), userId: r.userId }))
  })
}

/** The mail server accepted the reminder. */
export async function markReminderSent({ id, at }: { id: number; at: Date }) {
  await getDb().update(reminders).set({ sentAt: at, error: null }).where(eq(reminders.id, id))
}

/** The reminder could not be sent: why, as the mail server or the network said. */
export async function markReminderFailed({ id, error }: { id: number; error: string }) {
  await getDb()
    .update(reminders)
    .set({ error: error.slice(0, 1000) })
    .where(eq(reminders.id, id))
}

/** Every reminder recorded, oldest first (for the command's summary and for tests). */
export async function listReminders() {
  return getDb()
    .select({
      id: reminders.id,
      kind: reminders.kind,
      month: reminders.month,
      orgUnitId: reminders.orgUnitId,
      userId: reminders.userId,
      email: reminders.email,
      sentAt: reminders.sentAt,
      error: reminders.error,
    })
    .from(reminders)
    .orderBy(asc(reminders.id))
}
