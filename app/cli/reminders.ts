// npm run reminders [-- --at ISO-8601]
// Sends the reminders of monthly returns due now (or as if at the moment given, to catch up or
// to test), each at most once whoever else is sending at the same time. The server runs the
// same every hour.
import { parseArgs } from 'node:util'
import { sendDueReminders } from '#app/returns/reminders.server.ts'
import { readConfig, setConfig } from '#app/utils/config.server.ts'
import { formatDateTime, parseInstant } from '#app/utils/dates.ts'
import { connectDatabase, registerDatabase } from '#db/client.ts'

const USAGE = 'Usage: npm run reminders [-- --at 2026-12-10T09:00]'

class UsageError extends Error {}

async function main() {
  const { values } = parseArgs({ options: { at: { type: 'string' } } })
  const now = values.at === undefined ? new Date() : parseInstant(values.at)
  if (!now) throw new UsageError(`--at must be a date and time in ISO 8601, such as 2026-12-10T09:00. ${USAGE}`)
  const config = readConfig({ LOG_LEVEL: 'warn', ...process.env })
  setConfig(config)
  if (!config.SMTP_URL) {
    console.log('SMTP_URL is not set, so no reminders are e-mailed (and none is recorded as sent).')
    return
  }
  const connection = await connectDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    maxConnections: 2,
  })
  registerDatabase(connection)
  try {
    // The server applies migrations as it starts; the command may run first after an upgrade.
    await connection.migrate()
    const run = await sendDueReminders({ now })
    const when = formatDateTime(now)
    if (run.due === 0) console.log(`No reminders are due at ${when}.`)
    for (const sent of run.sent) console.log(`Sent: ${describe(sent.kind)} for ${sent.month} to ${sent.to}.`)
    for (const failed of run.failed)
      console.error(`Not sent: ${describe(failed.kind)} for ${failed.month} to ${failed.to}: ${failed.error}`)
    if (run.due > 0)
      console.log(
        `${run.due} reminders due at ${when}: ${run.sent.length} sent now, ${run.failed.length} failed, ${run.alreadyRecorded} sent before.`,
      )
    if (run.failed.length > 0) process.exitCode = 1
  } finally {
    registerDatabase(undefined)
    await connection.close()
  }
}

function describe(kind: string) {
  return kind === 'before_deadline'
    ? 'reminder before the deadline'
    : kind === 'after_deadline'
      ? 'reminder after the deadline'
      : 'national digest'
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error)
  process.exitCode = 1
})
