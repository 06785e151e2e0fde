import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core'
import { orgUnits } from './org-units.ts'
import { users } from './users.ts'

export const serviceDelivery = pgEnum('service_delivery', ['board', 'national'])

export const services = pgTable('services', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** Grouping for display: ccbt, iecbt, video, proms, self-help. */
  family: text('family').notNull(),
  /** `national` services are counted at the national org unit, not at a board. */
  delivery: serviceDelivery('delivery').notNull(),
  description: text('description').notNull().default(''),
  sortOrder: integer('sort_order').notNull().default(0),
})

/** The monthly counts a return can carry, e.g. referrals or sessions. */
export const measures = pgTable(
  'measures',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    label: text('label').notNull(),
    unit: text('unit').notNull(),
    description: text('description').notNull(),
    /** Sanity cap for one board, service and month; larger values are refused as typing errors. */
    maxMonthlyValue: integer('max_monthly_value').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [check('measures_cap_positive', sql`${t.maxMonthlyValue} > 0`)],
)

/** Which measures apply to which service: return values may only use these pairs. */
export const serviceMeasures = pgTable(
  'service_measures',
  {
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
    measureId: integer('measure_id')
      .notNull()
      .references(() => measures.id),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.measureId] })],
)

/** Evidence-based treatments (cCBT and ieCBT programmes) offered under a service. */
export const treatments = pgTable(
  'treatments',
  {
    id: serial('id').primaryKey(),
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    retiredOn: date('retired_on', { mode: 'string' }),
  },
  (t) => [unique('treatments_service_name').on(t.serviceId, t.name)],
)

export const availabilityStatus = pgEnum('availability_status', ['live', 'pilot', 'planned', 'withdrawn'])

/**
 * Coverage history: each row is a period in which a service had one status in one board.
 * `live_from` is the first month of the period and `live_to` the last (inclusive); an open
 * period has no `live_to`. Changes add rows and close the open one; nothing is deleted.
 */
export const serviceAvailability = pgTable(
  'service_availability',
  {
    id: serial('id').primaryKey(),
    orgUnitId: integer('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    serviceId: integer('service_id')
      .notNull()
      .references(() => services.id),
    status: availabilityStatus('status').notNull(),
    liveFrom: date('live_from', { mode: 'string' }).notNull(),
    liveTo: date('live_to', { mode: 'string' }),
    note: text('note').notNull().default(''),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: integer('recorded_by').references(() => users.id),
  },
  (t) => [
    check('service_availability_month_start', sql`extract(day from ${t.liveFrom}) = 1`),
    check(
      'service_availability_period_order',
      sql`${t.liveTo} is null or (${t.liveTo} >= ${t.liveFrom} and extract(day from ${t.liveTo}) = 1)`,
    ),
    // Serves "what is live in month M" for one board or one service.
    index('service_availability_unit_service').on(t.orgUnitId, t.serviceId, t.liveFrom),
  ],
)

/**
 * One row whose version moves, when the transaction commits, with every change to the reference
 * data an export resolves its request against: the units and their superseded codes, the
 * services, measures and which measures apply, and coverage. Triggers on those tables set it from
 * reference_version_numbers, so a number is never used twice, even by a change rolled back.
 */
export const referenceVersion = pgTable(
  'reference_version',
  {
    id: integer('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [check('reference_version_one_row', sql`${t.id} = 1`)],
)

export const referenceVersionNumbers = pgSequence('reference_version_numbers')

export type Service = typeof services.$inferSelect
export type Measure = typeof measures.$inferSelect
