// The server as a newcomer runs it: a real process on the real production build.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { freePortBase, killServers, startServer, status, waitFor, within } from '#tests/setup/process.ts'

afterAll(killServers)
const BASE_PORT = freePortBase()

describe('on the embedded database', () => {
  test('serves, refuses a second process on the same folder, and exits on the first SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-data-'))
    const first = startServer({ DATA_DIR: dataDir, PORT: String(BASE_PORT) })
    expect(await waitFor(async () => (await status(`http://127.0.0.1:${BASE_PORT}/readyz`)) === 200, 90_000)).toBe(true)

    const second = startServer({ DATA_DIR: dataDir, PORT: String(BASE_PORT + 1) })
    expect(await within(second.exited, 15_000)).toBe(1)
    expect(second.output()).toMatch(/already in use by another process \(pid \d+\)/)
    expect(second.output()).toMatch(/set DATA_DIR to a different folder/)
    // The first server is untouched.
    expect(await status(`http://127.0.0.1:${BASE_PORT}/readyz`)).toBe(200)

    first.child.kill('SIGTERM')
    expect(await within(first.exited, 10_000)).toBe(0)
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false)
  }, 120_000)
})

describe('with a DATABASE_URL that cannot be reached', () => {
  test('keeps running, names the host, answers /readyz 503 and exits on SIGTERM', async () => {
    const server = startServer({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
      SESSION_SECRET: 'a'.repeat(40),
      PORT: String(BASE_PORT + 2),
    })
    const url = `http://127.0.0.1:${BASE_PORT + 2}`
    expect(await waitFor(async () => (await status(`${url}/healthz`)) === 200, 60_000)).toBe(true)
    expect(await status(`${url}/readyz`)).toBe(503)
    const page = await fetch(`${url}/`)
    expect(page.status).toBe(503)
    expect(await page.text()).toContain('cannot reach its database')
    expect(await waitFor(async () => server.output().includes('127.0.0.1:1/nowhere'), 10_000)).toBe(true)
    expect(server.output()).not.toContain('postgres@')
    expect(server.child.exitCode).toBeNull()

    server.child.kill('SIGTERM')
    expect(await within(server.exited, 10_000)).toBe(0)
  }, 90_000)
})
