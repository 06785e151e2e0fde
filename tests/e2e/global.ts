import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { ensureProductionBuild } from '../../server/build.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
  }
}

// A port of its own, so two runs on one machine do not collide.
const PORT = Number(process.env.E2E_PORT ?? 30_000 + (process.pid % 10_000))

export default async function setup(project: TestProject) {
  ensureProductionBuild((message) => console.log(message))
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-e2e-'))
  const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: String(PORT), LOG_LEVEL: 'warn' },
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
  }
}
