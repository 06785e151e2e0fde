// When reminders fall due and to whom, with every instant worked out by hand from the rule:
// the deadline is the end of its day in Scotland; the early reminder from midnight REMINDER_DAYS
// days before that day (never before the month has ended); the late reminder and the national
// digest from midnight after the deadline, for seven days. BST is UTC+1 from the last Sunday of
// March (29 March 2026) to the last Sunday of October (25 October 2026).
import { spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { composeReminderMail } from '#app/returns/reminder-mail.ts'
import { readConfig } from '#app/utils/config.server.ts'
import {
  type BoardLead,
  dueReminderWindows,
  type ExpectedReturn,
  planReminders,
  reminderWindows,
} from '#app/returns/reminders.ts'

const DEFAULT = { deadlineDay: 15, reminderDays: 5 }
const at = (iso: string) => new Date(iso)

function windowsOf(month: string, settings = DEFAULT) {
  return Object.fromEntries(
    reminderWindows(month, settings).map((w) => [
      w.kind,
      { from: w.from.toISOString(), until: w.until.toISOString(), deadline: w.deadline.toISOString() },
    ]),
  )
}

function dueAt(iso: string, settings = DEFAULT) {
  return dueReminderWindows(at(iso), settings).map((w) => `${w.kind} ${w.month}`)
}

describe('when reminders fall due', () => {
  test('in winter (GMT): October 2026’s return, due by the end of 15 November 2026', () => {
    expect(windowsOf('2026-10')).toEqual({
      before_deadline: {
        from: '2026-11-10T00:00:00.000Z',
        until: '2026-11-16T00:00:00.000Z',
        deadline: '2026-11-15T23:59:59.999Z',
      },
      after_deadline: {
        from: '2026-11-16T00:00:00.000Z',
        until: '2026-11-23T00:00:00.000Z',
        deadline: '2026-11-15T23:59:59.999Z',
      },
      national_digest: {
        from: '2026-11-16T00:00:00.000Z',
        until: '2026-11-23T00:00:00.000Z',
        deadline: '2026-11-15T23:59:59.999Z',
      },
    })
    expect(dueAt('2026-11-09T23:59:59Z')).toEqual([])
    expect(dueAt('2026-11-10T00:00:00Z')).toEqual(['before_deadline 2026-10'])
    expect(dueAt('2026-11-15T23:59:59Z')).toEqual(['before_deadline 2026-10'])
    expect(dueAt('2026-11-16T00:00:00Z')).toEqual(['after_deadline 2026-10', 'national_digest 2026-10'])
    expect(dueAt('2026-11-22T23:59:59Z')).toEqual(['after_deadline 2026-10', 'national_digest 2026-10'])
    // A week on, a late return is chased on the dashboard, not by e-mail; November is not due.
    expect(dueAt('2026-11-29T12:00:00Z')).toEqual([])
  })

  test('in summer (BST): May 2026’s return, due by 23:59 BST on 15 June (22:59 UTC)', () => {
    expect(windowsOf('2026-05')).toMatchObject({
      before_deadline: { from: '2026-06-09T23:00:00.000Z', until: '2026-06-15T23:00:00.000Z' },
      after_deadline: { from: '2026-06-15T23:00:00.000Z', until: '2026-06-22T23:00:00.000Z' },
    })
    // 23:59 UTC on 9 June is 00:59 BST on 10 June: five days before the 15th.
    expect(dueAt('2026-06-09T22:59:59Z')).toEqual([])
    expect(dueAt('2026-06-09T23:00:00Z')).toEqual(['before_deadline 2026-05'])
    // 23:30 UTC on 15 June is already 00:30 BST on the 16th: the day after.
    expect(dueAt('2026-06-15T22:59:59Z')).toEqual(['before_deadline 2026-05'])
    expect(dueAt('2026-06-15T23:30:00Z')).toEqual(['after_deadline 2026-05', 'national_digest 2026-05'])
  })

  test('across the spring change of the clocks: deadline day 28, February 2026', () => {
    // Due by the end of Saturday 28 March (GMT); the clocks go forward at 01:00 on Sunday 29th.
    expect(windowsOf('2026-02', { deadlineDay: 28, reminderDays: 5 })).toMatchObject({
      before_deadline: { from: '2026-03-23T00:00:00.000Z', deadline: '2026-03-28T23:59:59.999Z' },
      // Seven days from midnight on the 29th (GMT) is midnight on 5 April (BST): 23:00 UTC.
      after_deadline: { from: '2026-03-29T00:00:00.000Z', until: '2026-04-04T23:00:00.000Z' },
    })
  })

  test('across the autumn change of the clocks: deadline day 28, September 2026', () => {
    // Midnight on Friday 23 October is BST (23:00 UTC on the 22nd); the deadline, after the
    // clocks went back on Sunday 25th, is 23:59 GMT on Wednesday 28th.
    expect(windowsOf('2026-09', { deadlineDay: 28, reminderDays: 5 })).toMatchObject({
      before_deadline: {
        from: '2026-10-22T23:00:00.000Z',
        until: '2026-10-29T00:00:00.000Z',
        deadline: '2026-10-28T23:59:59.999Z',
      },
    })
  })

  test('at month and year ends', () => {
    // December's return is due in January of the next year.
    expect(dueAt('2027-01-10T00:00:00Z')).toEqual(['before_deadline 2026-12'])
    // Deadline day 28 of February: the day after is 1 March, or 29 February in a leap year.
    expect(windowsOf('2027-01', { deadlineDay: 28, reminderDays: 5 }).after_deadline!.from).toBe(
      '2027-03-01T00:00:00.000Z',
    )
    expect(windowsOf('2028-01', { deadlineDay: 28, reminderDays: 5 }).after_deadline!.from).toBe(
      '2028-02-29T00:00:00.000Z',
    )
    // Five days before 3 December is 28 November, before November has ended: not until 1 December.
    expect(windowsOf('2026-11', { deadlineDay: 3, reminderDays: 5 }).before_deadline!.from).toBe(
      '2026-12-01T00:00:00.000Z',
    )
    expect(dueAt('2026-11-30T23:59:59Z', { deadlineDay: 3, reminderDays: 5 })).toEqual([])
    expect(dueAt('2026-12-01T00:00:00Z', { deadlineDay: 3, reminderDays: 5 })).toEqual(['before_deadline 2026-11'])
  })

  test('REMINDER_DAYS moves the early reminder only', () => {
    expect(dueAt('2026-11-12T23:59:59Z', { deadlineDay: 15, reminderDays: 2 })).toEqual([])
    expect(dueAt('2026-11-13T00:00:00Z', { deadlineDay: 15, reminderDays: 2 })).toEqual(['before_deadline 2026-10'])
    expect(dueAt('2026-11-16T00:00:00Z', { deadlineDay: 15, reminderDays: 2 })).toEqual([
      'after_deadline 2026-10',
      'national_digest 2026-10',
    ])
  })
})

describe('who is reminded', () => {
  const unit = (orgUnitId: number, code: string, name: string, status: ExpectedReturn['status']) => ({
    orgUnitId,
    code,
    name,
    month: '2026-10',
    status,
  })
  const expected: ExpectedReturn[] = [
    unit(1, 'S08000024', 'Lothian', null),
    unit(2, 'S08000025', 'Orkney', 'draft'),
    unit(3, 'S08000026', 'Shetland', 'submitted'),
    unit(4, 'S08000028', 'Western Isles', 'approved'),
    unit(5, 'S08000022', 'Highland', null),
  ]
  const boardLeads: BoardLead[] = [
    { id: 11, email: 'a@lothian.scot', name: 'Ailsa', orgUnitId: 1 },
    { id: 12, email: 'b@lothian.scot', name: 'Bruce', orgUnitId: 1 },
    { id: 21, email: 'c@orkney.scot', name: 'Catriona', orgUnitId: 2 },
    { id: 31, email: 'd@shetland.scot', name: 'Dougie', orgUnitId: 3 },
    { id: 41, email: 'e@isles.scot', name: 'Eilidh', orgUnitId: 4 },
  ]
  const nationalLeads = [{ id: 1, email: 'n@gov.scot', name: 'Morag' }]
  const awaitingApproval = [
    { code: 'S08000026', name: 'Shetland', month: '2026-10' },
    { code: 'S08000030', name: 'Tayside', month: '2026-11' },
  ]
  const plan = (iso: string, awaiting = awaitingApproval, units = expected) =>
    planReminders({
      windows: dueReminderWindows(at(iso), DEFAULT),
      expected: units,
      boardLeads,
      nationalLeads,
      awaitingApproval: awaiting,
    })

  test('before the deadline: each lead of each board not yet submitted, a draft included', () => {
    const planned = plan('2026-11-12T09:00:00Z')
    expect(planned.map((p) => `${p.kind} ${p.recipient.email}`)).toEqual([
      'before_deadline a@lothian.scot',
      'before_deadline b@lothian.scot',
      'before_deadline c@orkney.scot',
    ])
    // Highland has no lead: nobody to remind (the national digest lists it after the deadline).
  })

  test('after the deadline: the same leads again, and the national digest', () => {
    const planned = plan('2026-11-16T09:00:00Z')
    expect(planned.map((p) => `${p.kind} ${p.recipient.email}`)).toEqual([
      'after_deadline a@lothian.scot',
      'after_deadline b@lothian.scot',
      'after_deadline c@orkney.scot',
      'national_digest n@gov.scot',
    ])
    const digest = planned.at(-1)!
    expect(digest.kind === 'national_digest' && digest.missing.map((m) => m.name)).toEqual([
      'Lothian',
      'Orkney',
      'Highland',
    ])
    // November's return is not part of October's digest.
    expect(digest.kind === 'national_digest' && digest.awaitingApproval.map((m) => m.name)).toEqual(['Shetland'])
  })

  test('no digest when nothing is missing or awaiting approval', () => {
    const allIn = expected.map((e) => ({ ...e, status: 'approved' as const }))
    expect(plan('2026-11-16T09:00:00Z', [], allIn)).toEqual([])
  })
})

describe('the e-mail', () => {
  const deadline = new Date('2026-11-15T23:59:59.999Z')
  const recipient = { id: 11, email: 'a@lothian.scot', name: 'Ailsa <Test>' }

  test('before the deadline: board, month, deadline and the absolute link, in text and HTML', () => {
    const mail = composeReminderMail(
      {
        kind: 'before_deadline',
        month: '2026-10',
        deadline,
        recipient,
        orgUnitId: 1,
        board: { code: 'S08000024', name: 'Lothian' },
      },
      'https://dashboard.example.scot',
    )
    expect(mail.subject).toBe('Lothian: the return for October 2026 is due by 15 November 2026')
    expect(mail.text).toContain(
      "Lothian's monthly return for October 2026 has not been submitted yet. It is due by the end of 15 November 2026.",
    )
    expect(mail.text).toContain('https://dashboard.example.scot/returns/S08000024/2026-10')
    expect(mail.html).toContain('<a href="https://dashboard.example.scot/returns/S08000024/2026-10">')
    // Names are text, never markup.
    expect(mail.html).toContain('Dear Ailsa &lt;Test&gt;,')
    expect(mail.html).not.toContain('<Test>')
  })

  test('after the deadline, and the national digest', () => {
    const late = composeReminderMail(
      {
        kind: 'after_deadline',
        month: '2026-10',
        deadline,
        recipient,
        orgUnitId: 1,
        board: { code: 'S08000024', name: 'Lothian' },
      },
      'http://localhost:3000',
    )
    expect(late.subject).toBe('Lothian: the return for October 2026 is overdue')
    expect(late.text).toContain('was due by the end of 15 November 2026 and has not been submitted.')

    const digest = composeReminderMail(
      {
        kind: 'national_digest',
        month: '2026-10',
        deadline,
        recipient: { id: 1, email: 'n@gov.scot', name: 'Morag' },
        orgUnitId: null,
        missing: [{ code: 'S08000024', name: 'Lothian' }],
        awaitingApproval: [{ code: 'S08000026', name: 'Shetland', month: '2026-09' }],
      },
      'http://localhost:3000',
    )
    expect(digest.subject).toBe('Returns for October 2026: 1 missing, 1 awaiting approval')
    expect(digest.text).toContain('- Lothian: http://localhost:3000/returns/S08000024/2026-10')
    expect(digest.text).toContain('- Shetland, September 2026: http://localhost:3000/returns/S08000026/2026-09')
    expect(digest.text).toContain('http://localhost:3000/returns?month=2026-10')
  })
})

describe('the settings', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '.data/test', SESSION_SECRET: 's'.repeat(40) } as const

  test('no mail server unless SMTP_URL is set; five days unless REMINDER_DAYS is', () => {
    const config = readConfig(base)
    expect(config.SMTP_URL).toBeUndefined()
    expect(config.REMINDER_DAYS).toBe(5)
    expect(readConfig({ ...base, REMINDER_DAYS: '3' }).REMINDER_DAYS).toBe(3)
    expect(() => readConfig({ ...base, REMINDER_DAYS: '0' })).toThrow(/REMINDER_DAYS/)
    expect(() => readConfig({ ...base, REMINDER_DAYS: '28' })).toThrow(/REMINDER_DAYS/)
  })

  test('SMTP_URL is an smtp:// or smtps:// address, and needs MAIL_FROM', () => {
    const mail = { SMTP_URL: 'smtp://mail.example.scot:587', MAIL_FROM: 'dashboard@example.scot' }
    expect(readConfig({ ...base, ...mail })).toMatchObject(mail)
    expect(() => readConfig({ ...base, ...mail, SMTP_URL: 'mail.example.scot' })).toThrow(
      /SMTP_URL must start with smtp/,
    )
    expect(() => readConfig({ ...base, SMTP_URL: mail.SMTP_URL })).toThrow(/MAIL_FROM is required with SMTP_URL/)
    expect(() => readConfig({ ...base, ...mail, MAIL_FROM: 'dashboard' })).toThrow(
      /MAIL_FROM must be an e-mail address/,
    )
  })
})

describe('npm run reminders', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'app/cli/reminders.ts', ...args], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), ...env },
      encoding: 'utf8',
      timeout: 60_000,
    })

  test('without SMTP_URL it says nothing is e-mailed, and touches nothing', () => {
    const result = run([])
    expect(result.stdout).toContain('SMTP_URL is not set, so no reminders are e-mailed')
    expect(result.status).toBe(0)
  }, 60_000)

  test('a moment that is not a date is refused, saying how to write one', () => {
    const result = run(['--at', 'next tuesday'])
    expect(result.stderr).toContain('--at must be a date and time in ISO 8601, such as 2026-12-10T09:00.')
    expect(result.status).toBe(1)
  }, 60_000)
})
