// Reminders through a real mail server in the test process (smtp-server): who receives which
// reminder, that each goes once however many runs overlap (two processes of `npm run reminders`
// on PostgreSQL; runs at the same moment in one process on both engines), and that a submitted
// return is never chased. Nothing in the mail path is mocked.
import { spawn } from 'node:child_process'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { claimReminders, listReminders } from '#app/models/reminders.server.ts'
import { sendDueReminders } from '#app/returns/reminders.server.ts'
import { getConfig, readConfig, setConfig } from '#app/utils/config.server.ts'
import { getMetrics } from '#app/utils/metrics.server.ts'
import { queryRows } from '#db/client.ts'
import { ReturnFixture } from '#tests/models/return-fixture.ts'
import { createTestUser } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'
import { databaseUrlFor } from '#tests/setup/postgres.ts'
import { startReminderSchedule } from '../../server/reminders.ts'

interface Received {
  from: string
  to: string[]
  subject: string
  /** The message with its quoted-printable encoding undone (text and HTML parts). */
  body: string
}

const t = useTestDatabase()
const received: Received[] = []
/** Addresses the mail server refuses, as a full mailbox or a mistyped address would be. */
const refused = new Set<string>()
let smtp: SMTPServer
let smtpUrl: string
const originalConfig = getConfig()

const ORIGIN = 'https://dashboard.example.scot'
// October 2026's returns are due by the end of 15 November 2026 (GMT). With the default five
// days, the early reminder is due from midnight on the 10th, the late one from midnight on the
// 16th; each for the runs that come while it is due.
const MONTH = '2026-10'
const BEFORE = new Date('2026-11-12T09:00:00Z')
const AFTER = new Date('2026-11-16T09:00:00Z')

function decode(raw: string) {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) {
        const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })
        return callback(error)
      }
      callback()
    },
    onData(stream, session, callback) {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => (raw += chunk))
      stream.on('end', () => {
        const body = decode(raw)
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '',
          body,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`
  setConfig(
    readConfig({
      NODE_ENV: 'test',
      DATA_DIR: '.data/test',
      SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
      LOG_LEVEL: 'silent',
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'Digital Therapies Programme <dashboard@example.scot>',
      PUBLIC_ORIGIN: ORIGIN,
    }),
  )
})
afterAll(async () => {
  setConfig(originalConfig)
  await new Promise<void>((resolve) => smtp?.close(() => resolve()))
})

let leads: Record<string, number>
let fixture: ReturnFixture

beforeEach(async () => {
  received.length = 0
  refused.clear()
  await resetData(t.db)
  fixture = await new ReturnFixture(t.db).load()
  const board = (code: string) => fixture.unit(code)
  leads = {
    lothian: await createTestUser('ailsa@lothian.example.scot', 'board_lead', board('S08000024')),
    lothianGone: await createTestUser('bruce@lothian.example.scot', 'board_lead', board('S08000024')),
    orkney: await createTestUser('catriona@orkney.example.scot', 'board_lead', board('S08000025')),
    shetland: await createTestUser('dougie@shetland.example.scot', 'board_lead', board('S08000026')),
    highland: await createTestUser('eilidh@highland.example.scot', 'board_lead', board('S08000022')),
    fife: await createTestUser('fraser@fife.example.scot', 'board_lead', board('S08000029')),
    national: await createTestUser('morag@gov.example.scot', 'national_lead'),
    analyst: await createTestUser('niamh@gov.example.scot', 'analyst'),
  }
  await t.db.execute(sql`update users set disabled = true where id = ${leads.lothianGone!}`)
  // Lothian and Fife: nothing saved. Orkney: a draft. Shetland: submitted, awaiting approval.
  // Highland: submitted and approved.
  await fixture.figure('S08000025', 'ccbt-adults', MONTH, 'referrals', 12, '2026-11-03T10:00:00Z')
  await fixture.figure('S08000026', 'ccbt-adults', MONTH, 'referrals', 9, '2026-11-03T10:00:00Z')
  await fixture.submit('S08000026', MONTH, '2026-11-04T10:00:00Z')
  await fixture.approvedReturn('S08000022', 'ccbt-adults', MONTH, { referrals: 40 }, '2026-11-05')
})

const recipients = () => received.flatMap((m) => m.to).sort()
const sentCounter = async () => (await getMetrics().remindersSent.get()).values[0]?.value ?? 0

describe('reminders through a real mail server', () => {
  test('before the deadline: each active lead of each board not yet submitted, once', async () => {
    const counted = await sentCounter()
    const run = await sendDueReminders({ now: BEFORE })
    expect(recipients()).toEqual([
      'ailsa@lothian.example.scot',
      'catriona@orkney.example.scot',
      'fraser@fife.example.scot',
    ])
    expect(run.sent).toHaveLength(3)
    expect(await sentCounter()).toBe(counted + 3)

    const lothian = received.find((m) => m.to.includes('ailsa@lothian.example.scot'))!
    expect(lothian.from).toBe('dashboard@example.scot')
    expect(lothian.subject).toBe('Lothian: the return for October 2026 is due by 15 November 2026')
    // Plain text and HTML, each with the board, the month, the deadline and the link.
    expect(lothian.body).toMatch(/Content-Type: multipart\/alternative/)
    expect(lothian.body).toMatch(/Content-Type: text\/plain/)
    expect(lothian.body).toMatch(/Content-Type: text\/html/)
    expect(lothian.body).toContain(
      "Lothian's monthly return for October 2026 has not been submitted yet. It is due by the end of 15 November 2026.",
    )
    expect(lothian.body).toContain(`${ORIGIN}/returns/S08000024/2026-10`)
    expect(lothian.body).toContain(`<a href="${ORIGIN}/returns/S08000024/2026-10">`)

    // Recorded with the moment the mail server accepted each.
    const records = await listReminders()
    expect(records.map((r) => [r.kind, r.month, r.email, r.sentAt !== null, r.error])).toEqual(
      expect.arrayContaining([
        ['before_deadline', '2026-10-01', 'ailsa@lothian.example.scot', true, null],
        ['before_deadline', '2026-10-01', 'catriona@orkney.example.scot', true, null],
        ['before_deadline', '2026-10-01', 'fraser@fife.example.scot', true, null],
      ]),
    )
    expect(records).toHaveLength(3)

    // Later runs the same day, and the next day: nothing more.
    received.length = 0
    const again = await sendDueReminders({ now: BEFORE })
    await sendDueReminders({ now: new Date('2026-11-13T09:00:00Z') })
    expect(received).toEqual([])
    expect(again).toMatchObject({ due: 3, sent: [], alreadyRecorded: 3 })
  })

  test('after the deadline: the late reminder to the same leads, the digest to the national lead', async () => {
    await sendDueReminders({ now: BEFORE })
    // Fife submits in time; the others do not.
    await fixture.figure('S08000029', 'ccbt-adults', MONTH, 'referrals', 30, '2026-11-14T10:00:00Z')
    await fixture.submit('S08000029', MONTH, '2026-11-14T11:00:00Z')
    received.length = 0

    await sendDueReminders({ now: AFTER })
    expect(recipients()).toEqual([
      'ailsa@lothian.example.scot',
      'catriona@orkney.example.scot',
      'morag@gov.example.scot',
    ])
    expect(received.find((m) => m.to.includes('ailsa@lothian.example.scot'))!.subject).toBe(
      'Lothian: the return for October 2026 is overdue',
    )
    const digest = received.find((m) => m.to.includes('morag@gov.example.scot'))!
    // Every unit expected for October but Fife, Highland and Shetland is missing; Fife and
    // Shetland await approval.
    const [units] = await queryRows<{ expected: number }>(
      t.db,
      sql`select count(distinct a.org_unit_id)::int as expected from service_availability a
          where a.status in ('live', 'pilot') and a.live_from <= '2026-10-01' and (a.live_to is null or a.live_to >= '2026-10-01')`,
    )
    expect(digest.subject).toBe(`Returns for October 2026: ${Number(units!.expected) - 3} missing, 2 awaiting approval`)
    expect(digest.body).toContain(`- Lothian: ${ORIGIN}/returns/S08000024/2026-10`)
    expect(digest.body).toContain(`- Fife, October 2026: ${ORIGIN}/returns/S08000029/2026-10`)
    expect(digest.body).toContain(`- Shetland, October 2026: ${ORIGIN}/returns/S08000026/2026-10`)
    expect(digest.body).not.toContain('- Highland')

    // Never the lead of a submitted or approved return, a disabled account or an analyst.
    const everyone = (await listReminders()).map((r) => r.email)
    for (const never of [
      'dougie@shetland.example.scot',
      'eilidh@highland.example.scot',
      'bruce@lothian.example.scot',
      'niamh@gov.example.scot',
    ])
      expect(everyone).not.toContain(never)
  })

  test('a reminder the mail server refuses is recorded with why, and not sent again', async () => {
    refused.add('catriona@orkney.example.scot')
    const run = await sendDueReminders({ now: BEFORE })
    expect(recipients()).toEqual(['ailsa@lothian.example.scot', 'fraser@fife.example.scot'])
    expect(run.failed).toEqual([
      expect.objectContaining({ to: 'catriona@orkney.example.scot', error: expect.stringMatching(/550/) }),
    ])
    const orkney = (await listReminders()).find((r) => r.email === 'catriona@orkney.example.scot')!
    expect(orkney.sentAt).toBeNull()
    expect(orkney.error).toMatch(/Mailbox unavailable/)
    // At most once: a later run does not try again.
    refused.clear()
    received.length = 0
    await sendDueReminders({ now: BEFORE })
    expect(received).toEqual([])
  })

  test('runs at the same moment in one process send each reminder once', async () => {
    const runs = await Promise.all([
      sendDueReminders({ now: AFTER }),
      sendDueReminders({ now: AFTER }),
      sendDueReminders({ now: AFTER }),
    ])
    expect(runs.map((r) => r.sent.length).reduce((a, b) => a + b)).toBe(4)
    expect(recipients()).toEqual([
      'ailsa@lothian.example.scot',
      'catriona@orkney.example.scot',
      'fraser@fife.example.scot',
      'morag@gov.example.scot',
    ])
  })

  test('the server’s hourly run sends what is due, once, and stops cleanly', async () => {
    const lines: string[] = []
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk))
          done()
        },
      }),
    )
    // Two app processes' schedules, every 50 ms instead of every hour.
    const stops = [1, 2].map(() =>
      startReminderSchedule({ logger, clock: () => AFTER, intervalMs: 50, firstRunWithinMs: 5 }),
    )
    const until = Date.now() + 10_000
    while (received.length < 4 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await Promise.all(stops.map((stop) => stop()))
    expect(recipients()).toEqual([
      'ailsa@lothian.example.scot',
      'catriona@orkney.example.scot',
      'fraser@fife.example.scot',
      'morag@gov.example.scot',
    ])
    expect(lines.join('')).toContain('Reminders: 4 sent, 0 failed.')
  })

  test('two recordings at once, on connections of their own, each win a reminder only once', async () => {
    const claims = [leads.lothian!, leads.orkney!, leads.fife!].map((userId) => ({
      kind: 'after_deadline' as const,
      month: MONTH,
      orgUnitId: fixture.unit('S08000024'),
      userId,
      email: `${userId}@example.scot`,
    }))
    const [first, second] = await Promise.all([claimReminders({ claims }), claimReminders({ claims })])
    expect([...first!, ...second!].map((c) => c.userId).sort()).toEqual(claims.map((c) => c.userId).sort())
    expect(Math.min(first!.length, second!.length)).toBe(0)
  })

  test.skipIf(ENGINE !== 'postgres')(
    'two processes of npm run reminders at once on PostgreSQL: each reminder once',
    async () => {
      const database = t.connection.target.split('/').at(-1)!
      const command = () =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', 'app/cli/reminders.ts', '--at', '2026-11-16T09:00:00Z'],
            {
              env: {
                PATH: process.env.PATH,
                NODE_ENV: 'production',
                DATABASE_URL: databaseUrlFor(process.env.DATABASE_URL!, database),
                SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
                SMTP_URL: smtpUrl,
                MAIL_FROM: 'dashboard@example.scot',
                PUBLIC_ORIGIN: ORIGIN,
              },
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          )
          let output = ''
          child.stdout.on('data', (chunk) => (output += chunk))
          child.stderr.on('data', (chunk) => (output += chunk))
          child.on('exit', (code) => resolve({ code, output }))
        })
      const [a, b] = await Promise.all([command(), command()])
      expect(a.code, a.output).toBe(0)
      expect(b.code, b.output).toBe(0)
      expect(recipients()).toEqual([
        'ailsa@lothian.example.scot',
        'catriona@orkney.example.scot',
        'fraser@fife.example.scot',
        'morag@gov.example.scot',
      ])
      // Between them they sent four, and the one that came second says the rest went before.
      expect(`${a.output}\n${b.output}`).toMatch(/4 reminders due at 16 November 2026, 09:00: 4 sent now/)
      expect(`${a.output}\n${b.output}`).toMatch(/0 sent now, 0 failed, 4 sent before/)
      const records = await listReminders()
      expect(records.filter((r) => r.sentAt !== null)).toHaveLength(4)
    },
    60_000,
  )
})
