import { bigint, date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'

// Running totals of the reported figures (current versions of submitted returns), kept by
// triggers in the same transaction as every write to return_values and returns (migration
// 0003), so a saved figure shows in every chart at once. The dashboards read these instead of
// summing millions of figure rows on every page. Derived data: no foreign keys, so keeping them
// costs the writes as little as possible; `figure_totals_rebuild()` recomputes them from scratch.
// `reported` counts the figures that were reported (not null): a total with `reported = 0` is a
// gap, not a zero.

/** National totals of each service's measures by month, over every org unit. */
export const figureTotalsByService = pgTable(
  'figure_totals_by_service',
  {
    month: date('month', { mode: 'string' }).notNull(),
    serviceId: integer('service_id').notNull(),
    measureId: integer('measure_id').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    reported: integer('reported').notNull(),
  },
  // Serves the national figures of a period (a range of months), all services or one.
  (t) => [primaryKey({ columns: [t.month, t.serviceId, t.measureId] })],
)

/** Each org unit's totals by month, over the services of each family (ccbt, video...). */
export const figureTotalsByUnit = pgTable(
  'figure_totals_by_unit',
  {
    month: date('month', { mode: 'string' }).notNull(),
    orgUnitId: integer('org_unit_id').notNull(),
    family: text('family').notNull(),
    measureId: integer('measure_id').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    reported: integer('reported').notNull(),
  },
  // Serves every board's figures over a period (board comparisons, the tile map) and, through
  // the month range, one board's.
  (t) => [primaryKey({ columns: [t.month, t.orgUnitId, t.family, t.measureId] })],
)
