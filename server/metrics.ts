// /metrics and the request metrics: each request is timed and counted under its route pattern
// (`/boards/:code`), never its address, so a scraper sees a bounded set of series whatever
// people type. With several app processes, any process answers /metrics with the figures of
// them all, gathered by the supervising process (prom-client's cluster aggregation).
import crypto from 'node:crypto'
import cluster from 'node:cluster'
import type { ServerBuild } from '@remix-run/node'
import type express from 'express'
import { AggregatorRegistry } from 'prom-client'
import { getMetrics } from '#app/utils/metrics.server.ts'

interface RouteEntry {
  pattern: string
  segments: string[]
  /** Static segments count most, then parameters; a splat least. */
  rank: number
}

/** Every URL pattern of the app's routes, from the Remix build's route manifest. */
export function routePatterns(routes: ServerBuild['routes']): RouteEntry[] {
  const full = (id: string): string[] => {
    const route = routes[id]
    if (!route) return []
    const own = route.path ? route.path.split('/').filter(Boolean) : []
    return [...(route.parentId ? full(route.parentId) : []), ...own]
  }
  const seen = new Map<string, RouteEntry>()
  for (const id of Object.keys(routes)) {
    const segments = full(id)
    const pattern = `/${segments.join('/')}`
    const rank = segments.reduce((sum, s) => sum + (s === '*' ? 1 : s.startsWith(':') ? 10 : 100), 0)
    seen.set(pattern, { pattern, segments, rank })
  }
  // Exact patterns first (most static segments first), catch-alls last.
  const splat = (e: RouteEntry) => (e.segments.at(-1) === '*' ? 1 : 0)
  return [...seen.values()].sort((a, b) => splat(a) - splat(b) || b.rank - a.rank)
}

/** The route pattern that answers `pathname`, or undefined when no route does. */
export function matchRoutePattern(entries: RouteEntry[], pathname: string): string | undefined {
  const parts = pathname.split('/').filter(Boolean)
  for (const entry of entries) {
    const { segments } = entry
    const splat = segments.at(-1) === '*'
    const fixed = splat ? segments.length - 1 : segments.length
    if (splat ? parts.length < fixed : parts.length !== fixed) continue
    let matches = true
    for (let i = 0; i < fixed; i++) {
      const s = segments[i]!
      const p = decodeSegment(parts[i]!)
      // Remix's optional segments (`:lang?`) are not used here; a static segment matches exactly.
      if (!s.startsWith(':') && s !== p) {
        matches = false
        break
      }
    }
    if (matches) return entry.pattern
  }
  return undefined
}

function decodeSegment(segment: string) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Routes the express app answers itself, before Remix. */
const SERVER_ROUTES = new Set(['/healthz', '/readyz', '/metrics'])

/**
 * Times every response and counts it by route pattern and status. `build` resolves to the Remix
 * build (a loader function in development).
 */
export function observeRequests(build: ServerBuild | (() => Promise<ServerBuild>)): express.RequestHandler {
  let entries: RouteEntry[] | undefined
  const ready =
    typeof build === 'function'
      ? build().then((b) => (entries = routePatterns(b.routes)))
      : Promise.resolve((entries = routePatterns(build.routes)))
  ready.catch(() => {})
  const metrics = getMetrics()
  return (req, res, next) => {
    const started = process.hrtime.bigint()
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const path = req.path
      const route = SERVER_ROUTES.has(path)
        ? path
        : res.locals.staticFile
          ? 'static'
          : ((entries && matchRoutePattern(entries, path)) ?? 'unmatched')
      const status = res.statusCode
      metrics.requestDuration.observe({ method: req.method, route, status_code: String(status) }, seconds)
      metrics.responses.inc({ status_class: `${Math.floor(status / 100)}xx` })
    })
    next()
  }
}

// The supervising process answers workers' requests for everyone's metrics.
const REQUEST = 'digital-therapies:metrics-request'
const RESPONSE = 'digital-therapies:metrics-response'

/** In the supervising process: gathers every worker's metrics for whichever worker asks. */
export function aggregateWorkerMetrics() {
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== REQUEST) return
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text }),
      (error: Error) => worker.send({ type: RESPONSE, id: message.id, error: error.message }),
    )
  })
}

let nextRequest = 0
const pending = new Map<number, (reply: { text?: string; error?: string }) => void>()
let workerListening = false

/** In a worker: every process's metrics together, from the supervising process. */
function clusterMetrics(): Promise<string> {
  answerMetricsRequests()
  const id = nextRequest++
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id)
      reject(new Error('The other app processes did not send their metrics within 5 s.'))
    }, 5_000)
    pending.set(id, (reply) => {
      clearTimeout(timer)
      if (reply.text !== undefined) resolve(reply.text)
      else reject(new Error(reply.error ?? 'no metrics'))
    })
    process.send!({ type: REQUEST, id })
  })
}

/** Sets up the worker side at start, so the supervisor can ask it before anyone scrapes it. */
export function answerMetricsRequests() {
  if (cluster.isWorker && !workerListening) {
    workerListening = true
    // Constructing it makes prom-client answer the supervisor's requests for this worker's own
    // metrics.
    new AggregatorRegistry()
    process.on('message', (message: { type?: string; id?: number; text?: string; error?: string }) => {
      if (message?.type !== RESPONSE || message.id === undefined) return
      pending.get(message.id)?.(message)
      pending.delete(message.id)
    })
  }
}

function sameToken(given: string, expected: string) {
  const a = crypto.createHash('sha256').update(given).digest()
  const b = crypto.createHash('sha256').update(expected).digest()
  return crypto.timingSafeEqual(a, b)
}

/**
 * GET /metrics: 404 unless METRICS_TOKEN is set; then only with `Authorization: Bearer <it>`.
 */
export function metricsHandler(token: string | undefined): express.RequestHandler {
  return async (req, res, next) => {
    if (!token) return next()
    res.set('Cache-Control', 'no-store')
    const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1]
    if (!given || !sameToken(given, token)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('Send the metrics token.')
      return
    }
    const { register } = getMetrics()
    try {
      const text = cluster.isWorker ? await clusterMetrics() : await register.metrics()
      res.set('Content-Type', register.contentType).send(text)
    } catch (error) {
      req.log.error({ err: error }, 'metrics could not be gathered')
      res.status(503).type('text/plain').send('The metrics could not be gathered; try again.')
    }
  }
}
