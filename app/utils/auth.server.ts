// Sign-in, sign-out and the guard every page and action calls first.
import { redirect } from '@remix-run/node'
import { type ApiTokenOfRequest, findApiToken } from '#app/models/api-tokens.server.ts'
import { recordAuditEvent } from '#app/models/audit.server.ts'
import { findUserForSignIn, recordSignIn } from '#app/models/users.server.ts'
import { assertAllowed } from './http.server.ts'
import { getLogger } from './logger.server.ts'
import { hashPassword, verifyPassword } from './password.server.ts'
import { type Actor } from './permissions.ts'
import { getSessionUser, type SessionUser, startSession } from './session.server.ts'
import { recordFailedSignIn, recordSuccessfulSignIn, secondsUntilSignInAllowed } from './throttle.server.ts'

export type { SessionUser }

/** The signed-in user, or a redirect to the sign-in page that brings them back here. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getSessionUser(request)
  if (user) return user
  const url = new URL(request.url)
  const back = `${url.pathname}${url.search}`
  throw redirect(back === '/' ? '/login' : `/login?${new URLSearchParams({ redirectTo: back })}`)
}

/**
 * The caller of an API request: a bearer token (`Authorization: Bearer dtd_...`) or, from the
 * browser, the session. Anything else is a 401 with a JSON body.
 */
export async function requireApiUser(request: Request): Promise<SessionUser> {
  return (await requireApiCaller(request)).user
}

/**
 * As `requireApiUser`, with the token the request was made with (null for a browser session):
 * its id, name and scope, for the routes that need a token's scope and name (submissions).
 */
export async function requireApiCaller(
  request: Request,
): Promise<{ user: SessionUser; token: ApiTokenOfRequest | null }> {
  const header = request.headers.get('authorization')
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
  if (bearer) {
    const found = await findApiToken({ token: bearer })
    if (found) return found
  } else if (!header) {
    const user = await getSessionUser(request)
    if (user) return { user, token: null }
  }
  throw Response.json(
    {
      error: 'unauthorised',
      message:
        bearer || header
          ? 'The API token is not valid: it may have been revoked or have expired.'
          : 'Sign in, or send an API token as Authorization: Bearer <token>.',
    },
    { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="api"', 'Cache-Control': 'no-store' } },
  )
}

/** The signed-in user if they pass `check`; otherwise 403 (or the sign-in page). */
export async function requireUserWith(request: Request, check: (actor: Actor) => boolean, message?: string) {
  const user = await requireUser(request)
  const allowed = check(user)
  if (!allowed) {
    getLogger().warn(
      {
        security: 'access',
        outcome: 'refused',
        userId: user.id,
        role: user.role,
        orgUnitId: user.orgUnitId,
        path: new URL(request.url).pathname,
        method: request.method,
      },
      'access refused',
    )
  }
  assertAllowed(allowed, message)
  return user
}

/**
 * Where to go after signing in: a path on this site, or `/`. Anything that could leave the site
 * (`//host`, `/\\host`, `https:`, `javascript:`, control characters) falls back to `/`.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback
  const base = 'https://dashboard.invalid'
  try {
    const url = new URL(to, base)
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback
  } catch {
    return fallback
  }
}

export type SignInResult =
  | { ok: true; setCookie: string; userId: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }

// Checked against when the account does not exist, so an unknown email costs the same time
// as a wrong password and the two cannot be told apart.
let dummyHash: Promise<string> | undefined

/**
 * Checks an email and password. An unknown account, a disabled one and a wrong password give
 * the same answer; repeated failures are throttled per account and address, and per address.
 */
export async function signIn({
  email,
  password,
  ip,
  userAgent,
}: {
  email: string
  password: string
  ip: string
  userAgent: string | null
}): Promise<SignInResult> {
  const normalised = email.trim().toLowerCase()
  const wait = await secondsUntilSignInAllowed({ email: normalised, ip })
  if (wait > 0) {
    await recordAuditEvent({ action: 'signin.throttled', outcome: 'refused', userEmail: normalised, ip })
    return { ok: false, reason: 'throttled', retryAfterSeconds: wait }
  }
  const account = await findUserForSignIn({ email: normalised })
  dummyHash ??= hashPassword('not a real password, only for timing')
  const valid = await verifyPassword(account?.passwordHash ?? (await dummyHash), password)
  if (!account || !valid || account.disabled) {
    await recordFailedSignIn({ email: normalised, ip })
    await recordAuditEvent({
      action: 'signin.failed',
      outcome: 'failure',
      userId: account?.id ?? null,
      userEmail: normalised,
      orgUnitId: account?.orgUnitId ?? null,
      details: { reason: !account ? 'unknown account' : account.disabled ? 'account disabled' : 'wrong password' },
      ip,
    })
    return { ok: false, reason: 'invalid' }
  }
  await recordSuccessfulSignIn({ email: normalised, ip })
  const setCookie = await startSession({ userId: account.id, ip, userAgent })
  await recordSignIn({ userId: account.id })
  await recordAuditEvent({
    action: 'signin',
    userId: account.id,
    userEmail: account.email,
    orgUnitId: account.orgUnitId,
    ip,
  })
  return { ok: true, setCookie, userId: account.id }
}
