import { getConnection } from '#db/client.ts'

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
