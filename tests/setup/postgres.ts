/** The template every test file's PostgreSQL database is copied from: one per test run. */
export const TEMPLATE_DATABASE = `dtd_test_template_${process.pid}`

/** The same server, connected to the maintenance database (to create and drop databases). */
export function adminUrl(databaseUrl: string) {
  const url = new URL(databaseUrl)
  url.pathname = '/postgres'
  return url.toString()
}

export function databaseUrlFor(databaseUrl: string, database: string) {
  const url = new URL(databaseUrl)
  url.pathname = `/${database}`
  return url.toString()
}
