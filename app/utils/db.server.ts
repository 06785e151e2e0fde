import { getConnection, type Transaction } from '#db/client.ts'
import { countTransactionRetry } from './metrics.server.ts'

/**
 * The database for model functions (the one connection the server opened). While the health
 * monitor cannot reach it, pages answer 503 with a plain explanation instead of failing.
 */
export function getDb() {
  const connection = getConnection()
  if (connection.healthy === false) {
    throw new Response(
      'The dashboard cannot reach its database at the moment. Nothing already saved has been lost: try again in a minute.',
      {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'Retry-After': '10' },
      },
    )
  }
  return connection.db
}

/** Called when a query fails because the database has gone away. */
export function markDatabaseUnhealthy() {
  getConnection().healthy = false
}

/** SQLSTATEs after which PostgreSQL has rolled the transaction back and running it again is safe. */
const RETRYABLE = { '40P01': 'deadlock', '40001': 'serialization' } as const
const MAX_ATTEMPTS = 5

function retryReason(error: unknown) {
  // Drizzle wraps the driver's error; the SQLSTATE is on it or on its cause.
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && e.code in RETRYABLE) return RETRYABLE[e.code as keyof typeof RETRYABLE]
  }
  return null
}

/**
 * Runs `work` in a transaction, and runs it again (up to five times in all, after a short random
 * pause) when PostgreSQL ends it to break a deadlock or a serialization conflict: boards saving
 * the same month at once touch the same figure totals. `work` must keep its state inside itself,
 * as it may run more than once.
 */
export async function inTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getDb().transaction(work)
    } catch (error) {
      const reason = retryReason(error)
      if (!reason || attempt === MAX_ATTEMPTS) throw error
      countTransactionRetry(reason)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt))
    }
  }
}
