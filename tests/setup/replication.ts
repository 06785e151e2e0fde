// A PostgreSQL primary and a streaming standby of the test's own (PostgreSQL's binaries, private
// ports, temporary directories), for the read-replica tests.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { canRunPrivatePostgres } from './process.ts'

const PG_ROOT = '/usr/lib/postgresql'
const PG_BIN = fs.existsSync(PG_ROOT) ? path.join(PG_ROOT, fs.readdirSync(PG_ROOT)[0]!, 'bin') : ''

export const canRunReplication = canRunPrivatePostgres && fs.existsSync(path.join(PG_BIN, 'pg_basebackup'))

function asPostgres(command: string, args: string[]) {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, command), ...args], {
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`)
}

function id(flag: '-u' | '-g') {
  return Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
}

export function startReplication(port: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-replication-'))
  fs.chownSync(dir, id('-u'), id('-g'))
  const primaryData = `${dir}/primary`
  const standbyData = `${dir}/standby`
  const start = (data: string, p: number) =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${p} -k ${dir} -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=4`,
      '-l',
      `${data}.log`,
      'start',
      '-w',
    ])
  const stop = (data: string) => asPostgres('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w'])
  asPostgres('initdb', ['-D', primaryData, '-A', 'trust', '-U', 'postgres'])
  start(primaryData, port)
  // A copy of the primary that streams its changes from then on (-R writes the standby settings).
  asPostgres('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'postgres',
    '-D',
    standbyData,
    '-R',
    '-X',
    'stream',
  ])
  start(standbyData, port + 1)
  const primaryUrl = `postgres://postgres@127.0.0.1:${port}/postgres`
  const standbyUrl = `postgres://postgres@127.0.0.1:${port + 1}/postgres`

  const query = async <T>(url: string, text: string) => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query(text)).rows as T[]
    } finally {
      await client.end()
    }
  }
  return {
    primaryUrl,
    standbyUrl,
    /** Stops replaying what it receives: the standby falls behind from the next write on. */
    pause: () => query(standbyUrl, 'select pg_wal_replay_pause()'),
    resume: () => query(standbyUrl, 'select pg_wal_replay_resume()'),
    /** Whether the standby has replayed everything the primary has written. */
    async caughtUp() {
      const [written] = await query<{ lsn: string }>(primaryUrl, 'select pg_current_wal_insert_lsn()::text as lsn')
      const [replayed] = await query<{ ok: boolean }>(
        standbyUrl,
        `select pg_last_wal_replay_lsn() >= '${written!.lsn}'::pg_lsn as ok`,
      )
      return replayed!.ok
    },
    stopStandby: () => stop(standbyData),
    destroy() {
      for (const data of [standbyData, primaryData]) {
        try {
          stop(data)
        } catch {
          // Already stopped.
        }
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
