// API tokens: random secrets shown once, stored only as their SHA-256, revocable at once.
import crypto from 'node:crypto'
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { assertAllowed, notFound } from '#app/utils/http.server.ts'
import { type Actor, can, tokenScopes } from '#app/utils/permissions.ts'
import { apiTokens, orgUnits, type TokenScope, users } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'
import { SIGNED_IN_COLUMNS } from './users.server.ts'

const TOKEN_PREFIX = 'dtd_'
/** Last-used times are written at most this often. */
const TOUCH_INTERVAL_MS = 60_000

export function hashApiToken(token: string) {
  return crypto.createHash('sha256').update(token).digest('hex')
}

export async function createApiToken({
  actor,
  name,
  scope = 'read',
  expiresAt,
  ip,
}: {
  actor: Actor
  name: string
  /** `read` the API, or also `submit` returns (board leads: their own board's only). */
  scope?: TokenScope
  expiresAt: Date | null
  ip?: string | null
}) {
  assertAllowed(
    tokenScopes(actor).includes(scope),
    scope === 'submit'
      ? 'Only board leads and the national programme lead can create tokens that submit returns.'
      : 'Board leads create tokens that submit their own board’s returns; only analysts and the national programme lead create read tokens.',
  )
  const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`
  await getDb().transaction(async (tx) => {
    await tx.insert(apiTokens).values({
      userId: actor.id,
      name,
      tokenHash: hashApiToken(token),
      tokenPrefix: token.slice(0, TOKEN_PREFIX.length + 6),
      scope,
      expiresAt,
    })
    await recordAuditEvent(
      {
        action: 'token.created',
        userId: actor.id,
        userEmail: actor.email,
        orgUnitId: actor.orgUnitId,
        subject: name,
        details: { scope },
        ip,
      },
      tx,
    )
  })
  return token
}

export async function listApiTokens({ actor }: { actor: Actor }) {
  assertAllowed(can.manageApiTokens(actor))
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.tokenPrefix,
      scope: apiTokens.scope,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, actor.id))
    .orderBy(desc(apiTokens.createdAt))
}

/** Revokes one of the actor's own tokens: the next request with it is refused. */
export async function revokeApiToken({ actor, id, ip }: { actor: Actor; id: number; ip?: string | null }) {
  assertAllowed(can.manageApiTokens(actor))
  await getDb().transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, actor.id), isNull(apiTokens.revokedAt)))
      .returning({ name: apiTokens.name })
    if (!revoked) throw notFound('There is no such token in use.')
    await recordAuditEvent(
      { action: 'token.revoked', userId: actor.id, userEmail: actor.email, subject: revoked.name, ip },
      tx,
    )
  })
}

/** The account behind a token: live (not revoked, not expired) and enabled, or null. */
export async function findApiTokenUser({ token, now = new Date() }: { token: string; now?: Date }) {
  return (await findApiToken({ token, now }))?.user ?? null
}

/** A live token of an enabled account: the account, and the token's id, name and scope. */
export async function findApiToken({ token, now = new Date() }: { token: string; now?: Date }) {
  if (!token.startsWith(TOKEN_PREFIX)) return null
  const db = getDb()
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      tokenName: apiTokens.name,
      scope: apiTokens.scope,
      lastUsedAt: apiTokens.lastUsedAt,
      id: users.id,
      ...SIGNED_IN_COLUMNS,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(orgUnits, eq(orgUnits.id, users.orgUnitId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashApiToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        eq(users.disabled, false),
      ),
    )
    .limit(1)
  if (!row) return null
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId))
  }
  const { tokenId, tokenName, scope, lastUsedAt: _lastUsedAt, ...user } = row
  return { user, token: { id: tokenId, name: tokenName, scope } }
}

export type ApiTokenOfRequest = NonNullable<Awaited<ReturnType<typeof findApiToken>>>['token']
