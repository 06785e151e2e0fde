// The hourly run of the reminders in each app process. Every process runs it: the record of
// each reminder (app/models/reminders.server.ts) makes one of them send it and the others find
// it sent, so no process has to be chosen, and the reminders keep going when one is down.
import type pino from 'pino'
import { sendDueReminders } from '#app/returns/reminders.server.ts'

const HOUR = 3_600_000

export function startReminderSchedule({
  logger,
  intervalMs = HOUR,
  firstRunWithinMs = 60_000,
  clock = () => new Date(),
}: {
  logger: pino.Logger
  intervalMs?: number
  /** The first run comes at a random moment within this, so processes starting together spread out. */
  firstRunWithinMs?: number
  /** The moment each run acts at (tests set it). */
  clock?: () => Date
}) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = false

  const runNow = async () => {
    try {
      const run = await sendDueReminders({ now: clock() })
      if (run.sent.length > 0 || run.failed.length > 0)
        logger.info(
          { sent: run.sent.length, failed: run.failed.length, alreadySent: run.alreadyRecorded },
          `Reminders: ${run.sent.length} sent, ${run.failed.length} failed.`,
        )
      for (const failed of run.failed)
        logger.warn({ kind: failed.kind, month: failed.month, error: failed.error }, 'A reminder could not be sent.')
    } catch (error) {
      logger.error({ err: error }, 'The reminders run failed; the next one is in an hour.')
    }
  }
  const schedule = (delay: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      running = runNow().finally(() => {
        running = undefined
        schedule(intervalMs)
      })
    }, delay)
    timer.unref()
  }
  schedule(Math.floor(Math.random() * firstRunWithinMs))

  /** Stops the schedule; resolves once a run under way has finished. */
  return async () => {
    stopped = true
    clearTimeout(timer)
    await running
  }
}
