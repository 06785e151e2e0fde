// Real server processes for tests that start, stop, break and kill them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const children: ChildProcess[] = []

/** Kills any server a test left running. */
export function killServers() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

export function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    // One app process unless the test asks for more: on PostgreSQL the default is one per core,
    // and a test that checks /readyz, then a page, must reach the same process both times.
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'info', WEB_CONCURRENCY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check().catch(() => false)) return true
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return false
}

/** The status of one request on a connection of its own; a server that never answers fails it in 10 s. */
export const status = (url: string) =>
  fetch(url, { redirect: 'manual', headers: { connection: 'close' }, signal: AbortSignal.timeout(10_000) }).then(
    (r) => r.status,
  )

export const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))])

/**
 * Ports of their own, so two test runs on one machine do not collide: a base from 10,000 to
 * 24,999, and the tests use it plus at most 61. That stays below the range the system picks the
 * local ports of outgoing connections from (32768 and up on Linux): a server told to listen on a
 * port that a connection to PostgreSQL happens to hold fails with EADDRINUSE. It also stays below
 * 25672, a port RabbitMQ commonly holds.
 */
export function freePortBase() {
  return 10_000 + (process.pid % 15_000)
}

const PG_BIN = fs.existsSync('/usr/lib/postgresql')
  ? path.join('/usr/lib/postgresql', fs.readdirSync('/usr/lib/postgresql')[0]!, 'bin')
  : ''

/** Whether this machine can run a private PostgreSQL (the binaries, and root to run it as postgres). */
export const canRunPrivatePostgres = Boolean(PG_BIN) && process.getuid?.() === 0

/**
 * A PostgreSQL server of the test's own, in a temporary directory on its own port, that the test
 * may stop and start without disturbing the shared one the rest of the suite uses.
 */
export function privatePostgres(port: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-pg-'))
  fs.chownSync(dir, uidOf('postgres'), gidOf('postgres'))
  const asPostgres = (command: string, args: string[]) => {
    const result = spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, command), ...args], {
      encoding: 'utf8',
    })
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`)
  }
  asPostgres('initdb', ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres'])
  const start = () =>
    asPostgres('pg_ctl', [
      '-D',
      `${dir}/data`,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-l',
      `${dir}/log`,
      'start',
      '-w',
    ])
  const stop = () => asPostgres('pg_ctl', ['-D', `${dir}/data`, 'stop', '-m', 'fast', '-w'])
  start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop()
      } catch {
        // Already stopped.
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

function uidOf(user: string) {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim())
}
function gidOf(user: string) {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim())
}
