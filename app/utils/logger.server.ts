import pino from 'pino'
import { getConfig } from './config.server.ts'

/**
 * Structured JSON logs on stdout. Secrets never reach them: cookies, authorisation headers,
 * passwords and tokens are redacted wherever they appear.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.sessionId',
  'password',
  'token',
]

export function createLogger(destination?: pino.DestinationStream) {
  return pino(
    {
      level: getConfig().LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'digital-therapies-dashboard' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}

// One logger per process, shared by server.ts and the Remix build (which bundles its own copy
// of this module) through a global registry.
const LOGGER_KEY = Symbol.for('digital-therapies.logger')
type Registry = { [LOGGER_KEY]?: pino.Logger }

export function getLogger(): pino.Logger {
  const registry = globalThis as Registry
  registry[LOGGER_KEY] ??= createLogger()
  return registry[LOGGER_KEY]
}

export function setLogger(logger: pino.Logger) {
  ;(globalThis as Registry)[LOGGER_KEY] = logger
}
