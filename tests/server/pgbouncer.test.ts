// Through a real PgBouncer in transaction pooling mode, where consecutive transactions of one
// client may run on different server connections: app servers starting at once migrate once,
// and the database tests of returns and exports pass.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connectDatabase, queryRows } from '#db/client.ts'
import { canRunPgBouncer, startPgBouncer } from '#tests/setup/pgbouncer.ts'
import { adminUrl, databaseUrlFor } from '#tests/setup/postgres.ts'
import { freePortBase, killServers, startServer, status, waitFor, within } from '#tests/setup/process.ts'

const databaseUrl = process.env.DATABASE_URL

describe.skipIf(!databaseUrl || !canRunPgBouncer)('behind PgBouncer in transaction pooling', () => {
  const port = freePortBase() + 50
  let bouncer: ReturnType<typeof startPgBouncer>
  beforeAll(() => {
    bouncer = startPgBouncer({ port, upstream: databaseUrl! })
  })
  afterAll(() => {
    killServers()
    bouncer?.stop()
  })

  test('two app servers starting at once on an empty database migrate it once and both serve', async () => {
    const name = `dtd_bouncer_${crypto.randomBytes(4).toString('hex')}`
    const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl!), maxConnections: 1 })
    await admin.db.execute(sql.raw(`create database ${name}`))
    try {
      const env = (n: number) => ({
        DATABASE_URL: bouncer.url(name),
        SESSION_SECRET: 'b'.repeat(40),
        WEB_CONCURRENCY: '1',
        PORT: String(port + n),
      })
      const servers = [startServer(env(1)), startServer(env(2))]
      for (const n of [1, 2]) {
        const ready = await waitFor(async () => (await status(`http://127.0.0.1:${port + n}/readyz`)) === 200, 90_000)
        expect(ready, servers[n - 1]!.output()).toBe(true)
      }
      // Checked straight on the database, not through the pooler.
      const direct = await connectDatabase({
        databaseUrl: databaseUrlFor(adminUrl(databaseUrl!), name),
        maxConnections: 1,
      })
      try {
        const journal = JSON.parse(fs.readFileSync('migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] }
        const [applied] = await queryRows<{ n: number; hashes: number }>(
          direct.db,
          sql`select count(*)::int as n, count(distinct hash)::int as hashes from drizzle.__drizzle_migrations`,
        )
        expect(applied).toEqual({ n: journal.entries.length, hashes: journal.entries.length })
        // The reference data once too: one row per line of the file, less its header.
        const units = fs.readFileSync('seed/reference/org-units.csv', 'utf8').trim().split('\n').length - 1
        const [loaded] = await queryRows<{ n: number }>(direct.db, sql`select count(*)::int as n from org_units`)
        expect(loaded!.n).toBe(units)
      } finally {
        await direct.close()
      }
      for (const server of servers) {
        expect(server.output()).not.toMatch(/"level":50/)
        server.child.kill('SIGTERM')
        expect(await within(server.exited, 15_000)).toBe(0)
      }
    } finally {
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`))
      await admin.close()
    }
  }, 150_000)

  test('the database tests of returns and exports pass through it', async () => {
    const child = spawn(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', 'tests/models/returns.test.ts', 'tests/models/exports.test.ts'],
      {
        env: {
          ...process.env,
          // Each test file's database is reached through the pooler; creating, copying and
          // dropping databases goes straight to the server.
          DATABASE_URL: bouncer.url(new URL(databaseUrl!).pathname.slice(1)),
          TEST_DATABASE_ADMIN_URL: databaseUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code, output.slice(-4000)).toBe(0)
    expect(output).toMatch(/Test Files\s+.*2 passed/)
  }, 400_000)
})
