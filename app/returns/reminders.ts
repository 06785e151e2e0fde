// When reminders of monthly returns fall due, and to whom they go. Pure: the command and the
// server's hourly run read the returns and the accounts, ask these rules what is due at the
// moment, record each reminder once and send it (reminders.server.ts).
import { addMonths, currentMonth, londonDayStart, monthStart, returnDeadline } from '#app/utils/dates.ts'
import type { ReminderKind } from '#db/schema/reminders.ts'
import type { ReturnStatus } from '#app/utils/permissions.ts'

/**
 * Days after the day following a deadline during which the late reminder and the national
 * digest are still sent, so a server that was down on that day catches up when it returns; after
 * that a late return is chased on the dashboard ("needs your attention"), not by e-mail.
 */
export const LATE_REMINDER_DAYS = 7

export interface ReminderSettings {
  /** RETURN_DEADLINE_DAY */
  deadlineDay: number
  /** REMINDER_DAYS */
  reminderDays: number
}

/** A reminder of one kind for one month, due from `from` (included) until `until` (excluded). */
export interface ReminderWindow {
  kind: ReminderKind
  month: string
  deadline: Date
  from: Date
  until: Date
}

/**
 * The three reminders of a month's returns, as instants:
 * - before the deadline: from midnight (Scottish time) `reminderDays` days before the deadline's
 *   day, but never before the month has ended, until the deadline;
 * - after the deadline, to the board leads and as a digest to the national leads: from midnight
 *   at the start of the day after the deadline's day, for LATE_REMINDER_DAYS days.
 */
export function reminderWindows(month: string, settings: ReminderSettings): ReminderWindow[] {
  const deadline = returnDeadline(month, settings.deadlineDay)
  const monthEnd = monthStart(addMonths(month, 1))
  const early = londonDayStart(deadline, -settings.reminderDays)
  const dayAfter = londonDayStart(deadline, 1)
  const lateUntil = londonDayStart(deadline, 1 + LATE_REMINDER_DAYS)
  return [
    { kind: 'before_deadline', month, deadline, from: early > monthEnd ? early : monthEnd, until: dayAfter },
    { kind: 'after_deadline', month, deadline, from: dayAfter, until: lateUntil },
    { kind: 'national_digest', month, deadline, from: dayAfter, until: lateUntil },
  ]
}

/**
 * The reminders due at `now`. A deadline falls in the month after the one reported (at most on
 * its 28th), so only the last three months can have a window open.
 */
export function dueReminderWindows(now: Date, settings: ReminderSettings): ReminderWindow[] {
  const latest = addMonths(currentMonth(now), -1)
  return [addMonths(latest, -2), addMonths(latest, -1), latest]
    .flatMap((month) => reminderWindows(month, settings))
    .filter((w) => w.from <= now && now < w.until)
}

/** A return expected of a unit for a month (a service of it was live), with its state. */
export interface ExpectedReturn {
  orgUnitId: number
  code: string
  name: string
  month: string
  /** null: nothing saved yet. */
  status: ReturnStatus | null
}

export interface Recipient {
  id: number
  email: string
  name: string
}

export interface BoardLead extends Recipient {
  orgUnitId: number
}

/** A return submitted and not yet approved. */
export interface AwaitingApproval {
  code: string
  name: string
  month: string
}

export type PlannedReminder =
  | {
      kind: 'before_deadline' | 'after_deadline'
      month: string
      deadline: Date
      recipient: Recipient
      orgUnitId: number
      board: { code: string; name: string }
    }
  | {
      kind: 'national_digest'
      month: string
      deadline: Date
      recipient: Recipient
      orgUnitId: null
      missing: Array<{ code: string; name: string }>
      awaitingApproval: AwaitingApproval[]
    }

/** Submitted or approved: the board has sent it (a reopened return is a draft again). */
export function isSent(status: ReturnStatus | null) {
  return status === 'submitted' || status === 'approved'
}

/**
 * Who is reminded of what in the windows open now: every active lead of a board whose expected
 * return for the month is not submitted (before and after the deadline); every active national
 * lead, after the deadline, a digest of the month's missing returns and of every return awaiting
 * approval up to that month (none when both lists are empty).
 */
export function planReminders({
  windows,
  expected,
  boardLeads,
  nationalLeads,
  awaitingApproval,
}: {
  windows: ReminderWindow[]
  expected: ExpectedReturn[]
  boardLeads: BoardLead[]
  nationalLeads: Recipient[]
  awaitingApproval: AwaitingApproval[]
}): PlannedReminder[] {
  const planned: PlannedReminder[] = []
  for (const window of windows) {
    const notSent = expected.filter((r) => r.month === window.month && !isSent(r.status))
    if (window.kind === 'national_digest') {
      const missing = notSent.map(({ code, name }) => ({ code, name }))
      const awaiting = awaitingApproval.filter((r) => r.month <= window.month)
      if (missing.length === 0 && awaiting.length === 0) continue
      for (const lead of nationalLeads) {
        planned.push({
          kind: 'national_digest',
          month: window.month,
          deadline: window.deadline,
          recipient: recipient(lead),
          orgUnitId: null,
          missing,
          awaitingApproval: awaiting,
        })
      }
      continue
    }
    for (const unit of notSent) {
      for (const lead of boardLeads.filter((l) => l.orgUnitId === unit.orgUnitId)) {
        planned.push({
          kind: window.kind,
          month: window.month,
          deadline: window.deadline,
          recipient: recipient(lead),
          orgUnitId: unit.orgUnitId,
          board: { code: unit.code, name: unit.name },
        })
      }
    }
  }
  return planned
}

function recipient({ id, email, name }: Recipient): Recipient {
  return { id, email, name }
}
