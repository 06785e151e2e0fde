// The load test: the production server in a process of its own, on the demo data, under 50
// concurrent connections of signed-in users reading the overview and a board's page, a script
// reading the API with a token, and board leads saving their returns, all at once. The ceiling
// is the same server's trivial route (/healthz) under the same load, in the same run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { lastCompleteMonth } from '#app/utils/dates.ts'
import { DEMO_PASSWORD, demoBoardLeadEmail } from '#seed/demo.ts'
import { readReferenceData } from '#seed/reference.ts'

export interface LoadGroup {
  name: string
  connections: number
  requests: number
  requestsPerSecond: number
  p50: number
  p95: number
  p99: number
  /** Requests that failed: connection errors, timeouts among them, and unexpected statuses. */
  errors: number
  timeouts: number
  statuses: Record<string, number>
}

export interface LoadResult {
  engine: 'PGlite' | 'PostgreSQL'
  /** App processes serving (WEB_CONCURRENCY). */
  processes: number
  seconds: number
  trivial: LoadGroup
  dashboardsAlone: LoadGroup
  mixed: LoadGroup[]
}

const SAVING_LEADS = 10
const DASHBOARD_CONNECTIONS = 30
const API_CONNECTIONS = 10

function percentile(sorted: number[], p: number) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

interface Measured {
  times: number[]
  statuses: Record<string, number>
  errors: number
  timeouts: number
}

/** Runs one autocannon instance, keeping every response's own time and status. */
async function run(options: autocannon.Options, expected: (status: number) => boolean): Promise<Measured> {
  const times: number[] = []
  const statuses: Record<string, number> = {}
  let unexpected = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, outcome) => (error ? reject(error) : resolve(outcome)))
    instance.on('response', (_client, status, _bytes, responseTime) => {
      times.push(responseTime)
      statuses[status] = (statuses[status] ?? 0) + 1
      if (!expected(status)) unexpected++
    })
  })
  // autocannon counts a timeout among its errors too (and answers it with no response).
  return { times, statuses, errors: result.errors + unexpected, timeouts: result.timeouts }
}

/** One line of the report: several runs taken together. */
function summarise(name: string, connections: number, seconds: number, runs: Measured[]): LoadGroup {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b)
  const statuses: Record<string, number> = {}
  for (const r of runs) for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n
  return {
    name,
    connections,
    requests: times.length,
    requestsPerSecond: times.length / seconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
    statuses,
  }
}

async function waitForReady(url: string, child: ChildProcess, seconds: number) {
  const until = Date.now() + seconds * 1000
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}`)
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error('The server was not ready in time')
}

async function signIn(url: string, email: string) {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: {
      origin: url,
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 200)}`,
    },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: '/' }),
    redirect: 'manual',
  })
  if (response.status !== 302) throw new Error(`Signing in as ${email} answered ${response.status}`)
  return response.headers.get('set-cookie')!.split(';')[0]!
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

export async function benchLoad({
  databaseUrl,
  seconds = 15,
  processes = 1,
}: {
  databaseUrl?: string
  seconds?: number
  /** WEB_CONCURRENCY: app processes on one port (PostgreSQL only). */
  processes?: number
}): Promise<LoadResult> {
  // Below the local ports of outgoing connections (32768 and up), and the tests' ports.
  const port = 26_000 + (process.pid % 5_000) + processes
  const url = `http://127.0.0.1:${port}`
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-load-'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    WEB_CONCURRENCY: String(processes),
    // The load generator signs its users in from many addresses (X-Forwarded-For), as a proxy on
    // this machine would report them.
    TRUST_PROXY: 'loopback',
  }
  if (databaseUrl) {
    env.DATABASE_URL = databaseUrl
    env.SESSION_SECRET = 'load-test-secret-load-test-secret-01'
    // PostgreSQL gets the demo data and accounts only when asked.
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'seed/cli.ts', '--demo'], { env, encoding: 'utf8' })
    if (seeded.status !== 0) throw new Error(`Seeding failed: ${seeded.stderr}`)
  }
  const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    await waitForReady(url, server, 180)
    const month = lastCompleteMonth()
    const boards = readReferenceData()
      .orgUnits.filter((u) => u.kind === 'board')
      .slice(0, SAVING_LEADS)
    const analyst = await signIn(url, 'analyst@demo.scot')
    const national = await signIn(url, 'national.lead@demo.scot')
    // An API token for the script, created through the page as a person would.
    const tokenPage = await fetch(`${url}/account/tokens`, {
      method: 'POST',
      headers: { cookie: analyst, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ intent: 'create', name: 'Load test', scope: 'read', expiresIn: '30' }),
    }).then((r) => r.text())
    const token = /<code class="app-token">([^<]+)<\/code>/.exec(tokenPage)?.[1]
    if (!token) throw new Error('Could not create an API token')
    // Each saving board's month is opened again if it was approved, so its lead may save.
    const leads: Array<{ code: string; cookie: string }> = []
    for (const board of boards) {
      const page = await fetch(`${url}/returns/${board.code}/${month}`, { headers: { cookie: national } }).then((r) =>
        r.text(),
      )
      const version = /name="version" value="(\d+)"/.exec(page)?.[1]
      if (page.includes('Reopen month') && version) {
        await fetch(`${url}/returns/${board.code}/${month}`, {
          method: 'POST',
          headers: { cookie: national, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
          body: form({ intent: 'reopen', version, reason: 'Load test' }),
          redirect: 'manual',
        })
      }
      leads.push({ code: board.code, cookie: await signIn(url, demoBoardLeadEmail(board.name)) })
    }

    const ok = (status: number) => status >= 200 && status < 400
    const trivial = summarise('trivial route /healthz', 50, seconds, [
      await run({ url: `${url}/healthz`, connections: 50, duration: seconds }, ok),
    ])
    const dashboardRequests = [
      { method: 'GET' as const, path: '/', headers: { cookie: analyst } },
      { method: 'GET' as const, path: '/boards/S08000024', headers: { cookie: analyst } },
    ]
    const dashboardsAlone = summarise('dashboards alone (/ and /boards/:code)', 50, seconds, [
      await run({ url, connections: 50, duration: seconds, requests: dashboardRequests }, ok),
    ])

    const saving = leads.map((lead, i) =>
      run(
        {
          url,
          connections: 1,
          duration: seconds,
          requests: [
            {
              method: 'GET',
              path: `/returns/${lead.code}/${month}`,
              headers: { cookie: lead.cookie },
              onResponse: (_status: number, body: string, context: Record<string, string>) => {
                context.version = /name="version" value="(\d+)"/.exec(body)?.[1] ?? '0'
              },
            },
            {
              method: 'POST',
              path: `/returns/${lead.code}/${month}`,
              setupRequest: (request: Record<string, unknown>, context: Record<string, string>) => ({
                ...request,
                headers: { cookie: lead.cookie, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
                body: form({
                  intent: 'save',
                  version: context.version ?? '0',
                  reason: 'Load test',
                  // A measure in no relation and with no breakdown by category, so that any value
                  // saves; the API below reads it, so every save changes what the API serves.
                  'v.ccbt-adults.waiting_at_month_end': String(50 + ((i * 7 + Date.now()) % 50)),
                }),
              }),
            },
          ],
        } as autocannon.Options,
        // A save is answered with a redirect; a 409 would mean two saves met, which cannot
        // happen with one connection per board.
        ok,
      ),
    )
    const [dashboards, api, ...savers] = await Promise.all([
      run({ url, connections: DASHBOARD_CONNECTIONS, duration: seconds, requests: dashboardRequests }, ok),
      run(
        {
          url: `${url}/api/v1/activity?service=ccbt-adults&measure=waiting_at_month_end&grain=fq&format=json`,
          connections: API_CONNECTIONS,
          duration: seconds,
          headers: { authorization: `Bearer ${token}` },
        },
        ok,
      ),
      ...saving,
    ])
    return {
      engine: databaseUrl ? 'PostgreSQL' : 'PGlite',
      processes,
      seconds,
      trivial,
      dashboardsAlone,
      mixed: [
        summarise('dashboards (/ and /boards/:code)', DASHBOARD_CONNECTIONS, seconds, [dashboards!]),
        summarise('API with a token (/api/v1/activity)', API_CONNECTIONS, seconds, [api!]),
        summarise(
          `board leads saving returns (${savers.length} boards, one connection each)`,
          savers.length,
          seconds,
          savers,
        ),
      ],
    }
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
