// Server-side sessions. The cookie carries a random token (signed with SESSION_SECRET); the
// database keeps only its SHA-256, so a copy of the database holds no usable session.
import crypto from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { findSessionWithUser, insertSession, revokeSession, touchSession } from '#app/models/sessions.server.ts'
import { getConfig } from './config.server.ts'
import type { Actor, Role } from './permissions.ts'

/** A session ends after this long without a request... */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000
/** ...and at the latest this long after sign-in, however active. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000
/** Last-seen times are written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000

export const SESSION_COOKIE_NAME = '__Host-session'

let cookie: ReturnType<typeof createCookie> | undefined
function sessionCookie() {
  cookie ??= createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    // Required by the __Host- prefix; browsers accept it on http://localhost too.
    secure: true,
    sameSite: 'lax',
    path: '/',
    secrets: [getConfig().SESSION_SECRET],
  })
  return cookie
}

export function hashToken(token: string) {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** The signed-in person, for pages and permission checks. */
export interface SessionUser extends Actor {
  name: string
  role: Role
  orgUnitCode: string | null
  orgUnitName: string | null
}

/** Starts a new session (a new id at every sign-in) and returns its Set-Cookie header. */
export async function startSession({
  userId,
  ip,
  userAgent,
}: {
  userId: number
  ip: string | null
  userAgent: string | null
}) {
  const token = crypto.randomBytes(32).toString('base64url')
  await insertSession({
    id: hashToken(token),
    userId,
    expiresAt: new Date(Date.now() + ABSOLUTE_TIMEOUT_MS),
    ip,
    userAgent: userAgent?.slice(0, 300) ?? null,
  })
  return sessionCookie().serialize(token)
}

async function readToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'))
  return typeof value === 'string' && value.length > 0 ? value : null
}

// The root loader and the page's loader both ask about the same request: look it up once.
const lookups = new WeakMap<Request, Promise<SessionUser | null>>()

/** The user of a live session, or null: revoked, idle, past its absolute end, or disabled. */
export function getSessionUser(request: Request): Promise<SessionUser | null> {
  let lookup = lookups.get(request)
  if (!lookup) {
    lookup = lookUpSessionUser(request)
    lookups.set(request, lookup)
  }
  return lookup
}

async function lookUpSessionUser(request: Request): Promise<SessionUser | null> {
  const token = await readToken(request)
  if (!token) return null
  const id = hashToken(token)
  const row = await findSessionWithUser({ id })
  if (!row) return null
  const now = Date.now()
  if (now >= row.expiresAt.getTime() || now - row.lastSeenAt.getTime() >= IDLE_TIMEOUT_MS) {
    await revokeSession({ id })
    return null
  }
  if (now - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) await touchSession({ id, at: new Date(now) })
  return {
    id: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    orgUnitId: row.orgUnitId,
    orgUnitCode: row.orgUnitCode,
    orgUnitName: row.orgUnitName,
  }
}

/** The stored id of the session the request carries, if any. */
export async function requestSessionId(request: Request) {
  const token = await readToken(request)
  return token ? hashToken(token) : null
}

/** Revokes the session the request carries, if any (at sign-out, and before a new sign-in). */
export async function revokeRequestSession(request: Request) {
  const token = await readToken(request)
  if (token) await revokeSession({ id: hashToken(token) })
}

/** Ends the request's session, if any, and returns the Set-Cookie header that clears it. */
export async function endSession(request: Request) {
  await revokeRequestSession(request)
  return sessionCookie().serialize('', { maxAge: 0 })
}
