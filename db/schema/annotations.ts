import { sql } from 'drizzle-orm'
import { boolean, check, date, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'
import { services } from './catalogue.ts'
import { orgUnits } from './org-units.ts'
import { users } from './users.ts'

/**
 * Dated events that explain a trend ("platform changed", "new service went live"): national
 * (no board) or for one board, optionally for one service, optionally marking where an SPC
 * chart's limits are recalculated. Who wrote and changed each is in the audit trail too.
 */
export const annotations = pgTable(
  'annotations',
  {
    id: serial('id').primaryKey(),
    eventDate: date('event_date').notNull(),
    /** The board it belongs to; null for a national event, shown on every trend. */
    orgUnitId: integer('org_unit_id').references(() => orgUnits.id),
    /** The one service it is about; null when it is about every service. */
    serviceId: integer('service_id').references(() => services.id),
    text: text('text').notNull(),
    /** Recalculate SPC limits from the first whole month after the event. */
    rebase: boolean('rebase').notNull().default(false),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: integer('updated_by')
      .notNull()
      .references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('annotations_text_length', sql`char_length(${t.text}) between 1 and 500`),
    // Serves the markers of one trend: a board's (and the national) events in a period.
    index('annotations_unit_date').on(t.orgUnitId, t.eventDate),
    // Serves the national list and the admin page, newest first.
    index('annotations_date').on(t.eventDate),
  ],
)

export type Annotation = typeof annotations.$inferSelect
