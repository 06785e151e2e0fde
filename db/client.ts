import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { acquireDataDirectoryLock, type DataDirectoryLock } from './lock.ts'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
/** One typed API over both engines: PGlite (embedded) and PostgreSQL (node-postgres). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** Either the database or an open transaction: model functions accept both. */
export type Executor = Database | Transaction

export interface DatabaseConnection {
  db: Database
  engine: 'pglite' | 'postgres'
  /** False while the health monitor cannot reach the database (see `monitorHealth`). */
  healthy?: boolean
  /** Where the data lives, without credentials: safe to log and to show in errors. */
  target: string
  /** Resolves when a trivial query succeeds. */
  ping(): Promise<void>
  /** Applies the migrations in `migrations/` that have not been applied yet. */
  migrate(): Promise<void>
  close(): Promise<void>
}

export interface ConnectOptions {
  /** postgres://... to use PostgreSQL; unset for the embedded database. */
  databaseUrl?: string
  /** Folder of the embedded database and its lock; unused with `databaseUrl`. */
  dataDir?: string
  /** An embedded database in memory (tests): no files, no lock. */
  memory?: boolean
  /** Pool size for PostgreSQL. */
  maxConnections?: number
}

const MIGRATION_LOCK_KEY = 7_341_905_210

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations')

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseConnection> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options.maxConnections ?? 10)
  if (options.memory) return connectPglite(undefined, undefined)
  const dataDir = path.resolve(options.dataDir ?? '.data')
  let lock: DataDirectoryLock
  try {
    lock = acquireDataDirectoryLock(dataDir)
  } catch (error) {
    throw describeStorageError(error, dataDir)
  }
  const directory = path.join(dataDir, 'pglite')
  const existed = fs.existsSync(directory)
  try {
    return await connectPglite(directory, lock)
  } catch (error) {
    lock.release()
    // A database that failed while being created is unusable: remove it, so the next start
    // begins afresh instead of tripping over it. An existing database is never touched.
    if (!existed) fs.rmSync(directory, { recursive: true, force: true })
    throw describeStorageError(error, dataDir)
  }
}

export class StorageError extends Error {
  override name = 'StorageError'
}

// Node's error codes, and the numbers the embedded database's file system (Emscripten) uses.
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 51])
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM', 69, 2, 63])

/** Turns a file-system failure into a message that says what is wrong and what to do. */
export function describeStorageError(error: unknown, dataDir: string) {
  const e = error as { code?: string; errno?: number }
  const kind = e?.code ?? e?.errno
  if (NO_SPACE.has(kind as never)) {
    return new StorageError(
      `The disk holding the data directory ${dataDir} is full, so the embedded database cannot write. Free some space (or set DATA_DIR to a folder on a disk with room) and start again. Data already saved is kept.`,
    )
  }
  if (READ_ONLY.has(kind as never)) {
    return new StorageError(
      `The data directory ${dataDir} cannot be written to (it is read-only or not permitted). Give the server write access to it, or set DATA_DIR to a writable folder. Data already saved is kept.`,
    )
  }
  return error instanceof Error ? error : new Error(String(error))
}

async function connectPglite(
  directory: string | undefined,
  lock: DataDirectoryLock | undefined,
): Promise<DatabaseConnection> {
  if (directory) fs.mkdirSync(path.dirname(directory), { recursive: true })
  const client = directory ? new PGlite(directory) : new PGlite()
  await client.waitReady
  const db = drizzlePglite({ client, schema }) as unknown as Database
  return {
    db,
    engine: 'pglite',
    target: directory ?? 'memory',
    async ping() {
      await client.query('select 1')
    },
    async migrate() {
      // The file lock already keeps a second process out of this directory.
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER })
    },
    async close() {
      try {
        if (!client.closed) await client.close()
      } finally {
        lock?.release()
      }
    },
  }
}

async function connectPostgres(databaseUrl: string, max: number): Promise<DatabaseConnection> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5_000,
    // Counts come back as numbers on both engines (PGlite already does this).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client losing its server (a restart) must not crash the process.
  pool.on('error', () => {})
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Database
  return {
    db,
    engine: 'postgres',
    target: describePostgresUrl(databaseUrl),
    async ping() {
      await pool.query('select 1')
    },
    async migrate() {
      // An advisory lock on one session keeps two app servers starting at once from migrating
      // together.
      const client = await pool.connect()
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
        try {
          await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER })
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
        }
      } finally {
        client.release()
      }
    },
    async close() {
      await pool.end()
    },
  }
}

/** Resolves when the database answers within `timeoutMs`; rejects otherwise. */
export async function pingWithin(connection: DatabaseConnection, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      connection.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Pings the database every `intervalMs` and reports each result, so the server can answer 503
 * while it is unreachable and serve again as soon as it is back (node-postgres reconnects by
 * itself). Returns a function that stops the monitor.
 */
export function monitorHealth(
  connection: DatabaseConnection,
  report: (healthy: boolean, error?: unknown) => void,
  { intervalMs = 2_000, timeoutMs = 1_500 }: { intervalMs?: number; timeoutMs?: number } = {},
) {
  const timer = setInterval(() => {
    pingWithin(connection, timeoutMs).then(
      () => report(true),
      (error: unknown) => report(false, error),
    )
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

/** host:port/database of a connection string, never the password. */
export function describePostgresUrl(databaseUrl: string) {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname || '/'}`
  } catch {
    return 'an unparseable DATABASE_URL'
  }
}

const REGISTRY_KEY = Symbol.for('digital-therapies.database')
type Registry = { [REGISTRY_KEY]?: DatabaseConnection }

/**
 * The process's one connection. The server registers it at start-up; the Remix build (which
 * bundles its own copy of this module) reads the same one through the global registry.
 */
export function registerDatabase(connection: DatabaseConnection | undefined) {
  ;(globalThis as Registry)[REGISTRY_KEY] = connection
}

export function getConnection(): DatabaseConnection {
  const connection = (globalThis as Registry)[REGISTRY_KEY]
  if (!connection) throw new DatabaseUnavailableError('The database has not been opened yet.')
  return connection
}

export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseUnavailableError'
  }
}

/** Runs a raw SQL query and returns its rows (both drivers return `{ rows }`). */
export async function queryRows<T extends object>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] }
  return result.rows
}
