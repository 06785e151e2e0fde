import { and, asc, eq, isNull, ne, or } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed, notFound } from '#app/utils/http.server.ts'
import { hashPassword, verifyPassword } from '#app/utils/password.server.ts'
import { type Actor, can, type Role } from '#app/utils/permissions.ts'
import { orgUnits, sessions, users } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'
import { revokeUserSessions } from './sessions.server.ts'

/** The account behind a sign-in attempt (email compared in lower case). */
export async function findUserForSignIn({ email }: { email: string }) {
  const [row] = await getDb()
    .select({
      id: users.id,
      email: users.email,
      role: users.role,
      orgUnitId: users.orgUnitId,
      passwordHash: users.passwordHash,
      disabled: users.disabled,
    })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1)
  return row ?? null
}

export async function recordSignIn({ userId }: { userId: number }) {
  await getDb().update(users).set({ lastSignedInAt: new Date() }).where(eq(users.id, userId))
}

/**
 * A signed-in account as the app acts for it (a session's or an API token's), for a query that
 * joins `orgUnits` on the account's board.
 */
export const SIGNED_IN_COLUMNS = {
  email: users.email,
  name: users.name,
  role: users.role,
  orgUnitId: users.orgUnitId,
  orgUnitCode: orgUnits.code,
  orgUnitName: orgUnits.name,
}

const ACCOUNT_COLUMNS = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  orgUnitId: users.orgUnitId,
  boardName: orgUnits.name,
  disabled: users.disabled,
  lastSignedInAt: users.lastSignedInAt,
  createdAt: users.createdAt,
}

export async function listUsers({ actor }: { actor: Actor }) {
  assertAllowed(can.administer(actor))
  return getDb()
    .select(ACCOUNT_COLUMNS)
    .from(users)
    .leftJoin(orgUnits, eq(orgUnits.id, users.orgUnitId))
    .orderBy(asc(users.disabled), asc(users.role), asc(orgUnits.name), asc(users.email))
}

export async function getUser({ actor, id }: { actor: Actor; id: number }) {
  assertAllowed(can.administer(actor))
  const [row] = await getDb()
    .select(ACCOUNT_COLUMNS)
    .from(users)
    .leftJoin(orgUnits, eq(orgUnits.id, users.orgUnitId))
    .where(eq(users.id, id))
    .limit(1)
  if (!row) throw notFound('There is no such account.')
  return row
}

export class EmailInUseError extends Error {
  constructor(email: string) {
    super(`An account with the email address ${email} already exists`)
    this.name = 'EmailInUseError'
  }
}

export interface NewAccount {
  email: string
  name: string
  role: Role
  orgUnitId: number | null
  password: string
}

/**
 * Creates an account. `actor` is null only for the command line (`npm run user:create`),
 * which runs with the server's own authority.
 */
export async function createUser({
  actor,
  account,
  ip,
}: {
  actor: Actor | null
  account: NewAccount
  ip?: string | null
}) {
  if (actor) assertAllowed(can.administer(actor))
  const email = account.email.trim().toLowerCase()
  const passwordHash = await hashPassword(account.password)
  return getDb().transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({
        email,
        name: account.name.trim(),
        role: account.role,
        orgUnitId: account.role === 'board_lead' ? account.orgUnitId : null,
        passwordHash,
      })
      .onConflictDoNothing()
      .returning({ id: users.id })
    if (!created) throw new EmailInUseError(email)
    await recordAuditEvent(
      {
        action: 'account.created',
        userId: actor?.id ?? null,
        userEmail: actor?.email ?? 'command line',
        orgUnitId: account.role === 'board_lead' ? account.orgUnitId : null,
        subject: email,
        details: { role: account.role },
        ip,
      },
      tx,
    )
    return created.id
  })
}

export interface AccountChanges {
  name: string
  role: Role
  orgUnitId: number | null
  disabled: boolean
}

/** A change to an account that the rules refuse; the message says why, for the person asking. */
export class AccountChangeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AccountChangeError'
  }
}

const isActiveNationalLead = and(eq(users.role, 'national_lead'), eq(users.disabled, false))

/**
 * Changes an account's name, role, board or whether it is disabled. Any change to what the
 * account may do ends its sessions at once, so the new rights apply from the next request.
 *
 * Nobody may disable their own account or remove their own national lead role, and the last
 * active national lead cannot be disabled or demoted: someone must always be able to
 * administer the service. Both rules are checked inside the transaction that makes the change.
 *
 * Why two national leads demoting each other at once cannot both succeed: the transaction
 * first locks, in one statement and in the order of their ids, the row of the account it
 * changes and the rows of every active national lead (`for update`). Every change that can
 * remove a national lead takes the same locks in the same order, so such changes run one
 * after the other, never deadlocking. A change that waited for another one's locks reads
 * those rows again after it commits (PostgreSQL re-checks a locked row's `where` against its
 * newest version): an account that has just been demoted or disabled is no longer counted.
 * An account promoted meanwhile may be missed, which can only refuse a change, never let the
 * last lead go. On the embedded database transactions run one at a time anyway.
 */
export async function updateUser({
  actor,
  id,
  changes,
  ip,
}: {
  actor: Actor
  id: number
  changes: AccountChanges
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  const orgUnitId = changes.role === 'board_lead' ? changes.orgUnitId : null
  await getDb().transaction(async (tx) => {
    const locked = await tx
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        orgUnitId: users.orgUnitId,
        disabled: users.disabled,
      })
      .from(users)
      .where(or(eq(users.id, id), isActiveNationalLead))
      .orderBy(asc(users.id))
      .for('update')
    const before = locked.find((row) => row.id === id)
    if (!before) throw notFound('There is no such account.')
    const losesNationalLead =
      before.role === 'national_lead' && !before.disabled && (changes.role !== 'national_lead' || changes.disabled)
    if (losesNationalLead && id === actor.id) {
      throw new AccountChangeError(
        'You cannot disable your own account or remove your own national lead role. Ask another national lead.',
      )
    }
    const activeNationalLeads = locked.filter((row) => row.role === 'national_lead' && !row.disabled).length
    if (losesNationalLead && activeNationalLeads <= 1) {
      throw new AccountChangeError(
        'This is the last active national lead account: keep it, or make another national lead first.',
      )
    }
    const rightsChanged =
      before.role !== changes.role || before.orgUnitId !== orgUnitId || before.disabled !== changes.disabled
    await tx
      .update(users)
      .set({
        name: changes.name.trim(),
        role: changes.role,
        orgUnitId,
        disabled: changes.disabled,
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
    if (rightsChanged) await revokeUserSessions({ userId: id }, tx)
    await recordAuditEvent(
      {
        action: changes.disabled && !before.disabled ? 'account.disabled' : 'account.changed',
        actor,
        orgUnitId: orgUnitId ?? before.orgUnitId,
        subject: before.email,
        details: {
          before: { name: before.name, role: before.role, orgUnitId: before.orgUnitId, disabled: before.disabled },
          after: { name: changes.name.trim(), role: changes.role, orgUnitId, disabled: changes.disabled },
        },
        ip,
      },
      tx,
    )
  })
}

/** Sets a new password chosen by an administrator and ends the account's sessions. */
export async function resetPassword({
  actor,
  id,
  password,
  ip,
}: {
  actor: Actor
  id: number
  password: string
  ip?: string | null
}) {
  assertAllowed(can.administer(actor))
  const account = await getUser({ actor, id })
  const passwordHash = await hashPassword(password)
  await getDb().transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, id))
    await revokeUserSessions({ userId: id }, tx)
    await recordAuditEvent(
      { action: 'account.password_reset', actor, orgUnitId: account.orgUnitId, subject: account.email, ip },
      tx,
    )
  })
}

/** A person changing their own password: the current one must be right; other sessions end. */
export async function changeOwnPassword({
  actor,
  currentPassword,
  newPassword,
  keepSessionId,
  ip,
}: {
  actor: Actor
  currentPassword: string
  newPassword: string
  keepSessionId: string | null
  ip?: string | null
}) {
  const [row] = await getDb()
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, actor.id))
    .limit(1)
  if (!row || !(await verifyPassword(row.passwordHash, currentPassword))) return { ok: false as const }
  const passwordHash = await hashPassword(newPassword)
  await getDb().transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, actor.id))
    await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(sessions.userId, actor.id),
          isNull(sessions.revokedAt),
          keepSessionId ? ne(sessions.id, keepSessionId) : undefined,
        ),
      )
    await recordAuditEvent(
      { action: 'account.password_changed', actor, orgUnitId: actor.orgUnitId, subject: actor.email, ip },
      tx,
    )
  })
  return { ok: true as const }
}
