// The real express app around the real production build, on a free port, for HTTP tests.
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import pino from 'pino'
import { type Config, getConfig } from '#app/utils/config.server.ts'
import { getConnection } from '#db/client.ts'
import { createApp, keepConnectionsAlive } from '../../server/app.ts'

export async function startTestServer(options: { logger?: pino.Logger; config?: Partial<Config> } = {}) {
  const build = (await import(path.resolve('build/server/index.js'))) as ServerBuild
  const app = createApp({
    config: { ...getConfig(), ...options.config },
    logger: options.logger ?? pino({ level: 'silent' }),
    build,
    staticDir: 'build/client',
    readiness: {
      ready: () => true,
      check: async () => {
        await getConnection().ping()
        return true
      },
    },
  })
  const server = keepConnectionsAlive(app.listen(0, '127.0.0.1'))
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    /** Sockets the server still holds open. */
    openConnections: () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, n) => (error ? reject(error) : resolve(n))),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
