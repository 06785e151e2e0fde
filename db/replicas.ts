// Read replicas. A request that may read from a replica (dashboards, exports, the API: the
// server decides, see `allowReplicaReads`) reads there only when the replica has replayed at
// least what the primary had written when the request first read; otherwise from the primary.
// Writes, transactions and anything that is not plainly a read always go to the primary, and
// once a request has written, its reads follow it there (it sees its own changes). A replica
// that is down, slow or behind is never an error: the read goes to the primary instead.
//
// The routing sits under Drizzle, in the object Drizzle takes for a pg pool, so model code
// reaches the right server through the one `getDb()` it already uses.
import { AsyncLocalStorage } from 'node:async_hooks'
import type pg from 'pg'

/** Why a request's reads went where they went (the log and /metrics use these words). */
export type ReadReason =
  | 'caught-up' // a replica had replayed what the primary had written: reads went there
  | 'behind' // every replica was behind the primary: reads went to the primary
  | 'unavailable' // no replica answered: reads went to the primary
  | 'failed' // a read failed on the replica mid-request and was run again on the primary

export interface ReadDecision {
  target: 'replica' | 'primary'
  reason: ReadReason
  /** The replica read from (host:port/database), when one was. */
  replica?: string
}

interface RequestReads {
  decision?: Promise<ReadDecision>
  /** Set once the request has written: from then on it reads from the primary. */
  wrote: boolean
  /** The final word on where reads went (a replica failing later turns it into 'failed'). */
  settled?: ReadDecision
}

export interface Replica {
  pool: pg.Pool
  target: string
  /** The newest WAL position it is known to have replayed (replay never goes backwards). */
  replayed: bigint
  /** After a failure, not asked again before this time (ms). */
  retryAt: number
}

// One store per process, shared by server.ts and the Remix build's copy of this module.
const STORE_KEY = Symbol.for('digital-therapies.request-reads')
type Registry = { [STORE_KEY]?: AsyncLocalStorage<RequestReads> }
function store() {
  const registry = globalThis as Registry
  registry[STORE_KEY] ??= new AsyncLocalStorage<RequestReads>()
  return registry[STORE_KEY]
}

/**
 * Runs `next` (the rest of a request) with its reads allowed on a replica. Returns a function
 * that says where they went, or undefined when the request read nothing.
 */
export function allowReplicaReads(next: () => void): () => ReadDecision | undefined {
  const reads: RequestReads = { wrote: false }
  store().run(reads, next)
  return () => reads.settled
}

/** How long a replica that failed is left alone before it is asked again. */
const RETRY_AFTER_MS = 5_000
/** A replica slower than this to say where it is counts as unavailable for the request. */
const POSITION_TIMEOUT_MS = 1_000

/** `16/B374D848` as a number, so positions compare. */
export function parseLsn(lsn: string | null | undefined): bigint | undefined {
  const match = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn ?? '')
  if (!match) return undefined
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`)
}

/**
 * Statements that only read: a SELECT or WITH that writes nothing, takes no row lock and calls
 * none of the functions that change state. Anything else goes to the primary; a read a replica
 * refuses anyway ("read-only transaction") is run again on the primary.
 */
const READ = /^[\s(]*(select|with)\b/i
const NOT_ONLY_READ =
  /\b(insert|update|delete|merge|nextval|setval|pg_advisory\w*|set_config|pg_notify|lo_\w+)\b|\bfor\s+(no\s+key\s+)?update\b|\bfor\s+(key\s+)?share\b/i
export function isReadOnlyStatement(text: string) {
  return READ.test(text) && !NOT_ONLY_READ.test(text)
}

/**
 * Recording an audit event (as every export does) does not tie the request's later reads to
 * the primary: the request never reads its own audit event back, and the data version it reads
 * on the replica is consistent with the figures it reads there.
 */
const AUDIT_ONLY = /^\s*insert\s+into\s+"audit_events"/i

/** SQLSTATE of "cannot execute ... in a read-only transaction". */
const READ_ONLY_TRANSACTION = '25006'

type QueryArgs = [config: string | pg.QueryConfig, values?: unknown[]]

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * What Drizzle takes for a pg pool: reads of a request allowed on a replica go to a replica that
 * is current, everything else to the primary. Its class name contains "Pool" so that Drizzle
 * opens transactions with `connect()`, which always hands out a primary connection.
 */
export class ReadRoutingPool {
  private next = 0

  constructor(
    readonly primary: pg.Pool,
    readonly replicas: Replica[],
  ) {}

  connect() {
    const reads = store().getStore()
    if (reads) reads.wrote = true
    return this.primary.connect()
  }

  async query(...args: QueryArgs) {
    const reads = store().getStore()
    const text = typeof args[0] === 'string' ? args[0] : args[0].text
    if (!reads || reads.wrote || this.replicas.length === 0 || !isReadOnlyStatement(text)) {
      if (reads && !isReadOnlyStatement(text) && !AUDIT_ONLY.test(text)) reads.wrote = true
      return this.primary.query(...(args as [pg.QueryConfig]))
    }
    reads.decision ??= this.decide().then((decision) => (reads.settled = decision))
    const decision = await reads.decision
    const replica = decision.replica && this.replicas.find((r) => r.target === decision.replica)
    if (!replica || reads.wrote) return this.primary.query(...(args as [pg.QueryConfig]))
    try {
      return await replica.pool.query(...(args as [pg.QueryConfig]))
    } catch (error) {
      const { code, severity } = error as { code?: string; severity?: string }
      // An error the server reports about the statement itself (a syntax error, a bad value)
      // would fail the same way on the primary. Anything else (a refused or broken connection,
      // a server shutting down, out of resources, a read-only refusal) passes the replica by.
      const aboutTheStatement = severity !== undefined && !/^(08|57|53|58|XX)/.test(code ?? '')
      if (aboutTheStatement && code !== READ_ONLY_TRANSACTION) throw error
      if (code !== READ_ONLY_TRANSACTION) {
        replica.retryAt = Date.now() + RETRY_AFTER_MS
        reads.settled = { target: 'primary', reason: 'failed', replica: replica.target }
        reads.wrote = true
      }
      return this.primary.query(...(args as [pg.QueryConfig]))
    }
  }

  /** Where this request reads: the first current replica, taking turns, else the primary. */
  async decide(): Promise<ReadDecision> {
    const { rows } = await this.primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn')
    const written = parseLsn(rows[0]?.lsn)
    if (written === undefined) return { target: 'primary', reason: 'unavailable' }
    let reason: ReadReason = 'unavailable'
    const start = this.next++ % this.replicas.length
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(start + i) % this.replicas.length]!
      if (Date.now() < replica.retryAt) continue
      if (replica.replayed >= written) return { target: 'replica', reason: 'caught-up', replica: replica.target }
      try {
        const result = await withTimeout(
          replica.pool.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn'),
          POSITION_TIMEOUT_MS,
        )
        // Null: not a standby at all (a promoted or misconfigured replica), so nothing to compare.
        const replayed = parseLsn(result.rows[0]?.lsn)
        if (replayed === undefined) {
          replica.retryAt = Date.now() + RETRY_AFTER_MS
          continue
        }
        if (replayed > replica.replayed) replica.replayed = replayed
        if (replica.replayed >= written) return { target: 'replica', reason: 'caught-up', replica: replica.target }
        reason = 'behind'
      } catch {
        replica.retryAt = Date.now() + RETRY_AFTER_MS
      }
    }
    return { target: 'primary', reason }
  }

  on(event: string, listener: (...args: unknown[]) => void) {
    this.primary.on(event as 'error', listener)
    return this
  }

  async end() {
    await Promise.all([this.primary.end(), ...this.replicas.map((r) => r.pool.end())])
  }
}
