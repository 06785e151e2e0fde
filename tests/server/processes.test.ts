// WEB_CONCURRENCY app processes as an operator runs them: real processes on the production build.
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, test } from 'vitest'
import { connectDatabase } from '#db/client.ts'
import { adminUrl, databaseUrlFor } from '#tests/setup/postgres.ts'
import { freePortBase, killServers, startServer, status, waitFor, within } from '#tests/setup/process.ts'

afterAll(killServers)
const BASE_PORT = freePortBase() + 60
const TOKEN = 'metrics-token-for-the-process-test'

/** The app processes the supervisor has started (not helpers such as tsx's esbuild service). */
function childrenOf(pid: number) {
  const out = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout
  return out
    .split('\n')
    .filter((line) => line.includes('server.ts'))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter(Boolean)
}

/** Every process, as a tree: what a failed check of the children saw. */
const processTree = () => spawnSync('ps', ['-ef', '--forest'], { encoding: 'utf8' }).stdout

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.skipIf(!process.env.DATABASE_URL)('WEB_CONCURRENCY=2 on PostgreSQL', () => {
  test('two processes share the port and their metrics; a dead one is replaced; the first SIGTERM closes all', async () => {
    const databaseUrl = process.env.DATABASE_URL!
    const name = `dtd_processes_${crypto.randomBytes(4).toString('hex')}`
    const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl), maxConnections: 1 })
    await admin.db.execute(sql.raw(`create database ${name}`))
    try {
      const url = `http://127.0.0.1:${BASE_PORT}`
      const server = startServer({
        DATABASE_URL: databaseUrlFor(adminUrl(databaseUrl), name),
        SESSION_SECRET: 'p'.repeat(40),
        WEB_CONCURRENCY: '2',
        METRICS_TOKEN: TOKEN,
        PORT: String(BASE_PORT),
      })
      expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 90_000), server.output()).toBe(true)
      expect(
        await waitFor(async () => childrenOf(server.child.pid!).length === 2, 30_000),
        `children ${childrenOf(server.child.pid!).join(', ')}\n${processTree()}\n${server.output()}`,
      ).toBe(true)
      // Both ready: each logs it once.
      expect(await waitFor(async () => server.output().split('Database ready').length - 1 === 2, 30_000)).toBe(true)

      // Twenty sign-in pages, spread over both processes; /metrics, answered by either, counts all 20.
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${url}/login`, { headers: { connection: 'close' } })
        await response.text()
      }
      const metrics = await (
        await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' } })
      ).text()
      const count =
        /^http_request_duration_seconds_count\{method="GET",route="\/login",status_code="200"\} (\d+)$/m.exec(metrics)
      expect(Number(count?.[1])).toBe(20)

      // A process that dies is replaced, and the port keeps answering meanwhile.
      // (node:cluster loses a connection handed to a worker in the instant it dies, so the check
      // of the port waits until the supervisor has seen the death.)
      const [victim] = childrenOf(server.child.pid!)
      process.kill(victim!, 'SIGKILL')
      const death = new RegExp(`App process ${victim} exited \\(SIGKILL\\): starting another`)
      expect(await waitFor(async () => death.test(server.output()), 10_000), server.output()).toBe(true)
      expect(await status(`${url}/healthz`)).toBe(200)
      expect(
        await waitFor(async () => {
          const now = childrenOf(server.child.pid!)
          return now.length === 2 && !now.includes(victim!)
        }, 30_000),
      ).toBe(true)
      expect(await waitFor(async () => server.output().split('Database ready').length - 1 === 3, 30_000)).toBe(true)

      // The first SIGTERM closes every process gracefully, and the supervisor exits 0.
      const workers = childrenOf(server.child.pid!)
      server.child.kill('SIGTERM')
      expect(await within(server.exited, 20_000)).toBe(0)
      expect(workers.filter(alive)).toEqual([])
      expect(server.output()).toContain('Every app process has closed.')
      expect(server.output().split('SIGTERM received: closing.').length - 1).toBe(2)
    } finally {
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`))
      await admin.close()
    }
  }, 180_000)
})

describe.skipIf(Boolean(process.env.DATABASE_URL))('WEB_CONCURRENCY on the embedded database', () => {
  test('runs one process, says so, and closes on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-data-'))
    const port = BASE_PORT + 1
    const server = startServer({ DATA_DIR: dataDir, PORT: String(port), WEB_CONCURRENCY: '4' })
    expect(await waitFor(async () => (await status(`http://127.0.0.1:${port}/readyz`)) === 200, 90_000)).toBe(true)
    expect(childrenOf(server.child.pid!)).toEqual([])
    expect(server.output()).toContain('WEB_CONCURRENCY is ignored on the embedded database')
    server.child.kill('SIGTERM')
    expect(await within(server.exited, 10_000)).toBe(0)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }, 120_000)
})
