// The production server: express around the Remix request handler, with the security headers,
// the origin check, health checks, logs, metrics and graceful shutdown the product needs.
// `npm start` runs it on the production build; `npm run dev` on Vite's development server.
// With WEB_CONCURRENCY above 1 (PostgreSQL only) this process supervises that many app
// processes sharing the port (server/cluster.ts); otherwise it is the one app process.
import cluster from 'node:cluster'
import { ConfigError, readConfig, setConfig } from '#app/utils/config.server.ts'
import { getLogger } from '#app/utils/logger.server.ts'
import { ensureProductionBuild } from './server/build.ts'

let config: ReturnType<typeof readConfig>
try {
  config = readConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
setConfig(config)
// React and Remix read NODE_ENV from the environment when the build loads: make it agree with
// the configuration, so production never renders React's development build.
process.env.NODE_ENV = config.NODE_ENV
const logger = getLogger()
const development = config.NODE_ENV !== 'production'

if (cluster.isPrimary && !config.DATABASE_URL && Number(process.env.WEB_CONCURRENCY) > 1) {
  logger.warn('WEB_CONCURRENCY is ignored on the embedded database, which belongs to one process: running one.')
}
// Development runs Vite's server in the process: one process.
const processes = development ? 1 : config.WEB_CONCURRENCY

if (cluster.isPrimary && processes > 1) {
  // Built once here, before the workers start, so they never build over each other.
  ensureProductionBuild((message) => logger.info(message))
  const { superviseWorkers } = await import('./server/cluster.ts')
  superviseWorkers({ processes, logger, port: config.PORT })
} else {
  const { serve } = await import('./server/serve.ts')
  await serve(config, logger, { worker: cluster.isWorker })
}
