import { sql } from 'drizzle-orm'
import {
  bigserial,
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { serviceMeasures } from './catalogue.ts'
import { orgUnits } from './org-units.ts'
import { returns } from './returns.ts'
import { users } from './users.ts'

/** A way of splitting a count, one at a time and never crossed: `simd`, `age`, `sex`. */
export const breakdownDimensions = pgTable('breakdown_dimensions', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  label: text('label').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
})

/**
 * The categories of a dimension, e.g. SIMD quintile 1 or age 18-24, each with an `unknown`.
 * `rank` orders the ordered categories (quintile 1 = most deprived = rank 1) for the slope
 * index of inequality; `unknown` has none.
 */
export const breakdownCategories = pgTable(
  'breakdown_categories',
  {
    id: serial('id').primaryKey(),
    dimensionId: integer('dimension_id')
      .notNull()
      .references(() => breakdownDimensions.id),
    name: text('name').notNull(),
    label: text('label').notNull(),
    rank: smallint('rank'),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [
    unique('breakdown_categories_dimension_name').on(t.dimensionId, t.name),
    // The target of the values' (dimension, category) key: a category of another dimension
    // cannot be stored against this one.
    unique('breakdown_categories_dimension_id').on(t.dimensionId, t.id),
  ],
)

/** Which dimensions split which measure of which service. */
export const breakdownMeasures = pgTable(
  'breakdown_measures',
  {
    serviceId: integer('service_id').notNull(),
    measureId: integer('measure_id').notNull(),
    dimensionId: integer('dimension_id')
      .notNull()
      .references(() => breakdownDimensions.id),
  },
  (t) => [
    primaryKey({ columns: [t.serviceId, t.measureId, t.dimensionId] }),
    foreignKey({
      name: 'breakdown_measures_service_measure_fk',
      columns: [t.serviceId, t.measureId],
      foreignColumns: [serviceMeasures.serviceId, serviceMeasures.measureId],
    }),
  ],
)

/**
 * Breakdown figures as append-only versions, exactly like `return_values`: an edit closes the
 * current row and inserts a new one; a trigger refuses any other update and every delete.
 */
export const breakdownValues = pgTable(
  'breakdown_values',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgUnitId: integer('org_unit_id').notNull(),
    serviceId: integer('service_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    measureId: integer('measure_id').notNull(),
    dimensionId: integer('dimension_id').notNull(),
    categoryId: integer('category_id').notNull(),
    value: integer('value').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().defaultNow(),
    validTo: timestamp('valid_to', { withTimezone: true }),
    changedBy: integer('changed_by').references(() => users.id),
    changeReason: text('change_reason'),
  },
  (t) => [
    foreignKey({
      name: 'breakdown_values_return_fk',
      columns: [t.orgUnitId, t.month],
      foreignColumns: [returns.orgUnitId, returns.month],
    }),
    // The dimension must apply to the measure of the service.
    foreignKey({
      name: 'breakdown_values_breakdown_measure_fk',
      columns: [t.serviceId, t.measureId, t.dimensionId],
      foreignColumns: [breakdownMeasures.serviceId, breakdownMeasures.measureId, breakdownMeasures.dimensionId],
    }),
    // The category must belong to the dimension.
    foreignKey({
      name: 'breakdown_values_category_fk',
      columns: [t.dimensionId, t.categoryId],
      foreignColumns: [breakdownCategories.dimensionId, breakdownCategories.id],
    }),
    check('breakdown_values_value_non_negative', sql`${t.value} >= 0`),
    check('breakdown_values_valid_period', sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`),
    uniqueIndex('breakdown_values_one_current')
      .on(t.orgUnitId, t.serviceId, t.month, t.measureId, t.categoryId)
      .where(sql`${t.validTo} is null`),
    index('breakdown_values_history').on(t.orgUnitId, t.month, t.serviceId, t.measureId, t.validFrom),
    // Serves one service, measure and dimension over a period (the equity page and the API).
    index('breakdown_values_current_service_month')
      .on(t.serviceId, t.measureId, t.dimensionId, t.month)
      .where(sql`${t.validTo} is null`),
  ],
)

/**
 * Population by category of a dimension (board x SIMD quintile; board x age band and board x
 * sex, summed from the board x age band x sex file), one row per vintage like the board totals.
 */
export const breakdownPopulations = pgTable(
  'breakdown_populations',
  {
    orgUnitId: integer('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    year: smallint('year').notNull(),
    dimensionId: integer('dimension_id').notNull(),
    categoryId: integer('category_id').notNull(),
    population: integer('population').notNull(),
    source: text('source').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgUnitId, t.year, t.categoryId, t.source] }),
    foreignKey({
      name: 'breakdown_populations_category_fk',
      columns: [t.dimensionId, t.categoryId],
      foreignColumns: [breakdownCategories.dimensionId, breakdownCategories.id],
    }),
    check('breakdown_populations_population_non_negative', sql`${t.population} >= 0`),
    check('breakdown_populations_year_range', sql`${t.year} between 1900 and 2200`),
  ],
)

export type BreakdownDimension = typeof breakdownDimensions.$inferSelect
export type BreakdownCategory = typeof breakdownCategories.$inferSelect
