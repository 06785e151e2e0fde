// The figures of /equity: one financial year's counts by SIMD quintile, age band and sex for a
// board or Scotland, read through the broken-down activity export (so they carry its qualifiers
// and, with disclosure control, exactly its suppression pattern), with the populations of each
// category from the reference data.
import { sql } from 'drizzle-orm'
import { PART_OF_WHOLE } from '#app/domain/measures.ts'
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
    /** The population of the category in the boards counted for the rate measure. */
    population: number | null
    /** measure -> the count as published (for Scotland, the sum over the boards counted). */
    counts: Record<string, EquityCell>
  }>
  /**
   * For Scotland, measure -> the boards whose year is counted: those that reported the
   * breakdown for every month and, with disclosure control, whose categories are all shown, so
   * the sum is of published figures only; and those left out.
   */
  boards?: Record<string, { counted: string[]; left: string[] }>
}

export interface EquityData {
  dimensions: EquityDimension[]
  /** The population estimates' year, and their sources by dimension. */
  populationYear: number | null
  populationSources: Record<string, string[]>
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
 * when `board` is null, as at `asAt`, with disclosure control when `threshold` is given. The
 * first of `measures` is the one rates per 1,000 people are worked out for.
 *
 * Scotland's year is given only where every board and month has reported (a partial total is
 * never shown as a whole one), which a year seldom is: here Scotland is instead the sum of the
 * boards whose own year is complete and shown, over those boards' populations, and says which.
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
  const boards = reference.units.filter((u) => u.kind === 'board')
  const unit = board ? (boards.find((u) => u.code === board) ?? null) : null
  const readFrom = unit ? [unit] : boards
  const splitMeasures = reference.measures.filter(
    (m) => chosen?.measures.includes(m.name) && catalogue.applies.has(`${chosen.slug}|${m.name}`),
  )
  const measures = splitMeasures.filter((m) => wanted.includes(m.name))
  const rateMeasure = wanted.find((m) => measures.some((x) => x.name === m))
  const populations = await readPopulations(Number(yearStart.slice(0, 4)))
  const dimensions: EquityDimension[] = []
  for (const dimension of catalogue.dimensions.values()) {
    // board code -> category -> measure -> cell
    const cells = new Map<string, Map<string, Record<string, EquityCell>>>()
    if (chosen) {
      for await (const rows of readBreakdownActivity({
        from: yearStart,
        to: addMonths(yearStart, 11),
        grain: 'fy',
        asAt,
        sdc: threshold === null ? null : { threshold },
        filters: { unitIds: readFrom.map((u) => u.id), services: [chosen], measures, indicators: [], notes: [] },
        visibleOrgUnitIds: null,
        reference,
        dimension: dimension.name,
      })) {
        for (const row of rows) {
          const byCategory = cells.get(row.board_code) ?? new Map<string, Record<string, EquityCell>>()
          const counts = byCategory.get(row.category) ?? {}
          counts[row.measure] = { value: row.value, qualifier: row.qualifier }
          byCategory.set(row.category, counts)
          cells.set(row.board_code, byCategory)
        }
      }
    }
    const names = dimension.categories.map((c) => c.name)
    const complete = (code: string, measure: string) =>
      names.every((c) => typeof cells.get(code)?.get(c)?.[measure]?.value === 'number')
    const counted = new Map(
      measures.map((m) => [m.name, readFrom.filter((u) => complete(u.code, m.name)).map((u) => u.code)]),
    )
    // A part and its whole (recovered of those at caseness) over the same boards, or their rate mixes two sets.
    for (const { part, whole } of PART_OF_WHOLE) {
      if (!counted.has(part) || !counted.has(whole)) continue
      const both = counted.get(part)!.filter((code) => counted.get(whole)!.includes(code))
      counted.set(part, both)
      counted.set(whole, both)
    }
    const countsOf = (category: string): Record<string, EquityCell> => {
      if (unit) return cells.get(unit.code)?.get(category) ?? {}
      return Object.fromEntries(
        measures.map((m) => {
          const from = counted.get(m.name)!.map((code) => cells.get(code)!.get(category)![m.name]!)
          if (from.length === 0) return [m.name, { value: null, qualifier: ':' }]
          const value = from.reduce((sum, c) => sum + c.value!, 0)
          return [m.name, { value, qualifier: from.some((c) => c.qualifier === 'p') ? 'p' : null }]
        }),
      )
    }
    const populationOf = (category: string) => {
      const codes = unit ? [unit.code] : (counted.get(rateMeasure ?? '') ?? [])
      const values = codes.map((code) => populations.values.get(`${code}|${dimension.name}=${category}`))
      return values.length && values.every((v) => v !== undefined) ? values.reduce((a, b) => a! + b!, 0)! : null
    }
    dimensions.push({
      name: dimension.name,
      label: dimension.label,
      categories: dimension.categories.map((c) => ({
        name: c.name,
        label: c.label,
        rank: dimension.ranks.get(c.name) ?? null,
        population: populationOf(c.name),
        counts: countsOf(c.name),
      })),
      ...(unit
        ? {}
        : {
            boards: Object.fromEntries(
              measures.map((m) => [
                m.name,
                {
                  counted: boards.filter((b) => counted.get(m.name)!.includes(b.code)).map((b) => b.name),
                  left: boards.filter((b) => !counted.get(m.name)!.includes(b.code)).map((b) => b.name),
                },
              ]),
            ),
          }),
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
 * Populations by board and category for the latest year loaded up to `year` (the most recently
 * loaded vintage of it): `code|dimension=category` -> people.
 */
async function readPopulations(year: number) {
  const rows = await queryRows<{ key: string; population: number; year: number; source: string }>(
    getDb(),
    sql`
      with chosen as (
        select max(year) as year from breakdown_populations where year <= ${year}
      )
      select distinct on (p.org_unit_id, p.category_id)
        o.code || '|' || d.name || '=' || c.name as key, p.population, p.year::int as year, p.source
      from breakdown_populations p join chosen on p.year = chosen.year
      join org_units o on o.id = p.org_unit_id
      join breakdown_categories c on c.id = p.category_id
      join breakdown_dimensions d on d.id = p.dimension_id
      order by p.org_unit_id, p.category_id, p.loaded_at desc`,
  )
  return {
    values: new Map(rows.map((r) => [r.key, Number(r.population)])),
    year: rows[0] ? Number(rows[0].year) : null,
    sources: rows.reduce<Record<string, string[]>>((bySource, r) => {
      const dimension = r.key.slice(r.key.indexOf('|') + 1, r.key.indexOf('='))
      const list = (bySource[dimension] ??= [])
      if (!list.includes(r.source)) list.push(r.source)
      return bySource
    }, {}),
  }
}
