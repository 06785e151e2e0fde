// A PgBouncer of the test's own in transaction pooling mode, on a private port in a temporary
// directory, in front of the PostgreSQL the suite uses. Debian's package: apt-get install pgbouncer.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const PGBOUNCER = '/usr/sbin/pgbouncer'

/** PgBouncer refuses to run as root, so it runs as postgres, which needs root to switch to. */
export const canRunPgBouncer = fs.existsSync(PGBOUNCER) && process.getuid?.() === 0

export function startPgBouncer({ port, upstream }: { port: number; upstream: string }) {
  const target = new URL(upstream)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-pgbouncer-'))
  const owner = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
  fs.chownSync(dir, owner('-u'), owner('-g'))
  const user = decodeURIComponent(target.username || 'postgres')
  fs.writeFileSync(`${dir}/users.txt`, `"${user}" ""\n`)
  fs.writeFileSync(
    `${dir}/pgbouncer.ini`,
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${dir}/users.txt`,
      // Each transaction may run on a different server connection: the mode that breaks
      // anything holding session state between transactions.
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 20',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${dir}/pgbouncer.log`,
      `pidfile = ${dir}/pgbouncer.pid`,
      '',
    ].join('\n'),
  )
  for (const file of ['pgbouncer.ini', 'users.txt']) fs.chownSync(`${dir}/${file}`, owner('-u'), owner('-g'))
  const started = spawnSync('runuser', ['-u', 'postgres', '--', PGBOUNCER, '-d', `${dir}/pgbouncer.ini`], {
    encoding: 'utf8',
  })
  if (started.status !== 0) throw new Error(`pgbouncer failed to start: ${started.stderr || started.stdout}`)
  const url = (database: string) => `postgres://${user}@127.0.0.1:${port}/${database}`
  return {
    url,
    log: () => fs.readFileSync(`${dir}/pgbouncer.log`, 'utf8'),
    stop() {
      try {
        const pid = Number(fs.readFileSync(`${dir}/pgbouncer.pid`, 'utf8').trim())
        if (pid) process.kill(pid, 'SIGTERM')
      } catch {
        // Not running.
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
