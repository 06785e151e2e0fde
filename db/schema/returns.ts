import { sql } from 'drizzle-orm'
import {
  bigserial,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { serviceMeasures } from './catalogue.ts'
import { orgUnits } from './org-units.ts'
import { users } from './users.ts'

export const returnStatus = pgEnum('return_status', ['draft', 'submitted', 'approved'])

/**
 * One row per board-month: the workflow state and an optimistic-concurrency version that every
 * save must quote. A return's figures count in the dashboards once it has been submitted.
 */
export const returns = pgTable(
  'returns',
  {
    orgUnitId: integer('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    /** First day of the month the return covers. */
    month: date('month', { mode: 'string' }).notNull(),
    status: returnStatus('status').notNull().default('draft'),
    version: integer('version').notNull().default(1),
    firstSubmittedAt: timestamp('first_submitted_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    submittedBy: integer('submitted_by').references(() => users.id),
    firstApprovedAt: timestamp('first_approved_at', { withTimezone: true }),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvedBy: integer('approved_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgUnitId, t.month] }),
    check('returns_month_start', sql`extract(day from ${t.month}) = 1`),
    check('returns_version_positive', sql`${t.version} > 0`),
    check(
      'returns_status_consistent',
      sql`(${t.status} = 'draft' or ${t.submittedAt} is not null)
        and (${t.status} <> 'approved' or ${t.approvedAt} is not null)`,
    ),
  ],
)

/**
 * Monthly figures as append-only versions. An edit closes the current row (`valid_to`) and
 * inserts a new one; rows are never updated otherwise nor deleted (a trigger enforces this).
 * Current figures: `valid_to is null`. Figures as at T: `valid_from <= T < coalesce(valid_to, infinity)`.
 * A null value means "not reported"; 0 means a reported zero.
 */
export const returnValues = pgTable(
  'return_values',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgUnitId: integer('org_unit_id').notNull(),
    serviceId: integer('service_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    measureId: integer('measure_id').notNull(),
    value: integer('value'),
    comment: text('comment'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().defaultNow(),
    validTo: timestamp('valid_to', { withTimezone: true }),
    changedBy: integer('changed_by').references(() => users.id),
    changeReason: text('change_reason'),
  },
  (t) => [
    foreignKey({
      name: 'return_values_return_fk',
      columns: [t.orgUnitId, t.month],
      foreignColumns: [returns.orgUnitId, returns.month],
    }),
    // The measure must apply to the service (and so both exist: service_measures has keys to
    // services and measures). Keys of their own to services and measures repeated that check
    // for every figure written, a fifth of a large upload's commit.
    foreignKey({
      name: 'return_values_service_measure_fk',
      columns: [t.serviceId, t.measureId],
      foreignColumns: [serviceMeasures.serviceId, serviceMeasures.measureId],
    }),
    check('return_values_value_non_negative', sql`${t.value} >= 0`),
    check('return_values_valid_period', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
    // At most one current version of each figure.
    uniqueIndex('return_values_one_current')
      .on(t.orgUnitId, t.serviceId, t.month, t.measureId)
      .where(sql`${t.validTo} is null`),
    // Serves figures "as at" a past moment and a figure's history.
    index('return_values_history').on(t.orgUnitId, t.month, t.serviceId, t.measureId, t.validFrom),
    // Serves one service's figures in every board over a period (the service page's small
    // multiples), which the rollups, summed over boards or over services, cannot answer.
    index('return_values_current_service_month')
      .on(t.serviceId, t.month, t.measureId)
      .where(sql`${t.validTo} is null`),
    // Serves national and per-measure aggregates over a period of current figures.
    index('return_values_current_month_measure')
      .on(t.month, t.measureId)
      .where(sql`${t.validTo} is null`),
  ],
)

export const returnAction = pgEnum('return_action', ['submitted', 'approved', 'reopened'])

/** Workflow history of each return, so its status at any past moment can be reconstructed. */
export const returnEvents = pgTable(
  'return_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgUnitId: integer('org_unit_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    action: returnAction('action').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id),
    reason: text('reason'),
  },
  (t) => [
    foreignKey({
      name: 'return_events_return_fk',
      columns: [t.orgUnitId, t.month],
      foreignColumns: [returns.orgUnitId, returns.month],
    }),
    index('return_events_return_at').on(t.orgUnitId, t.month, t.at),
  ],
)

export type ReturnRow = typeof returns.$inferSelect
export type ReturnValue = typeof returnValues.$inferSelect

/**
 * An upload checked and waiting for its owner to commit it: the rows as parsed, so that the
 * commit writes exactly what the preview showed. Committed uploads are kept for the record.
 */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    fileName: text('file_name').notNull(),
    fileSha256: text('file_sha256').notNull(),
    rowCount: integer('row_count').notNull(),
    rows: jsonb('rows').$type<UploadedFigure[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    committedAt: timestamp('committed_at', { withTimezone: true }),
  },
  // Serves "this user's recent uploads".
  (t) => [index('uploads_user_created').on(t.userId, t.createdAt)],
)

/** One checked row of an upload, resolved to catalogue names and a current board code. */
export interface UploadedFigure {
  row: number
  code: string
  month: string
  service: string
  measure: string
  value: number | null
  comment: string | null
  /** One category of a breakdown, or absent for the total. */
  breakdown?: { dimension: string; category: string }
}
