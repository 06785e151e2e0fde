/** The template every test file's PostgreSQL database is copied from: one per test run. */
export const TEMPLATE_DATABASE = `dtd_test_template_${process.pid}`

/**
 * The server itself, for creating, migrating and dropping databases: DATABASE_URL, unless
 * TEST_DATABASE_ADMIN_URL names another way in (the tests that run through a connection pooler
 * keep these out of it; a pooler holding a connection to the template would block copying it).
 */
export function serverUrl(databaseUrl: string) {
  return process.env.TEST_DATABASE_ADMIN_URL || databaseUrl
}

/** The same server, connected to the maintenance database (to create and drop databases). */
export function adminUrl(databaseUrl: string) {
  const url = new URL(serverUrl(databaseUrl))
  url.pathname = '/postgres'
  return url.toString()
}

export function databaseUrlFor(databaseUrl: string, database: string) {
  const url = new URL(databaseUrl)
  url.pathname = `/${database}`
  return url.toString()
}
