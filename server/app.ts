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
  }
}

/** Methods that change nothing: the only ones exempt from the origin check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function createApp(options: AppOptions) {
  const { config, logger, readiness } = options
  const app = express()
  app.disable('x-powered-by')
  // One proxy hop (a load balancer) may set X-Forwarded-For; only from the loopback interface.
  app.set('trust proxy', 'loopback')

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

  app.use(
    pinoHttp({
      logger,
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
    app.use('/assets', express.static(`${options.staticDir}/assets`, { immutable: true, maxAge: '1y', index: false }))
    app.use(express.static(options.staticDir, { maxAge: '1h', index: false }))
  }
  if (options.viteMiddleware) app.use(options.viteMiddleware)

  app.use((req, res, next) => {
    // Pages carry figures and personal data: never kept by browsers or proxies unless a route
    // says otherwise.
    res.set('Cache-Control', 'no-store')
    if (readiness.ready()) return next()
    res.status(503).set('Retry-After', '10').type('html').send(unavailablePage(res.locals.cspNonce))
  })

  app.all(
    '*',
    createRequestHandler({
      build: options.build,
      mode: config.NODE_ENV,
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      }),
    }),
  )
  return app
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
