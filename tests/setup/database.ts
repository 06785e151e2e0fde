// A database of its own for each test file: a copy of the migrated template holding the
// reference data, on PGlite by default or on PostgreSQL when DATABASE_URL is set.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, inject } from 'vitest'
import {
  connectDatabase,
  type Database,
  type DatabaseConnection,
  EmbeddedDatabase,
  queryRows,
  registerDatabase,
} from '#db/client.ts'
import * as schema from '#db/schema/index.ts'
import { clearCache } from '#app/utils/cache.server.ts'
import { loadReferenceData } from '#seed/reference.ts'
import { adminUrl, databaseUrlFor } from './postgres.ts'

export const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite'

/** `maxConnections` applies on PostgreSQL: PGlite is one connection. */
export async function openTestDatabase({ maxConnections = 4 } = {}): Promise<DatabaseConnection> {
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    const name = `dtd_test_${crypto.randomBytes(6).toString('hex')}`
    const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl), maxConnections: 1 })
    await admin.db.execute(sql.raw(`create database ${name} template ${inject('postgresTemplate')}`))
    const connection = await connectDatabase({ databaseUrl: databaseUrlFor(databaseUrl, name), maxConnections })
    return {
      ...connection,
      async close() {
        await connection.close()
        await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`))
        await admin.close()
      },
    }
  }
  const dump = new Blob([fs.readFileSync(inject('pgliteDump'))])
  const client = new EmbeddedDatabase({ loadDataDir: dump })
  await client.waitReady
  const db = drizzle({ client, schema }) as unknown as Database
  return {
    db,
    engine: 'pglite',
    target: 'memory',
    ping: async () => void (await client.query('select 1')),
    migrate: async () => {},
    close: async () => void (await client.close()),
  }
}

/** Opens this file's database before its tests, registers it for the models, closes it after. */
export function useTestDatabase(options: { maxConnections?: number } = {}) {
  const handle = {} as { connection: DatabaseConnection; db: Database }
  beforeAll(async () => {
    handle.connection = await openTestDatabase(options)
    handle.db = handle.connection.db
    registerDatabase(handle.connection)
    // The caches are keyed by versions that another file's database may have reached too.
    clearCache()
  })
  afterAll(async () => {
    registerDatabase(undefined)
    await handle.connection?.close()
  })
  return handle
}

/**
 * Back to the template's state: every table emptied, then the reference data loaded again. The
 * caches go too: tests write figures at past moments, which no save can do.
 */
export async function resetData(db: Database) {
  clearCache()
  const tables = await queryRows<{ name: string }>(
    db,
    // The figure totals are emptied by the trigger on truncating the figures.
    sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename not like 'figure_totals%'`,
  )
  await db.execute(sql.raw(`truncate ${tables.map((t) => t.name).join(', ')} restart identity cascade`))
  await loadReferenceData(db)
}
