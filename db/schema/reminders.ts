import { sql } from 'drizzle-orm'
import {
  bigserial,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { orgUnits } from './org-units.ts'
import { users } from './users.ts'

export const reminderKind = pgEnum('reminder_kind', ['before_deadline', 'after_deadline', 'national_digest'])

/**
 * Every reminder e-mail, recorded before it is sent: the unique key (kind, month, recipient) is
 * what makes each reminder go at most once, whichever app server or command runs at the time.
 * `sentAt` is set once the mail server has accepted it; `error` keeps why it was not.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: reminderKind('kind').notNull(),
    /** First day of the month of the returns it is about. */
    month: date('month', { mode: 'string' }).notNull(),
    /** The board whose return it chases; null for the national digest. */
    orgUnitId: integer('org_unit_id').references(() => orgUnits.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** The address it went to, as it was then. */
    email: text('email').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('reminders_once').on(t.kind, t.month, t.userId),
    check('reminders_board', sql`(${t.kind} = 'national_digest') = (${t.orgUnitId} is null)`),
    index('reminders_created').on(t.createdAt),
  ],
)

export type Reminder = typeof reminders.$inferSelect
export type ReminderKind = (typeof reminderKind.enumValues)[number]
