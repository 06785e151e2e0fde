import crypto from 'node:crypto'
import type http from 'node:http'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import helmet from 'helmet'
import type pino from 'pino'
import { pinoHttp } from 'pino-http'
import type { Config } from '#app/utils/config.server.ts'
import { countReadRouting } from '#app/utils/metrics.server.ts'
import { getConnection } from '#db/client.ts'
import { allowReplicaReads, type ReadDecision } from '#db/replicas.ts'
import { metricsHandler, observeRequests } from './metrics.ts'
import { unavailablePage } from './pages.ts'

export interface Readiness {
  /** True once the database is migrated and reachable. */
  ready(): boolean
  /** Checks the database now (for /readyz). */
  check(): Promise<boolean>
}

export interface AppOptions {
  config: Config
  logger: pino.Logger
  readiness: Readiness
  /** The Remix build: a module in production, a loader of the Vite dev build otherwise. */
  build: ServerBuild | (() => Promise<ServerBuild>)
  /** Vite's middleware in development and tests. */
  viteMiddleware?: express.RequestHandler
  /** Serve build/client as static files (production). */
  staticDir?: string
}

declare module 'express-serve-static-core' {
  interface Locals {
    cspNonce: string
    /** Where this request's reads went, once it has read (with read replicas only). */
    reads?: () => ReadDecision | undefined
    /** Answered by the static file server. */
    staticFile?: boolean
  }
}

/** Methods that change nothing: the only ones exempt from the origin check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Pages whose reads may go to a read replica: the dashboards, exports and the API. Each still
 * reads there only when the replica is current (db/replicas.ts), and anything it writes (an
 * export's audit event) goes to the primary.
 */
const REPLICA_READABLE = /^\/(?:$|(?:boards|services|coverage|completeness|figures|exports|api)(?:\/|$))/

export function createApp(options: AppOptions) {
  const { config, logger, readiness } = options
  const app = express()
  app.disable('x-powered-by')
  // Who may say which address a request came from (X-Forwarded-For): TRUST_PROXY. Unset, no
  // one: the address is the peer's, and a forged header changes nothing. The sign-in limits and
  // the audit trail use this address (`clientIp` below).
  app.set('trust proxy', config.TRUST_PROXY)
  app.use(observeRequests(options.build))

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' })
  })
  app.get('/readyz', async (_req, res) => {
    const ok = await readiness.check()
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ ready: ok })
  })

  app.get('/metrics', metricsHandler(config.METRICS_TOKEN))

  app.use(
    pinoHttp({
      logger,
      // Where a dashboard's, export's or API answer's reads went, with read replicas.
      customProps: (_req, res) => {
        const reads = (res as express.Response).locals?.reads?.()
        return reads
          ? { reads: reads.target, readsReason: reads.reason, ...(reads.replica ? { replica: reads.replica } : {}) }
          : {}
      },
      // Health checks every few seconds would drown everything else.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  )
  app.use(compression())

  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64')
    next()
  })
  const development = config.NODE_ENV !== 'production'
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          'style-src': ["'self'"],
          'style-src-elem': ["'self'"],
          // Charts position their tooltips with style attributes; style elements stay strict.
          'style-src-attr': ["'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'font-src': ["'self'"],
          'connect-src': development ? ["'self'", 'ws:'] : ["'self'"],
          'form-action': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'none'"],
          'frame-ancestors': ["'none'"],
        },
      },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    }),
  )

  // Remix v2 has no cross-site request forgery check of its own: every request that can change
  // something must come from our own origin.
  app.use((req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next()
    // A script's API request with a token carries no cookie a browser could add by itself (and
    // the API reads no session when a token is given), so there is nothing to forge.
    if (req.path.startsWith('/api/') && /^Bearer\s/i.test(req.get('authorization') ?? '')) return next()
    const expected = config.PUBLIC_ORIGIN ?? `${req.protocol}://${req.get('host')}`
    const origin = req.get('origin') ?? refererOrigin(req.get('referer'))
    if (origin === expected) return next()
    req.log.warn({ origin: origin ?? null, expected, outcome: 'refused' }, 'cross-origin request refused')
    res
      .status(403)
      .set('Cache-Control', 'no-store')
      .type('text/plain')
      .send('This request came from another website, so it has been refused. Nothing was changed.')
  })

  if (options.staticDir) {
    const assets = express.static(`${options.staticDir}/assets`, { immutable: true, maxAge: '1y', index: false })
    const files = express.static(options.staticDir, { maxAge: '1h', index: false })
    // Marked as static for the request metrics until the file server passes the request on.
    const serveStatic =
      (handler: express.RequestHandler): express.RequestHandler =>
      (req, res, next) => {
        res.locals.staticFile = true
        handler(req, res, (error?: unknown) => {
          res.locals.staticFile = false
          next(error)
        })
      }
    app.use('/assets', serveStatic(assets))
    app.use(serveStatic(files))
  }
  if (options.viteMiddleware) app.use(options.viteMiddleware)

  app.use((req, res, next) => {
    // Pages carry figures and personal data: never kept by browsers or proxies unless a route
    // says otherwise.
    res.set('Cache-Control', 'no-store')
    if (readiness.ready()) return next()
    res.status(503).set('Retry-After', '10').type('html').send(unavailablePage(res.locals.cspNonce))
  })

  app.use((req, res, next) => {
    if (!SAFE_METHODS.has(req.method) || !REPLICA_READABLE.test(req.path) || !hasReplicas()) return next()
    const reads = allowReplicaReads(next)
    res.locals.reads = reads
    res.once('finish', () => {
      const decision = reads()
      if (decision) countReadRouting(decision)
    })
  })

  app.all(
    '*',
    createRequestHandler({
      build: options.build,
      mode: config.NODE_ENV,
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        clientGone: clientGone(res),
      }),
    }),
  )
  return app
}

/**
 * Aborts when the connection closes before the whole response was sent: the client went away.
 * Remix's request.signal should say so too, but on Node 24 it never aborts (the Request it hands
 * the loader is a copy whose signal loses the link to the original's), so a streamed export
 * would read every remaining year for nobody.
 */
function clientGone(res: express.Response) {
  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  return controller.signal
}

function hasReplicas() {
  try {
    return (getConnection().replicas?.length ?? 0) > 0
  } catch {
    return false
  }
}

function refererOrigin(referer: string | undefined) {
  if (!referer) return undefined
  try {
    return new URL(referer).origin
  } catch {
    return undefined
  }
}

/**
 * Keeps idle connections open longer than a load balancer or client does (60 s is usual), so
 * the other side closes them, never the app: a request sent on a connection the app is closing
 * at that very moment fails with a reset.
 */
export function keepConnectionsAlive(server: http.Server) {
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  return server
}
