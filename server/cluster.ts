// WEB_CONCURRENCY app processes on one port (node:cluster). This process serves nothing itself:
// it starts the workers, replaces one that dies, gathers their metrics for /metrics, and on the
// first SIGTERM or SIGINT asks every worker to close gracefully and exits once they all have.
import cluster, { type Worker } from 'node:cluster'
import type pino from 'pino'
import { aggregateWorkerMetrics } from './metrics.ts'

/** A worker that dies sooner than this after starting counts as failing to start. */
const EARLY_EXIT_MS = 10_000
/** Longest wait before starting a worker again after repeated failures. */
const MAX_RESTART_DELAY_MS = 30_000
/** Workers close within their own 10 s grace; after this they are killed. */
const SHUTDOWN_TIMEOUT_MS = 15_000

export function superviseWorkers({
  processes,
  logger,
  port,
}: {
  processes: number
  logger: pino.Logger
  port: number
}) {
  let shuttingDown = false
  let failuresInARow = 0
  const started = new Map<Worker, number>()

  const fork = () => {
    const worker = cluster.fork()
    started.set(worker, Date.now())
  }

  aggregateWorkerMetrics()
  logger.info(`Starting ${processes} app processes on port ${port}.`)
  for (let i = 0; i < processes; i++) fork()

  cluster.on('listening', () => {
    failuresInARow = 0
  })

  cluster.on('exit', (worker, code, signal) => {
    const since = started.get(worker) ?? 0
    started.delete(worker)
    if (shuttingDown) {
      if (started.size === 0) {
        logger.info('Every app process has closed.')
        process.exit(0)
      }
      return
    }
    failuresInARow = Date.now() - since < EARLY_EXIT_MS ? failuresInARow + 1 : 0
    const delay = failuresInARow === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** failuresInARow)
    logger.error(
      { pid: worker.process.pid, code, signal },
      `App process ${worker.process.pid} exited (${signal ?? `code ${code}`}): starting another${delay ? ` in ${delay / 1000} s` : ''}.`,
    )
    setTimeout(() => {
      if (!shuttingDown) fork()
    }, delay).unref()
  })

  const shutDown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.info(`${signal} received again: still waiting for the app processes to close.`)
      return
    }
    shuttingDown = true
    logger.info(`${signal} received: closing ${started.size} app processes.`)
    if (started.size === 0) process.exit(0)
    for (const worker of started.keys()) worker.process.kill('SIGTERM')
    setTimeout(() => {
      logger.error(`App processes still open after ${SHUTDOWN_TIMEOUT_MS / 1000} s: killing them.`)
      for (const worker of started.keys()) worker.process.kill('SIGKILL')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
  }
  process.on('SIGTERM', shutDown)
  process.on('SIGINT', shutDown)
}
