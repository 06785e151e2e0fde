import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { TestProject } from 'vitest/node'
import { connectDatabase } from '#db/client.ts'
import { ensureProductionBuild } from '../../server/build.ts'
import { adminUrl, databaseUrlFor } from '../setup/postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
  }
}

/**
 * A port nobody holds now, chosen by the system: a port derived from the process id could be one
 * a connection on this machine happens to be using, and the server would not start.
 */
function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

export default async function setup(project: TestProject) {
  const PORT = Number(process.env.E2E_PORT) || (await freePort())
  ensureProductionBuild((message) => console.log(message))
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-e2e-'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    PORT: String(PORT),
    LOG_LEVEL: 'warn',
  }
  // With DATABASE_URL, the same journeys on PostgreSQL: a new database on that server with the
  // demo data and accounts, served by two app processes, dropped afterwards.
  const databaseUrl = process.env.DATABASE_URL
  const database = databaseUrl ? `dtd_e2e_${crypto.randomBytes(4).toString('hex')}` : undefined
  if (databaseUrl && database) {
    const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl), maxConnections: 1 })
    await admin.db.execute(sql.raw(`create database ${database}`))
    await admin.close()
    Object.assign(env, {
      DATABASE_URL: databaseUrlFor(databaseUrl, database),
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      WEB_CONCURRENCY: '2',
    })
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'seed/cli.ts', '--demo'], { env, encoding: 'utf8' })
    if (seeded.status !== 0) throw new Error(`Loading the demo data failed: ${seeded.stderr}`)
  }
  const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const baseUrl = `http://localhost:${PORT}`
  const until = Date.now() + 150_000
  for (;;) {
    const ok = await fetch(`${baseUrl}/readyz`)
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) break
    if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}`)
    if (Date.now() > until) throw new Error('The server was not ready within 150 s')
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  project.provide('baseUrl', baseUrl)
  return async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (databaseUrl && database) {
      const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl), maxConnections: 1 })
      await admin.db.execute(sql.raw(`drop database if exists ${database} with (force)`))
      await admin.close()
    }
  }
}
