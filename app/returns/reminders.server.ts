// One run of the reminders: what is due at a moment, recorded once, then e-mailed. Run by
// `npm run reminders` and every hour by each app server (server/reminders.ts).
import {
  claimReminders,
  listReminderAudience,
  markReminderFailed,
  markReminderSent,
} from '#app/models/reminders.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { createMailer, type Mailer } from '#app/utils/mail.server.ts'
import { countReminderSent } from '#app/utils/metrics.server.ts'
import { composeReminderMail } from './reminder-mail.ts'
import { dueReminderWindows, planReminders, type PlannedReminder } from './reminders.ts'

export interface ReminderRun {
  /** False when SMTP_URL is unset: nothing was recorded or sent. */
  mailEnabled: boolean
  /** Reminders due now, whoever sent them. */
  due: number
  /** Sent by this run. */
  sent: Array<{ kind: PlannedReminder['kind']; month: string; to: string }>
  /** Recorded by this run but refused by the mail server (or it could not be reached). */
  failed: Array<{ kind: PlannedReminder['kind']; month: string; to: string; error: string }>
  /** Due, but recorded already by an earlier run or another process. */
  alreadyRecorded: number
}

const RUNNING_KEY = Symbol.for('digital-therapies.reminders-running')
type Registry = { [RUNNING_KEY]?: Promise<unknown> }

/**
 * Sends the reminders due at `now`. Runs in this process never overlap (the embedded database
 * has one process); across processes on PostgreSQL, the record keeps each reminder single.
 */
export async function sendDueReminders({ now = new Date() }: { now?: Date } = {}): Promise<ReminderRun> {
  const registry = globalThis as Registry
  const previous = registry[RUNNING_KEY] ?? Promise.resolve()
  const run = previous.catch(() => {}).then(() => runOnce(now))
  registry[RUNNING_KEY] = run
  return run
}

async function runOnce(now: Date): Promise<ReminderRun> {
  const config = getConfig()
  const run: ReminderRun = { mailEnabled: Boolean(config.SMTP_URL), due: 0, sent: [], failed: [], alreadyRecorded: 0 }
  // Without a mail server nothing is recorded either: once one is configured, what is due then
  // is sent then.
  if (!config.SMTP_URL || !config.MAIL_FROM) return run
  const windows = dueReminderWindows(now, {
    deadlineDay: config.RETURN_DEADLINE_DAY,
    reminderDays: config.REMINDER_DAYS,
  })
  if (windows.length === 0) return run
  const audience = await listReminderAudience({ months: [...new Set(windows.map((w) => w.month))] })
  const planned = planReminders({ windows, ...audience })
  run.due = planned.length
  const claimed = await claimReminders({
    claims: planned.map((p) => ({
      kind: p.kind,
      month: p.month,
      orgUnitId: p.orgUnitId,
      userId: p.recipient.id,
      email: p.recipient.email,
    })),
  })
  run.alreadyRecorded = planned.length - claimed.length
  if (claimed.length === 0) return run

  const origin = config.PUBLIC_ORIGIN ?? `http://localhost:${config.PORT}`
  const mailer: Mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM })
  try {
    for (const claim of claimed) {
      const reminder = planned.find(
        (p) => p.kind === claim.kind && p.month === claim.month && p.recipient.id === claim.userId,
      )!
      const mail = composeReminderMail(reminder, origin)
      const to = reminder.recipient.email
      try {
        await mailer.send({ to, ...mail })
      } catch (error) {
        const message = (error as Error).message ?? String(error)
        await markReminderFailed({ id: claim.id, error: message })
        run.failed.push({ kind: reminder.kind, month: reminder.month, to, error: message })
        continue
      }
      await markReminderSent({ id: claim.id, at: new Date() })
      countReminderSent()
      run.sent.push({ kind: reminder.kind, month: reminder.month, to })
    }
  } finally {
    mailer.close()
  }
  return run
}
