// Faults: the database going away and coming back, the server killed during an upload, a full or
// read-only disk under the embedded database. Each runs against real processes, bounded in time.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import { TEST_PASSWORD } from '#tests/setup/client.ts'
import {
  canRunPrivatePostgres,
  freePortBase,
  killServers,
  privatePostgres,
  startServer,
  status,
  waitFor,
  within,
} from '#tests/setup/process.ts'

afterAll(killServers)
const BASE = freePortBase() + 10
const SESSION_SECRET = 's'.repeat(40)

/** Signs in over HTTP and returns a fetch that carries the session. */
async function signedIn(url: string, email: string) {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: TEST_PASSWORD, redirectTo: '/' }),
    redirect: 'manual',
  })
  if (response.status !== 302) throw new Error(`Sign-in failed with ${response.status}`)
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!
  return (pathname: string, init: RequestInit = {}) =>
    fetch(`${url}${pathname}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie, origin: url },
    })
}

function createUser(databaseUrl: string, email: string) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'app/cli/user-create.ts', '--email', email, '--role', 'national_lead'],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        SESSION_SECRET,
        LOG_LEVEL: 'silent',
      },
      input: TEST_PASSWORD,
      encoding: 'utf8',
    },
  )
  if (result.status !== 0) throw new Error(result.stderr)
}

async function count(databaseUrl: string, query: string) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return Number((await client.query(query)).rows[0].n)
  } finally {
    await client.end()
  }
}

describe.runIf(process.env.DATABASE_URL && canRunPrivatePostgres)('PostgreSQL going away', () => {
  test('pages answer 503 and /readyz false while it is down; the app recovers by itself and no committed figure is lost', async () => {
    const database = privatePostgres(BASE)
    try {
      const url = `http://127.0.0.1:${BASE + 1}`
      const server = startServer({ DATABASE_URL: database.url, SESSION_SECRET, PORT: String(BASE + 1) })
      expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 60_000)).toBe(true)
      createUser(database.url, 'lead@example.scot')
      const app = await signedIn(url, 'lead@example.scot')

      // A committed figure.
      const form = new URLSearchParams({ intent: 'save', version: '0', 'v.ccbt-adults.referrals': '40' })
      const saved = await app('/returns/S08000024/2025-06', {
        method: 'POST',
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(saved.status).toBe(302)

      database.stop()
      expect(await waitFor(async () => (await status(`${url}/readyz`)) === 503, 15_000)).toBe(true)
      const page = await app('/')
      expect(page.status, server.output()).toBe(503)
      expect(await page.text()).toContain('cannot reach its database')
      expect((await app('/returns/S08000024/2025-06')).status).toBe(503)
      expect(server.child.exitCode).toBeNull()

      database.start()
      expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 30_000)).toBe(true)
      expect((await app('/')).status).toBe(200)
      const again = await (await app('/returns/S08000024/2025-06')).text()
      expect(again).toContain('value="40"')
      expect(server.output()).toMatch(/Database unreachable at 127\.0\.0\.1/)
      expect(server.output()).toMatch(/Database reachable again/)
      server.child.kill('SIGTERM')
      expect(await within(server.exited, 10_000), server.output()).toBe(0)
    } finally {
      database.destroy()
    }
  }, 120_000)

  test('a server killed in the middle of committing an upload leaves nothing of it in the database', async () => {
    const database = privatePostgres(BASE + 2)
    try {
      const url = `http://127.0.0.1:${BASE + 3}`
      let server = startServer({ DATABASE_URL: database.url, SESSION_SECRET, PORT: String(BASE + 3) })
      expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 60_000)).toBe(true)
      createUser(database.url, 'lead@example.scot')
      const app = await signedIn(url, 'lead@example.scot')

      // 40,000 valid figures: every board, its services and measures, for many months.
      const boards = [
        'S08000015',
        'S08000016',
        'S08000017',
        'S08000029',
        'S08000019',
        'S08000020',
        'S08000031',
        'S08000022',
        'S08000032',
        'S08000024',
        'S08000025',
        'S08000026',
        'S08000030',
        'S08000028',
      ]
      const measures = [
        'referrals',
        'self_referrals',
        'started',
        'started_within_18_weeks',
        'completed',
        'waiting_at_month_end',
        'proms_paired',
        'proms_at_caseness',
        'proms_recovered',
        'proms_reliably_improved',
      ]
      const services = [
        'ccbt-adults',
        'ccbt-perinatal',
        'ccbt-cyp',
        'ccbt-ltc',
        'ccbt-higher-education',
        'ccbt-prisons',
        'iecbt',
      ]
      const lines = ['month,board_code,service,measure,value,comment']
      for (let m = 0; lines.length <= 40_000; m++) {
        const month = `${2021 + Math.floor((m + 3) / 12)}-${String(((m + 3) % 12) + 1).padStart(2, '0')}`
        for (const board of boards)
          for (const service of services)
            for (const measure of measures) lines.push(`${month},${board},${service},${measure},25,`)
      }
      const body = new FormData()
      body.set('file', new Blob([lines.join('\r\n')], { type: 'text/csv' }), 'big.csv')
      const preview = await (await app('/returns/upload', { method: 'POST', body })).text()
      const uploadId = /name="uploadId" value="([^"]+)"/.exec(preview)?.[1]
      expect(uploadId, preview.slice(0, 300)).toBeTruthy()

      const before = await count(database.url, 'select count(*) as n from return_values')
      const commit = app('/returns/upload', {
        method: 'POST',
        body: new URLSearchParams({ uploadId: uploadId! }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }).then(
        () => 'answered',
        () => 'cut off',
      )
      // Killed while the commit's transaction writes its figures: a transaction that has
      // written something (it has an id) and is at a statement on return_values.
      const watcher = new pg.Client({ connectionString: database.url })
      await watcher.connect()
      const writing = async () =>
        Number(
          (
            await watcher.query(
              `select count(*) as n from pg_stat_activity where pid <> pg_backend_pid() and backend_xid is not null and query like '%return_values%'`,
            )
          ).rows[0].n,
        ) > 0
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline && !(await writing()));
      server.child.kill('SIGKILL')
      await watcher.end()
      expect(await commit).toBe('cut off')

      server = startServer({ DATABASE_URL: database.url, SESSION_SECRET, PORT: String(BASE + 3) })
      expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 60_000)).toBe(true)
      expect(await count(database.url, 'select count(*) as n from return_values')).toBe(before)
      expect(await count(database.url, 'select count(*) as n from uploads where committed_at is not null')).toBe(0)
      server.child.kill('SIGTERM')
      await within(server.exited, 10_000)
    } finally {
      database.destroy()
    }
  }, 180_000)
})

/** Mounting needs privileges that some machines lack: these tests then say so and skip. */
const canMount = (() => {
  if (process.getuid?.() !== 0) return false
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-mount-'))
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0
  if (ok) spawnSync('umount', [dir])
  fs.rmdirSync(dir)
  return ok
})()

describe.runIf(!process.env.DATABASE_URL && canMount)('the embedded database’s disk', () => {
  test('a full disk gives a clear error, exits, and leaves no half-made database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-full-'))
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir])
    try {
      const server = startServer({ DATA_DIR: path.join(dir, 'data'), PORT: String(BASE + 4) })
      expect(await within(server.exited, 60_000)).toBe(1)
      expect(server.output()).toMatch(/disk holding the data directory .* is full/)
      expect(fs.existsSync(path.join(dir, 'data', 'pglite'))).toBe(false)
    } finally {
      spawnSync('umount', [dir])
      fs.rmdirSync(dir)
    }
  }, 90_000)

  test('a read-only data directory gives a clear error, and the data in it is intact afterwards', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-ro-data-'))
    const url = `http://127.0.0.1:${BASE + 5}`
    const first = startServer({ DATA_DIR: dataDir, PORT: String(BASE + 5) })
    expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 90_000)).toBe(true)
    first.child.kill('SIGTERM')
    expect(await within(first.exited, 10_000)).toBe(0)

    const readOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-ro-'))
    spawnSync('mount', ['--bind', '-o', 'ro', dataDir, readOnly])
    spawnSync('mount', ['-o', 'remount,bind,ro', readOnly])
    try {
      const refused = startServer({ DATA_DIR: readOnly, PORT: String(BASE + 6) })
      expect(await within(refused.exited, 30_000)).toBe(1)
      expect(refused.output()).toMatch(/cannot be written to \(it is read-only or not permitted\)/)
    } finally {
      spawnSync('umount', [readOnly])
      fs.rmdirSync(readOnly)
    }

    // The same directory, writable again, opens with its data.
    const again = startServer({ DATA_DIR: dataDir, PORT: String(BASE + 5) })
    expect(await waitFor(async () => (await status(`${url}/readyz`)) === 200, 60_000)).toBe(true)
    const login = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'national.lead@demo.scot', password: 'scotland-demo-2026' }),
      redirect: 'manual',
    })
    expect(login.status).toBe(302)
    again.child.kill('SIGTERM')
    expect(await within(again.exited, 10_000)).toBe(0)
  }, 180_000)
})
