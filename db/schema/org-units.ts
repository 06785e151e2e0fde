import { sql } from 'drizzle-orm'
import {
  check,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core'

export const orgUnitKind = pgEnum('org_unit_kind', ['board', 'national'])

/** Territorial health boards, plus one national unit for nationally delivered resources. */
export const orgUnits = pgTable('org_units', {
  id: serial('id').primaryKey(),
  /** GSS code, e.g. S08000024. */
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: orgUnitKind('kind').notNull(),
})

/** Superseded codes still found in old files; recoded on import with a note. */
export const orgUnitAliases = pgTable('org_unit_aliases', {
  code: text('code').primaryKey(),
  orgUnitId: integer('org_unit_id')
    .notNull()
    .references(() => orgUnits.id),
  note: text('note').notNull(),
})

/**
 * Mid-year population estimates, one row per vintage (source) so rates can be recomputed when
 * a vintage is revised. The rate for a year uses the most recently loaded vintage.
 */
export const orgUnitPopulations = pgTable(
  'org_unit_populations',
  {
    orgUnitId: integer('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    year: smallint('year').notNull(),
    population: integer('population').notNull(),
    source: text('source').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgUnitId, t.year, t.source] }),
    check('org_unit_populations_population_positive', sql`${t.population} > 0`),
    check('org_unit_populations_year_range', sql`${t.year} between 1900 and 2200`),
  ],
)

/**
 * Where each board sits on the tile map of the coverage page: a hand-placed grid that keeps
 * the boards roughly where they are on the map, every tile the same size, so small island
 * boards are as visible as large ones. Loaded from reference data like the boards themselves.
 */
export const orgUnitTiles = pgTable(
  'org_unit_tiles',
  {
    orgUnitId: integer('org_unit_id')
      .primaryKey()
      .references(() => orgUnits.id),
    row: smallint('row').notNull(),
    column: smallint('column').notNull(),
    /** A short name that fits on a tile, e.g. "GG&C". */
    label: text('label').notNull(),
  },
  (t) => [
    check('org_unit_tiles_position', sql`${t.row} between 0 and 30 and ${t.column} between 0 and 30`),
    unique('org_unit_tiles_one_per_cell').on(t.row, t.column),
  ],
)

export type OrgUnit = typeof orgUnits.$inferSelect
