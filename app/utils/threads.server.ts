// Work that holds a thread for a second or more (working out a suppression pattern on a large
// service-year, writing a workbook, checking the rows of a large upload) runs on threads of its own (`startWorkThreads`, from
// server/serve.ts), so that the thread answering requests goes on serving pages meanwhile; with
// none started (tests, command-line tools) it runs where it is asked for. Each kind of work is a
// named export of the threads' module (server/work-thread.mjs) and takes and gives plain data.
// The pool is kept on globalThis: the server starts it from the source, and the app's
// production build, a module graph of its own, finds it there.
import Piscina from 'piscina'
import { workOutPattern } from '#app/disclosure/pattern-job.ts'
import { writeWorkbook } from '#app/api/workbook.ts'
import { checkUploadRows } from '#app/returns/upload-rows.ts'

/** The kinds of work, each exported under its name by the threads' module. */
const WORK = { workOutPattern, writeWorkbook, checkUploadRows }
type Work = typeof WORK

const THREADS_KEY = Symbol.for('digital-therapies.work-threads')
type Registry = { [THREADS_KEY]?: Piscina }

/** Starts `threads` threads running `filename` (server/work-thread.mjs); returns how to stop them. */
export function startWorkThreads({ filename, threads }: { filename: string; threads: number }) {
  const pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: Infinity })
  ;(globalThis as Registry)[THREADS_KEY] = pool
  return async () => {
    if ((globalThis as Registry)[THREADS_KEY] === pool) delete (globalThis as Registry)[THREADS_KEY]
    await pool.destroy()
  }
}

/** `WORK[name](task)` on a work thread when the server has started them; else here. */
export async function onWorkThread<Name extends keyof Work>(
  name: Name,
  task: Parameters<Work[Name]>[0],
): Promise<Awaited<ReturnType<Work[Name]>>> {
  const pool = (globalThis as Registry)[THREADS_KEY]
  const work = WORK[name] as (task: Parameters<Work[Name]>[0]) => Awaited<ReturnType<Work[Name]>>
  return pool ? pool.run(task, { name }) : work(task)
}
