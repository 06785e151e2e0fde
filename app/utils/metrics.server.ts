// The product's Prometheus metrics (served at /metrics, see server/metrics.ts). Every metric is
// made once per process and kept in a global registry, because the Remix build bundles its own
// copy of this module beside the server's. docs/deployment.md says what each one means.
import client from 'prom-client'
import { getConnection } from '#db/client.ts'
import type { ReadDecision } from '#db/replicas.ts'

function createMetrics() {
  const register = client.register
  client.collectDefaultMetrics({ register })
  return {
    register,
    requestDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern (never the raw address) and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    responses: new client.Counter({
      name: 'http_responses_total',
      help: 'Responses sent, by status code class (2xx, 3xx, 4xx, 5xx).',
      labelNames: ['status_class'] as const,
    }),
    figuresCache: new client.Counter({
      name: 'figures_cache_requests_total',
      help: 'Dashboard figures asked of the figures cache, by family and outcome (hit: served from memory; miss: computed).',
      labelNames: ['figures', 'outcome'] as const,
    }),
    reads: new client.Counter({
      name: 'database_read_routing_total',
      help: 'Requests allowed to read from a replica, by where their reads went (replica or primary) and why.',
      labelNames: ['target', 'reason'] as const,
    }),
    exportRows: new client.Counter({
      name: 'export_rows_total',
      help: 'Rows written to exports and API answers, by format.',
      labelNames: ['format'] as const,
    }),
    transactionRetries: new client.Counter({
      name: 'database_transaction_retries_total',
      help: 'Write transactions run again after PostgreSQL chose them to end a deadlock or a serialization conflict, by reason.',
      labelNames: ['reason'] as const,
    }),
    remindersSent: new client.Counter({
      name: 'reminders_sent_total',
      help: 'Reminders of monthly returns e-mailed to board leads, and the national leads’ digests.',
    }),
    pool: new client.Gauge({
      name: 'database_pool_connections',
      help: 'Database connections of this process, by pool (primary or a replica) and state (max, open, idle, waiting).',
      labelNames: ['pool', 'state'] as const,
      collect() {
        this.reset()
        let pools
        try {
          pools = getConnection().poolUse?.() ?? []
        } catch {
          return // No database open yet.
        }
        for (const p of pools) {
          this.set({ pool: p.pool, state: 'max' }, p.max)
          this.set({ pool: p.pool, state: 'open' }, p.total)
          this.set({ pool: p.pool, state: 'idle' }, p.idle)
          this.set({ pool: p.pool, state: 'waiting' }, p.waiting)
        }
      },
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

const METRICS_KEY = Symbol.for('digital-therapies.metrics')
type Registry = { [METRICS_KEY]?: Metrics }

export function getMetrics(): Metrics {
  const registry = globalThis as Registry
  registry[METRICS_KEY] ??= createMetrics()
  return registry[METRICS_KEY]
}

/**
 * Looks a value up in a cache taking (key, version, compute) and counts a hit or a miss: the
 * cache calls `compute` only when it has no current value.
 */
export function countFiguresCache<T>(
  figures: string,
  lookup: (key: string, version: string, compute: () => Promise<T>) => Promise<T>,
  key: string,
  version: string,
  compute: () => Promise<T>,
): Promise<T> {
  let missed = false
  const value = lookup(key, version, () => {
    missed = true
    return compute()
  })
  countCacheLookup(figures, !missed)
  return value
}

/** Counts one look-up in a cache of figures: served from memory (hit) or computed (miss). */
export function countCacheLookup(figures: string, hit: boolean) {
  getMetrics().figuresCache.inc({ figures, outcome: hit ? 'hit' : 'miss' })
}

/** Passes an export's rows through unchanged, counting them. */
export async function* countExportRows<R>(format: string, chunks: AsyncIterable<R[]>): AsyncIterable<R[]> {
  const counter = getMetrics().exportRows.labels({ format })
  for await (const chunk of chunks) {
    counter.inc(chunk.length)
    yield chunk
  }
}

export function countTransactionRetry(reason: 'deadlock' | 'serialization') {
  getMetrics().transactionRetries.inc({ reason })
}

export function countReminderSent(count = 1) {
  getMetrics().remindersSent.inc(count)
}

export function countReadRouting(decision: ReadDecision) {
  getMetrics().reads.inc({ target: decision.target, reason: decision.reason })
}
