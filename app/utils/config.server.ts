// Every setting of the product, read once from the environment and checked. The README's
// "Configuration" section documents each of them.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const EnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
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
})

export type Config = z.infer<typeof EnvSchema> & { SESSION_SECRET: string }

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
  return { ...config, SESSION_SECRET: config.SESSION_SECRET ?? embeddedSessionSecret(config.DATA_DIR) }
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
