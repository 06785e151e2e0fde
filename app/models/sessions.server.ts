import { and, eq, isNull } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import type { Executor } from '#db/client.ts'
import { orgUnits, sessions, users } from '#db/schema/index.ts'
import { SIGNED_IN_COLUMNS } from './users.server.ts'

export async function insertSession(params: {
  id: string
  userId: number
  expiresAt: Date
  ip: string | null
  userAgent: string | null
}) {
  await getDb().insert(sessions).values(params)
}

/** A live (not revoked) session and its enabled user, by the session's stored id. */
export async function findSessionWithUser({ id }: { id: string }) {
  const [row] = await getDb()
    .select({
      sessionId: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      ...SIGNED_IN_COLUMNS,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(orgUnits, eq(orgUnits.id, users.orgUnitId))
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), eq(users.disabled, false)))
    .limit(1)
  return row ?? null
}

export async function touchSession({ id, at }: { id: string; at: Date }) {
  await getDb().update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id))
}

export async function revokeSession({ id }: { id: string }) {
  await getDb()
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
}

/** Ends every session of a user at once (disabled, role changed, password reset). */
export async function revokeUserSessions({ userId }: { userId: number }, executor: Executor = getDb()) {
  await executor
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
}
