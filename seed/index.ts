import { sql } from 'drizzle-orm'
import { type DatabaseConnection, queryRows } from '#db/client.ts'
import { loadDemoData } from './demo.ts'
import { loadReferenceData } from './reference.ts'

export interface PrepareOptions {
  /** Load demo accounts and figures when the database has none yet. */
  demo: boolean
  deadlineDay: number
  now?: Date
}

/**
 * Brings a database to a usable state: migrations, then the reference data (adding only what is
 * missing), then, when asked and only into a database without accounts or returns, the demo.
 */
export async function prepareDatabase(connection: DatabaseConnection, options: PrepareOptions) {
  await connection.migrate()
  await loadReferenceData(connection.db)
  if (!options.demo) return { demoLoaded: false }
  const rows = await queryRows<{ empty: boolean }>(
    connection.db,
    sql`select not exists (select 1 from users) and not exists (select 1 from returns) as empty`,
  )
  if (!rows[0]?.empty) return { demoLoaded: false }
  await loadDemoData(connection.db, { now: options.now, deadlineDay: options.deadlineDay })
  return { demoLoaded: true }
}
