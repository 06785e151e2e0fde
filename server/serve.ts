// One app process: opens the database, serves the Remix build behind express, and closes
// gracefully on the first SIGTERM. server.ts runs it directly, or in each worker process when
// WEB_CONCURRENCY asks for more than one (server/cluster.ts).
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import closeWithGrace from 'close-with-grace'
import type pino from 'pino'
import { startWorkThreads } from '#app/utils/threads.server.ts'
import type { Config } from '#app/utils/config.server.ts'
import { startSignInLimitCleanup } from '#app/utils/throttle.server.ts'
import {
  connectDatabase,
  type DatabaseConnection,
  monitorHealth,
  pingWithin,
  registerDatabase,
  StorageError,
} from '#db/client.ts'
import { DataDirectoryLockedError } from '#db/lock.ts'
import { prepareDatabase } from '#seed/index.ts'
import { createApp, keepConnectionsAlive } from './app.ts'
import { ensureProductionBuild, SERVER_BUILD } from './build.ts'
import { answerMetricsRequests } from './metrics.ts'
import { startReminderSchedule } from './reminders.ts'

export async function serve(config: Config, logger: pino.Logger, { worker = false }: { worker?: boolean } = {}) {
  const embedded = !config.DATABASE_URL
  const where = embedded ? `the embedded database in ${path.resolve(config.DATA_DIR)}` : 'PostgreSQL'
  if (worker) answerMetricsRequests()

  // The embedded database is opened first: a second process on the same folder stops here, at
  // once, before building or listening.
  let connection: DatabaseConnection | undefined
  if (embedded) {
    try {
      connection = await connectDatabase({ dataDir: config.DATA_DIR })
    } catch (error) {
      if (error instanceof DataDirectoryLockedError || error instanceof StorageError) {
        logger.fatal(error.message)
        console.error(error.message)
        process.exit(1)
      }
      throw error
    }
  }

  let ready = false
  let stopMonitor: (() => void) | undefined
  let stopCleanup: (() => Promise<void>) | undefined
  let stopReminders: (() => Promise<void>) | undefined
  let closing = false

  /** Every health check ends here: pages answer 503 while the database is unreachable. */
  function reportHealth(healthy: boolean, error?: unknown) {
    if (!connection || connection.healthy === healthy || (healthy && connection.healthy === undefined)) {
      if (connection) connection.healthy = healthy
      return
    }
    connection.healthy = healthy
    if (healthy) logger.info(`Database reachable again at ${connection.target}: serving pages.`)
    else logger.error({ err: error }, `Database unreachable at ${connection.target}: answering 503 until it is back.`)
  }
  async function prepare() {
    for (let attempt = 1; ; attempt++) {
      try {
        connection ??= await connectDatabase({
          databaseUrl: config.DATABASE_URL,
          maxConnections: config.DATABASE_POOL_SIZE,
          replicaUrls: config.DATABASE_REPLICA_URL,
        })
        registerDatabase(connection)
        const { demoLoaded } = await prepareDatabase(connection, {
          demo: embedded,
          deadlineDay: config.RETURN_DEADLINE_DAY,
        })
        if (demoLoaded) logger.info('Loaded the demo data set and demo accounts (see README).')
        if (closing) return
        ready = true
        const replicas = connection.replicas?.length ? `; reads may go to ${connection.replicas.join(', ')}` : ''
        logger.info(`Database ready: ${where} (${connection.target}${replicas}).`)
        stopMonitor = monitorHealth(connection, reportHealth)
        stopCleanup = startSignInLimitCleanup({
          onError: (error) => logger.warn({ err: error }, 'Could not clear expired sign-in counts; will try again.'),
        })
        if (config.SMTP_URL) stopReminders = startReminderSchedule({ logger })
        return
      } catch (error) {
        if (embedded || closing) throw error
        const wait = Math.min(30, 2 ** Math.min(attempt, 5))
        logger.error(
          { err: error, attempt },
          `Cannot use PostgreSQL at ${connection?.target ?? 'DATABASE_URL'}: ${(error as Error).message}. ` +
            `Retrying in ${wait} s; /readyz answers 503 until it works.`,
        )
        await new Promise((resolve) => setTimeout(resolve, wait * 1000))
      }
    }
  }

  if (!config.SMTP_URL)
    logger.warn('SMTP_URL is not set: reminders of monthly returns are not e-mailed (see README, "Configuration").')

  // Disclosure control of large tables and workbooks are worked out beside the thread serving requests.
  const stopWorkThreads =
    config.WORK_THREADS > 0
      ? startWorkThreads({
          filename: new URL('./work-thread.mjs', import.meta.url).href,
          threads: config.WORK_THREADS,
        })
      : undefined
  if (stopWorkThreads) {
    const threads = config.WORK_THREADS === 1 ? 'a thread' : `${config.WORK_THREADS} threads`
    logger.info(`Disclosure control and workbooks are worked out on ${threads} beside the one answering requests.`)
  }

  const development = config.NODE_ENV !== 'production'
  let build: ServerBuild | (() => Promise<ServerBuild>)
  let closeVite: (() => Promise<void>) | undefined
  let viteMiddleware
  if (development) {
    const vite = await import('vite')
    const server = await vite.createServer({ server: { middlewareMode: true } })
    viteMiddleware = server.middlewares
    closeVite = () => server.close()
    build = () => server.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
  } else {
    // With several processes the supervisor has built already; this only checks.
    ensureProductionBuild((message) => logger.info(message))
    build = (await import(SERVER_BUILD)) as ServerBuild
  }

  const app = createApp({
    config,
    logger,
    build,
    viteMiddleware,
    staticDir: development ? undefined : 'build/client',
    readiness: {
      ready: () => ready && connection?.healthy !== false,
      async check() {
        if (!ready || !connection) return false
        try {
          await pingWithin(connection, 2_000)
          reportHealth(true)
          return true
        } catch (error) {
          reportHealth(false, error)
          return false
        }
      },
    },
  })

  const preparing = prepare().catch((error) => {
    if (closing) return
    logger.fatal({ err: error }, `Could not prepare ${where}: ${(error as Error).message}`)
    process.exit(1)
  })

  const server = keepConnectionsAlive(
    app.listen(config.PORT, () => {
      logger.info(`Digital Therapies Programme Dashboard on http://localhost:${config.PORT} using ${where}.`)
    }),
  )

  closeWithGrace(
    {
      delay: 10_000,
      logger,
      // With several processes a SIGTERM may reach a worker twice (from the supervisor and from
      // the terminal or container): the first starts the shutdown, a second must not cut it short.
      onSecondSignal: (signal) => logger.info(`${signal} received again: still closing.`),
    },
    async ({ signal, err }) => {
      closing = true
      if (err) logger.error({ err }, 'Shutting down after an unexpected error.')
      else logger.info(`${signal ?? 'Shutdown'} received: closing.`)
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      await closeVite?.()
      stopMonitor?.()
      // No timer may reach the database once it is closed.
      await stopCleanup?.()
      await stopReminders?.()
      // A start-up still migrating or seeding holds the database: let it finish or fail first.
      await Promise.race([preparing, new Promise((resolve) => setTimeout(resolve, 5_000))])
      await connection?.close()
      registerDatabase(undefined)
      await stopWorkThreads?.()
    },
  )
}
