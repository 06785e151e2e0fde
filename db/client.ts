import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite, type QueryOptions, type Results } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { acquireDataDirectoryLock, type DataDirectoryLock } from './lock.ts'
import { ReadRoutingPool, type Replica } from './replicas.ts'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
/** One typed API over both engines: PGlite (embedded) and PostgreSQL (node-postgres). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** Either the database or an open transaction: model functions accept both. */
export type Executor = Database | Transaction

/** A transaction runs its statements on one connection, one after another. */
export function isTransaction(db: Executor): db is Transaction {
  return typeof (db as { rollback?: unknown }).rollback === 'function'
}

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
  /** Connections in use, idle and waited for, per pool (PostgreSQL only; for /metrics). */
  poolUse?(): PoolUse[]
  /** The read replicas (PostgreSQL with DATABASE_REPLICA_URL only). */
  replicas?: string[]
}

export interface PoolUse {
  /** 'primary', or the replica's host:port/database. */
  pool: string
  max: number
  total: number
  idle: number
  waiting: number
}

export interface ConnectOptions {
  /** postgres://... to use PostgreSQL; unset for the embedded database. */
  databaseUrl?: string
  /** Folder of the embedded database and its lock; unused with `databaseUrl`. */
  dataDir?: string
  /** An embedded database in memory (tests): no files, no lock. */
  memory?: boolean
  /** Pool size for PostgreSQL (DATABASE_POOL_SIZE), for the primary and for each replica. */
  maxConnections?: number
  /** Read replicas of the primary (DATABASE_REPLICA_URL). */
  replicaUrls?: string[]
}

const MIGRATION_LOCK_KEY = 7_341_905_210

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations')

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseConnection> {
  if (options.databaseUrl) {
    return connectPostgres(options.databaseUrl, options.maxConnections ?? 10, options.replicaUrls ?? [])
  }
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

/**
 * PGlite runs its queries on this thread, and a query's promise settles without the event loop
 * turning. Requests that query one after another then hold back every other connection's I/O for
 * as long as any of them has a query left: under the mixed load, /healthz waited 16 s and no API
 * request was answered. So each query outside a transaction gives the event loop a turn before
 * its caller goes on, as a query over a socket does. A transaction's statements still run back to
 * back: it holds the one connection, and the sooner it lets go the better.
 */
export class EmbeddedDatabase extends PGlite {
  override async query<T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const results = await super.query<T>(query, params, options)
    await new Promise((resolve) => setImmediate(resolve))
    return results
  }
}

async function connectPglite(
  directory: string | undefined,
  lock: DataDirectoryLock | undefined,
): Promise<DatabaseConnection> {
  if (directory) fs.mkdirSync(path.dirname(directory), { recursive: true })
  const client = directory ? new EmbeddedDatabase(directory) : new EmbeddedDatabase()
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

function newPool(connectionString: string, max: number, connectionTimeoutMillis: number) {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis,
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
  return pool
}

async function connectPostgres(databaseUrl: string, max: number, replicaUrls: string[]): Promise<DatabaseConnection> {
  const pool = newPool(databaseUrl, max, 5_000)
  // Health checks use a connection of their own: a pool busy with every connection in use is
  // a busy app, not an unreachable database, and must not turn pages into 503s.
  const health = newPool(databaseUrl, 1, 5_000)
  // A replica that does not answer quickly is passed by (the primary serves the read instead).
  const replicas: Replica[] = replicaUrls.map((url) => ({
    pool: newPool(url, max, 1_000),
    target: describePostgresUrl(url),
    replayed: 0n,
    retryAt: 0,
  }))
  const client = replicas.length > 0 ? new ReadRoutingPool(pool, replicas) : pool
  const db = drizzleNodePg({ client: client as pg.Pool, schema }) as unknown as Database
  const use = (name: string, p: pg.Pool): PoolUse => ({
    pool: name,
    max,
    total: p.totalCount,
    idle: p.idleCount,
    waiting: p.waitingCount,
  })
  return {
    db,
    engine: 'postgres',
    target: describePostgresUrl(databaseUrl),
    replicas: replicas.map((r) => r.target),
    async ping() {
      await health.query('select 1')
    },
    migrate: () => migratePostgres(pool),
    async close() {
      await Promise.all([pool.end(), health.end(), ...replicas.map((r) => r.pool.end())])
    },
    poolUse: () => [use('primary', pool), ...replicas.map((r) => use(r.target, r.pool))],
  }
}

/**
 * Applies pending migrations in one transaction that first takes a transaction-level advisory
 * lock, so app servers starting at once migrate one after the other (the later ones find
 * nothing left to do). It holds nothing between transactions, so it is safe behind PgBouncer in
 * transaction pooling, where a session-level lock could be taken on one server connection and
 * released on another. Same bookkeeping table as drizzle-kit's migrator.
 */
async function migratePostgres(pool: pg.Pool) {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER })
  const db = drizzleNodePg({ client: pool })
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`)
    await tx.execute(sql`create schema if not exists drizzle`)
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    )
    const result = (await tx.execute(
      sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    )) as unknown as { rows: Array<{ created_at: string | number }> }
    const last = result.rows[0] ? Number(result.rows[0].created_at) : undefined
    for (const migration of migrations) {
      if (last !== undefined && last >= migration.folderMillis) continue
      for (const statement of migration.sql) if (statement.trim()) await tx.execute(sql.raw(statement))
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      )
    }
  })
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
