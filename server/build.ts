import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const SOURCES = ['app', 'db', 'remix.config.js', 'vite.config.ts', 'package-lock.json']
export const SERVER_BUILD = path.resolve('build/server/index.js')

function newestChange(entry: string): number {
  let stat: fs.Stats
  try {
    stat = fs.statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const child of fs.readdirSync(entry)) {
    newest = Math.max(newest, newestChange(path.join(entry, child)))
  }
  return newest
}

/**
 * `npm start` serves the production build; it builds first when there is no build or the
 * sources are newer than it, so the README's two commands work on a fresh clone. It runs after
 * the data-directory lock is taken, so two processes never build over each other.
 */
export function ensureProductionBuild(log: (message: string) => void) {
  const built = fs.existsSync(SERVER_BUILD) ? fs.statSync(SERVER_BUILD).mtimeMs : 0
  const changed = Math.max(...SOURCES.map(newestChange))
  if (built > changed) return
  log(built ? 'Sources changed since the last build: building again.' : 'No production build yet: building.')
  const result = spawnSync('npm', ['run', 'build'], {
    stdio: 'inherit',
    // Whatever started us (a test runner sets NODE_ENV=test), the build is a production one.
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (result.status !== 0) throw new Error('The production build failed (see the output above).')
}
