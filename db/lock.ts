import fs from 'node:fs'
import path from 'node:path'

/**
 * PGlite does not lock its data directory, and two processes writing one directory corrupt it.
 * This lock file holds the owner's pid: a second process fails at once with a message that says
 * what to do, and a lock left by a process that has died is taken over.
 */
export class DataDirectoryLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already in use by another process (pid ${pid}). ` +
        `Stop that process first, or set DATA_DIR to a different folder, ` +
        `or set DATABASE_URL to use PostgreSQL.`,
    )
    this.name = 'DataDirectoryLockedError'
  }
}

export interface DataDirectoryLock {
  release(): void
}

export function acquireDataDirectoryLock(dataDir: string): DataDirectoryLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const lockPath = path.join(dataDir, 'pglite.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      let released = false
      return {
        release() {
          if (released) return
          released = true
          try {
            if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath)
          } catch {
            // Already gone: nothing to release.
          }
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(fs.readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new DataDirectoryLockedError(dataDir, owner)
      }
      // The owner has gone without releasing the lock (killed, power cut): take it over.
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not create the lock file ${lockPath}`)
}

function isRunning(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
