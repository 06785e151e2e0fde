// Every setting of the product, read once from the environment and checked. The README's
// "Configuration" section documents each of them.
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'

const POSTGRES_URL = /^postgres(ql)?:\/\//
/** Names express accepts for well-known address ranges. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * TRUST_PROXY: which peers may tell us the client's address in X-Forwarded-For. A number is how
 * many proxies stand in front of the app (the address that many hops back is the client's);
 * otherwise a comma-separated list of addresses, CIDR ranges or the names loopback, linklocal
 * and uniquelocal. Unset or 0: none, so the header is ignored and the peer's address is used.
 * "true" (trust everyone) is refused: anyone could then choose their own address.
 */
const TrustProxySchema = z
  .string()
  .trim()
  .optional()
  .transform((value, context): false | number | string[] => {
    if (!value || value === '0' || value === 'false') return false
    if (/^\d+$/.test(value)) return Number(value)
    const entries = value.split(',').map((entry) => entry.trim())
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/')
      const family = net.isIP(address ?? '')
      const validBits =
        bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32) && extra === undefined)
      if (!PROXY_RANGES.has(entry) && !(family && validBits)) {
        context.addIssue({
          code: 'custom',
          message: `must be a number of proxies, or addresses, CIDR ranges or loopback/linklocal/uniquelocal separated by commas ("${entry}" is none of these)`,
        })
        return z.NEVER
      }
    }
    return entries
  })

const EnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(POSTGRES_URL, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Read replicas, comma-separated: dashboards, exports and the API read there when current. */
  DATABASE_REPLICA_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(',')
            .map((url) => url.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(z.string().regex(POSTGRES_URL, 'must be postgres:// addresses separated by commas'))),
  /** Connections each app process keeps to the primary (and to each replica). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(10),
  /** App processes; unset: one per core on PostgreSQL, always one on the embedded database. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /**
   * Threads each app process runs its longest work on (disclosure control, workbooks), beside the
   * one serving requests; 0: on that one.
   */
  WORK_THREADS: z.coerce.number().int().min(0).max(64).default(1),
  TRUST_PROXY: TrustProxySchema,
  /** Bearer token that /metrics requires; unset: /metrics does not exist (404). */
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PUBLIC_ORIGIN: z
    .string()
    .url('must be an origin such as https://dashboard.example.scot')
    .transform((value) => new URL(value).origin)
    .optional(),
  SDC_THRESHOLD: z.coerce.number().int().min(1).max(100).default(4),
  RETURN_DEADLINE_DAY: z.coerce.number().int().min(1).max(28).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The mail server reminders go through; unset: nothing is e-mailed (and the app says so). */
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.scot:587')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The sender of reminders, e.g. `Digital Therapies Programme <dashboard@example.scot>`. */
  MAIL_FROM: z
    .string()
    .trim()
    .regex(/@/, 'must be an e-mail address, optionally with a name: Name <address@example.scot>')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Days before a return's deadline that its board's leads are reminded. */
  REMINDER_DAYS: z.coerce.number().int().min(1).max(27).default(5),
})

export type Config = Omit<z.infer<typeof EnvSchema>, 'WEB_CONCURRENCY'> & {
  SESSION_SECRET: string
  /** App processes to run: always 1 on the embedded database (one process owns its folder). */
  WEB_CONCURRENCY: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and checks the environment; a bad setting stops the start with the variable named. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`)
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  }
  const config = parsed.data
  if (config.DATABASE_URL && !config.SESSION_SECRET) {
    throw new ConfigError(
      'SESSION_SECRET is required with DATABASE_URL (at least 32 random characters, the same on every app server).',
    )
  }
  if (config.SMTP_URL && !config.MAIL_FROM) {
    throw new ConfigError(
      'MAIL_FROM is required with SMTP_URL: the address reminders are sent from, e.g. dashboard@example.scot.',
    )
  }
  if (config.DATABASE_REPLICA_URL.length > 0 && !config.DATABASE_URL) {
    throw new ConfigError(
      'DATABASE_REPLICA_URL needs DATABASE_URL: replicas are read replicas of a PostgreSQL primary.',
    )
  }
  return {
    ...config,
    WEB_CONCURRENCY: config.DATABASE_URL ? (config.WEB_CONCURRENCY ?? os.availableParallelism()) : 1,
    SESSION_SECRET: config.SESSION_SECRET ?? embeddedSessionSecret(config.DATA_DIR),
  }
}

/** For the embedded default, a secret generated once and kept beside the database. */
function embeddedSessionSecret(dataDir: string) {
  const file = path.resolve(dataDir, 'session-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const secret = crypto.randomBytes(32).toString('hex')
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' })
    return secret
  }
}

const CONFIG_KEY = Symbol.for('digital-therapies.config')
type Registry = { [CONFIG_KEY]?: Config }

/** The configuration the server started with (read from the environment if none was set). */
export function getConfig(): Config {
  const registry = globalThis as Registry
  registry[CONFIG_KEY] ??= readConfig()
  return registry[CONFIG_KEY]
}

export function setConfig(config: Config) {
  ;(globalThis as Registry)[CONFIG_KEY] = config
}
