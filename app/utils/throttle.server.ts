// Sign-in throttling, stored in the database so every app server shares the counts. A tight
// limit per account and address stops guessing one account's password; a looser limit per
// address slows a sweep across many accounts without locking anyone else out.
import { lt } from 'drizzle-orm'
import { RateLimiterDrizzle, type RateLimiterRes } from 'rate-limiter-flexible'
import { getConnection } from '#db/client.ts'
import { rateLimits } from '#db/schema/index.ts'
import { getDb } from './db.server.ts'

export const ACCOUNT_LIMIT = { points: 5, duration: 15 * 60, blockDuration: 15 * 60 }
export const ADDRESS_LIMIT = { points: 50, duration: 60 * 60, blockDuration: 60 * 60 }

let limiters: { db: unknown; account: RateLimiterDrizzle; address: RateLimiterDrizzle } | undefined

function getLimiters() {
  const db = getDb()
  if (limiters?.db !== db) {
    // The library's own clean-up timer would outlive the database it was given (and a limiter is
    // made again for each database): startSignInLimitCleanup does it under the server's control.
    const options = { storeClient: db, schema: rateLimits, clearExpiredByTimeout: false }
    limiters = {
      db,
      account: new RateLimiterDrizzle({ ...options, keyPrefix: 'signin-account', ...ACCOUNT_LIMIT }),
      address: new RateLimiterDrizzle({ ...options, keyPrefix: 'signin-address', ...ADDRESS_LIMIT }),
    }
  }
  return limiters
}

/**
 * Submissions through the API, per token: a script that loops by mistake is slowed before it
 * fills the figures' history, while a board's monthly batch (a few requests) never meets it.
 */
export const API_SUBMISSION_LIMIT = { points: 30, duration: 60 }

const submissionLimiters = new Map<string, { db: unknown; limiter: RateLimiterDrizzle }>()

/**
 * Counts one submission of a token against `limit` in the sign-in counts' store (shared by every
 * app server). Returns 0 when it may go ahead, else the seconds until the token may try again.
 */
export async function secondsUntilSubmissionAllowed({
  tokenId,
  limit = API_SUBMISSION_LIMIT,
}: {
  tokenId: number
  limit?: { points: number; duration: number }
}) {
  const db = getDb()
  const name = `${limit.points}/${limit.duration}`
  let entry = submissionLimiters.get(name)
  if (entry?.db !== db) {
    entry = {
      db,
      limiter: new RateLimiterDrizzle({
        storeClient: db,
        schema: rateLimits,
        clearExpiredByTimeout: false,
        keyPrefix: `api-submit-${name}`,
        ...limit,
      }),
    }
    submissionLimiters.set(name, entry)
  }
  try {
    await entry.limiter.consume(String(tokenId))
    return 0
  } catch (reason) {
    if (reason instanceof Error) throw reason
    return Math.max(1, Math.ceil((reason as RateLimiterRes).msBeforeNext / 1000))
  }
}

const accountKey = (email: string, ip: string) => `${email.trim().toLowerCase()}|${ip}`

/** Seconds until the next attempt is allowed, or 0 when an attempt may go ahead. */
export async function secondsUntilSignInAllowed({ email, ip }: { email: string; ip: string }) {
  const { account, address } = getLimiters()
  const [byAccount, byAddress] = await Promise.all([account.get(accountKey(email, ip)), address.get(ip)])
  const wait = (res: RateLimiterRes | null, points: number) =>
    res && res.consumedPoints >= points ? Math.ceil(res.msBeforeNext / 1000) : 0
  return Math.max(wait(byAccount, ACCOUNT_LIMIT.points), wait(byAddress, ADDRESS_LIMIT.points))
}

export async function recordFailedSignIn({ email, ip }: { email: string; ip: string }) {
  const { account, address } = getLimiters()
  // consume() rejects once a limit is passed (and blocks the key); the rejection is the point.
  await Promise.all([
    account.consume(accountKey(email, ip)).catch(ignoreLimitReached),
    address.consume(ip).catch(ignoreLimitReached),
  ])
}

/** A successful sign-in clears that account's count (not the address's). */
export async function recordSuccessfulSignIn({ email, ip }: { email: string; ip: string }) {
  await getLimiters().account.delete(accountKey(email, ip))
}

function ignoreLimitReached(reason: unknown) {
  if (reason instanceof Error) throw reason
}

/** Counts expire after at most an hour; rows an hour past their expiry are removed. */
const EXPIRED_FOR_MS = 60 * 60 * 1000

/** Removes expired sign-in counts now, from the database the process has open (if any). */
export async function clearExpiredSignInLimits(now = new Date()) {
  await getConnection()
    .db.delete(rateLimits)
    .where(lt(rateLimits.expire, new Date(now.getTime() - EXPIRED_FOR_MS)))
}

/**
 * Clears expired sign-in counts every `everyMs`. Returns the function that stops it and waits
 * for a clean-up under way, which the server calls before it closes the database, so nothing
 * touches a closed database.
 */
export function startSignInLimitCleanup({
  everyMs = 5 * 60 * 1000,
  onError,
}: {
  everyMs?: number
  onError: (error: unknown) => void
}) {
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    running ??= clearExpiredSignInLimits()
      .catch(onError)
      .finally(() => (running = undefined))
  }, everyMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
