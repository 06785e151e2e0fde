import { sql } from 'drizzle-orm'
import { bigserial, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { services } from './catalogue.ts'
import { orgUnits } from './org-units.ts'
import { users } from './users.ts'

/**
 * What a cost pays for: a national contract or licence (held at the national unit), a board's
 * staff (its digital therapy team) or anything else a board or the programme pays.
 */
export const costKind = pgEnum('cost_kind', ['contract', 'licence', 'staff', 'other'])

/**
 * Costs of a financial year ('2025/26') by service, in whole pounds: the programme's national
 * contracts and licences at the national unit, and each board's own costs where known. Versioned
 * like the monthly figures: an edit closes the current row and inserts a new one; rows are never
 * changed otherwise nor deleted (a trigger enforces this), so every earlier amount survives for
 * the audit trail and for figures "as at" a past moment.
 */
export const costs = pgTable(
  'costs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    financialYear: text('financial_year').notNull(),
    orgUnitId: integer('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
    kind: costKind('kind').notNull(),
    /** Whole pounds; null records that an amount once given is withdrawn. */
    amount: integer('amount'),
    comment: text('comment'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().defaultNow(),
    validTo: timestamp('valid_to', { withTimezone: true }),
    changedBy: integer('changed_by').references(() => users.id),
    changeReason: text('change_reason'),
  },
  (t) => [
    check('costs_financial_year_form', sql`${t.financialYear} ~ '^[0-9]{4}/[0-9]{2}$'`),
    check('costs_amount_non_negative', sql`${t.amount} >= 0`),
    check('costs_valid_period', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
    // At most one current amount of each cost.
    uniqueIndex('costs_one_current')
      .on(t.financialYear, t.orgUnitId, t.serviceId, t.kind)
      .where(sql`${t.validTo} is null`),
    // Serves the value page and API: the current costs of a range of financial years.
    index('costs_current_year')
      .on(t.financialYear)
      .where(sql`${t.validTo} is null`),
    // Serves costs "as at" a past moment and one cost's history.
    index('costs_history').on(t.financialYear, t.orgUnitId, t.serviceId, t.kind, t.validFrom),
  ],
)

export type Cost = typeof costs.$inferSelect
export type CostKind = (typeof costKind.enumValues)[number]
