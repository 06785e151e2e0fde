// Working out a suppression pattern takes up to a second or two of processor time on a large
// service-year. The server runs that on threads of its own (`startPatternThreads`, from
// server/serve.ts), so that the thread answering requests goes on serving pages meanwhile; with
// none started (tests, command-line tools) the pattern is worked out where it is asked for.
// The pool is kept on globalThis: the server starts it from the source, and the app's
// production build, a module graph of its own, finds it there.
import Piscina from 'piscina'
import { type SuppressionPattern } from './activity-table.ts'
import { type PatternJob, workOutPattern } from './pattern-job.ts'

const THREADS_KEY = Symbol.for('digital-therapies.pattern-threads')
type Registry = { [THREADS_KEY]?: Piscina }

/**
 * Starts `threads` threads running `filename` (a module whose default export is
 * `workOutPattern`); returns how to stop them.
 */
export function startPatternThreads({ filename, threads }: { filename: string; threads: number }) {
  const pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: Infinity })
  ;(globalThis as Registry)[THREADS_KEY] = pool
  return async () => {
    if ((globalThis as Registry)[THREADS_KEY] === pool) delete (globalThis as Registry)[THREADS_KEY]
    await pool.destroy()
  }
}

/** The pattern of a service-year: on a pattern thread when the server has started them, else here. */
export async function patternOf(job: PatternJob): Promise<SuppressionPattern> {
  const pool = (globalThis as Registry)[THREADS_KEY]
  return pool ? ((await pool.run(job)) as SuppressionPattern) : workOutPattern(job)
}
