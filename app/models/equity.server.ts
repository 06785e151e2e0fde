// The figures of /equity: one financial year's counts by SIMD quintile, age band and sex for a
// board or Scotland, read through the broken-down activity export (so they carry its qualifiers
// and, with disclosure control, exactly its suppression pattern), with the populations of each
// category from the reference data.
import { sql } from 'drizzle-orm'
import { addMonths } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { queryRows } from '#db/client.ts'
import type { Qualifier } from '#app/disclosure/activity-table.ts'
import { readBreakdownActivity } from './breakdown-exports.server.ts'
import { loadBreakdownCatalogue } from './breakdowns.server.ts'
import { loadExportReference } from './exports.server.ts'

export interface EquityCell {
  value: number | null
  qualifier: Qualifier | null
}

export interface EquityDimension {
  name: string
  label: string
  categories: Array<{
    name: string
    label: string
    /** Position for the slope index (quintile 1 = 1); null for `unknown`. */
    rank: number | null
    population: number | null
    /** measure -> the count as published. */
    counts: Record<string, EquityCell>
  }>
}

export interface EquityData {
  dimensions: EquityDimension[]
  /** The population estimates' year and source. */
  populationYear: number | null
  populationSources: string[]
  /** The measures of the service split by at least one dimension. */
  measures: Array<{ name: string; label: string }>
}

/** The services with at least one measure broken down, in catalogue order. */
export async function listBreakdownServices() {
  return queryRows<{ slug: string; name: string }>(
    getDb(),
    sql`select s.slug, s.name from services s
        where exists (select 1 from breakdown_measures b where b.service_id = s.id)
        order by s.sort_order, s.name`,
  )
}

/**
 * One financial year (`yearStart`, April) of one service's breakdowns for a board, or Scotland
 * when `board` is null, as at `asAt`, with disclosure control when `threshold` is given.
 */
export async function getEquityData({
  yearStart,
  board,
  service,
  measures: wanted,
  threshold,
  asAt = new Date(),
}: {
  yearStart: string
  board: string | null
  service: string
  measures: string[]
  threshold: number | null
  asAt?: Date
}): Promise<EquityData> {
  const db = getDb()
  const [reference, catalogue] = await Promise.all([loadExportReference(db), loadBreakdownCatalogue(db)])
  const chosen = reference.services.find((s) => s.slug === service)
  const unit =
    reference.units.find((u) => (board ? u.code === board : u.kind === 'national')) ??
    reference.units.find((u) => u.kind === 'national')!
  const splitMeasures = reference.measures.filter(
    (m) => chosen?.measures.includes(m.name) && catalogue.applies.has(`${chosen.slug}|${m.name}`),
  )
  const dimensions: EquityDimension[] = []
  const populations = await readPopulations(unit.kind === 'board' ? unit.id : null, Number(yearStart.slice(0, 4)))
  for (const dimension of catalogue.dimensions.values()) {
    const counts = new Map<string, Record<string, EquityCell>>()
    if (chosen) {
      const measures = splitMeasures.filter((m) => wanted.includes(m.name))
      for await (const rows of readBreakdownActivity({
        from: yearStart,
        to: addMonths(yearStart, 11),
        grain: 'fy',
        asAt,
        sdc: threshold === null ? null : { threshold },
        filters: { unitIds: [unit.id], services: [chosen], measures, indicators: [], notes: [] },
        visibleOrgUnitIds: null,
        reference,
        dimension: dimension.name,
      })) {
        for (const row of rows) {
          const cells = counts.get(row.category) ?? {}
          cells[row.measure] = { value: row.value, qualifier: row.qualifier }
          counts.set(row.category, cells)
        }
      }
    }
    dimensions.push({
      name: dimension.name,
      label: dimension.label,
      categories: dimension.categories.map((c) => ({
        name: c.name,
        label: c.label,
        rank: dimension.ranks.get(c.name) ?? null,
        population: populations.values.get(`${dimension.name}=${c.name}`) ?? null,
        counts: counts.get(c.name) ?? {},
      })),
    })
  }
  return {
    dimensions,
    populationYear: populations.year,
    populationSources: populations.sources,
    measures: splitMeasures.map((m) => ({ name: m.name, label: m.label })),
  }
}

/**
 * Populations by category of one board, or of all boards together, for the latest year loaded
 * up to `year` (the most recently loaded vintage of it).
 */
async function readPopulations(orgUnitId: number | null, year: number) {
  const rows = await queryRows<{ key: string; population: number; year: number; source: string }>(
    getDb(),
    sql`
      with chosen as (
        select max(year) as year from breakdown_populations where year <= ${year}
      ),
      latest as (
        select distinct on (p.org_unit_id, p.category_id) p.*
        from breakdown_populations p join chosen on p.year = chosen.year
        join org_units o on o.id = p.org_unit_id and o.kind = 'board'
        ${orgUnitId === null ? sql`` : sql`where p.org_unit_id = ${orgUnitId}`}
        order by p.org_unit_id, p.category_id, p.loaded_at desc
      )
      select d.name || '=' || c.name as key, sum(l.population)::int as population, min(l.year)::int as year,
        string_agg(distinct l.source, '; ') as source
      from latest l join breakdown_categories c on c.id = l.category_id join breakdown_dimensions d on d.id = l.dimension_id
      group by d.name, c.name`,
  )
  return {
    values: new Map(rows.map((r) => [r.key, Number(r.population)])),
    year: rows[0] ? Number(rows[0].year) : null,
    sources: [...new Set(rows.flatMap((r) => r.source.split('; ')))],
  }
}
