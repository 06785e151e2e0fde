import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm'
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

/**
 * Changes an account's name, role, board or whether it is disabled. Any change to what the
 * account may do ends its sessions at once, so the new rights apply from the next request.
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
  const before = await getUser({ actor, id })
  const orgUnitId = changes.role === 'board_lead' ? changes.orgUnitId : null
  const rightsChanged =
    before.role !== changes.role || before.orgUnitId !== orgUnitId || before.disabled !== changes.disabled
  await getDb().transaction(async (tx) => {
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
        userId: actor.id,
        userEmail: actor.email,
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
      {
        action: 'account.password_reset',
        userId: actor.id,
        userEmail: actor.email,
        orgUnitId: account.orgUnitId,
        subject: account.email,
        ip,
      },
      tx,
    )
  })
}

/** How many enabled national leads there are: the last one cannot be disabled or demoted. */
export async function countActiveNationalLeads() {
  const [row] = await getDb()
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(sql`${users.role} = 'national_lead' and not ${users.disabled}`)
  return Number(row?.n ?? 0)
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
      {
        action: 'account.password_changed',
        userId: actor.id,
        userEmail: actor.email,
        orgUnitId: actor.orgUnitId,
        subject: actor.email,
        ip,
      },
      tx,
    )
  })
  return { ok: true as const }
}
