import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  check,
  date,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { serviceMeasures } from './catalogue.ts'
import { returns, returnValues } from './returns.ts'
import { users } from './users.ts'

export const queryStatus = pgEnum('query_status', ['open', 'answered', 'closed'])

/**
 * A data query the national lead raises on one figure of a return (service and measure given)
 * or on the whole return (neither given). The board lead answers it, and may correct the figure;
 * the national lead closes it. Its conversation is in `query_messages`.
 */
export const dataQueries = pgTable(
  'data_queries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgUnitId: integer('org_unit_id').notNull(),
    /** First day of the month of the return. */
    month: date('month', { mode: 'string' }).notNull(),
    serviceId: integer('service_id'),
    measureId: integer('measure_id'),
    status: queryStatus('status').notNull().default('open'),
    raisedBy: integer('raised_by')
      .notNull()
      .references(() => users.id),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the status last changed: the newest message's time. */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedBy: integer('closed_by').references(() => users.id),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({
      name: 'data_queries_return_fk',
      columns: [t.orgUnitId, t.month],
      foreignColumns: [returns.orgUnitId, returns.month],
    }),
    // A query on a figure names a measure that applies to the service.
    foreignKey({
      name: 'data_queries_service_measure_fk',
      columns: [t.serviceId, t.measureId],
      foreignColumns: [serviceMeasures.serviceId, serviceMeasures.measureId],
    }),
    check('data_queries_figure_or_return', sql`(${t.serviceId} is null) = (${t.measureId} is null)`),
    check('data_queries_closed', sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
    // Serves a return's queries (the form, the report) and /queries by board.
    index('data_queries_return').on(t.orgUnitId, t.month),
    // Serves /queries by status, newest first.
    index('data_queries_status').on(t.status, t.updatedAt),
  ],
)

export const queryMessageKind = pgEnum('query_message_kind', ['question', 'answer', 'closing', 'reopening'])

/**
 * The conversation of a query, append-only: the question, each answer (with the figure version
 * a correction created, when the answer corrected the figure), the closing note.
 */
export const queryMessages = pgTable(
  'query_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queryId: bigint('query_id', { mode: 'number' })
      .notNull()
      .references(() => dataQueries.id),
    kind: queryMessageKind('kind').notNull(),
    body: text('body').notNull(),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The version of the figure that the answer's correction created. */
    correctionId: bigint('correction_id', { mode: 'number' }).references(() => returnValues.id),
  },
  (t) => [
    check('query_messages_body_length', sql`char_length(${t.body}) between 1 and 2000`),
    index('query_messages_query').on(t.queryId, t.at),
  ],
)

export type DataQuery = typeof dataQueries.$inferSelect
export type QueryMessage = typeof queryMessages.$inferSelect
export type QueryStatus = (typeof queryStatus.enumValues)[number]
