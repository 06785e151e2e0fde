// The activity export broken down by one dimension (`breakdown=simd|age|sex`): each figure's
// categories, as at a moment, with qualifiers and disclosure control. The categories' pattern is
// worked out for every unit and period of a service's year at once, one dimension at a time, on
// top of the totals' own pattern (app/disclosure/breakdown-table.ts), so it never depends on the
// boards, measures or periods asked for.
import { buildBreakdownBlock, categoryMeasure } from '#app/disclosure/breakdown-table.ts'
import type { ServiceBlock } from '#app/disclosure/activity-table.ts'
import { withRelatedMeasures } from '#app/disclosure/measure-relations.ts'
import { type Period, periodsBetween, periodStart } from '#app/domain/periods.ts'
import { addMonths, monthIndex } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { countCacheLookup } from '#app/utils/metrics.server.ts'
import type { Executor } from '#db/client.ts'
import { type BreakdownCatalogue, loadBreakdownCatalogue } from './breakdowns.server.ts'
import {
  type ActivityRow,
  digestOf,
  expectedIn,
  patternCache,
  type ReadActivityOptions,
  readYearBreakdowns,
  readYearFigures,
  type ServiceRef,
  yearBlocks,
} from './exports.server.ts'

export interface BreakdownRow extends ActivityRow {
  breakdown: string
  category: string
}

/** The long layout with a breakdown: the activity columns with `breakdown` and `category` before the value. */
export const BREAKDOWN_LONG_COLUMNS = [
  'period',
  'financial_year',
  'board_code',
  'board_name',
  'service',
  'measure',
  'breakdown',
  'category',
  'value',
  'qualifier',
] as const satisfies readonly (keyof BreakdownRow)[]

/**
 * The rows of a broken-down activity export, one financial year per batch, in the order period,
 * service, board (Scotland last), category, measure. Only measures (and rates whose counts both
 * are) split by the dimension appear.
 */
export async function* readBreakdownActivity(
  options: ReadActivityOptions & { dimension: string },
  db: Executor = getDb(),
): AsyncGenerator<BreakdownRow[]> {
  const { reference, filters } = options
  const catalogue = await loadBreakdownCatalogue(db)
  const dimension = catalogue.dimensions.get(options.dimension)
  if (!dimension) return
  const national = reference.units.find((u) => u.kind === 'national') ?? null
  const visible = options.visibleOrgUnitIds ? new Set(options.visibleOrgUnitIds) : null
  const output = new Set(
    reference.units
      .filter((u) => (filters.unitIds ? filters.unitIds.includes(u.id) : true))
      .filter((u) => (visible ? visible.has(u.id) : true))
      .map((u) => u.id),
  )
  const splits = (service: ServiceRef, measure: string) =>
    catalogue.applies.get(`${service.slug}|${measure}`)?.some((d) => d.name === dimension.name) ?? false
  const services = filters.services.filter((s) => s.delivery === 'board' && s.measures.some((m) => splits(s, m)))
  if (output.size === 0 || services.length === 0) return
  const units = [...reference.units.filter((u) => u.kind === 'board'), ...(national ? [national] : [])]

  for (
    let yearStart = periodStart(options.from, 'fy');
    monthIndex(yearStart) <= monthIndex(options.to);
    yearStart = addMonths(yearStart, 12)
  ) {
    const yearEnd = addMonths(yearStart, 11)
    const first = monthIndex(options.from) > monthIndex(yearStart) ? options.from : yearStart
    const last = monthIndex(options.to) < monthIndex(yearEnd) ? options.to : yearEnd
    const rows: BreakdownRow[] = []
    for (const service of services) {
      const block = await breakdownYearBlock(db, { service, yearStart, catalogue, ...options })
      for (const period of periodsBetween(first, last, options.grain)) {
        for (const unit of units) {
          if (!output.has(unit.id)) continue
          rows.push(...breakdownRowsFor(period, service, unit, block, dimension, options, splits))
        }
      }
    }
    if (rows.length) yield rows
  }
}

function breakdownRowsFor(
  period: Period,
  service: ServiceRef,
  unit: { id: number; code: string; name: string },
  block: ServiceBlock,
  dimension: BreakdownCatalogue['dimensions'] extends Map<string, infer D> ? D : never,
  { filters }: Pick<ReadActivityOptions, 'filters'>,
  splits: (service: ServiceRef, measure: string) => boolean,
) {
  const rows: BreakdownRow[] = []
  const base = {
    period: period.key,
    financial_year: period.financialYear,
    board_code: unit.code,
    board_name: unit.name,
    service: service.slug,
    breakdown: dimension.name,
  }
  // Category by category, each with its measures, so that a wide layout takes one row per category.
  for (const category of dimension.categories) {
    const at = (measure: string) => categoryMeasure(measure, dimension.name, category.name)
    for (const measure of filters.measures) {
      if (!service.measures.includes(measure.name) || !splits(service, measure.name)) continue
      const cell = block.figure(at(measure.name), unit.id, period)
      if (cell) rows.push({ ...base, measure: measure.name, category: category.name, ...cell })
    }
    for (const indicator of filters.indicators) {
      if (!splits(service, indicator.numerator) || !splits(service, indicator.denominator)) continue
      const cell = block.rate(at(indicator.numerator), at(indicator.denominator), unit.id, period)
      if (cell) rows.push({ ...base, measure: indicator.id, category: category.name, ...cell })
    }
  }
  return rows
}

/**
 * Every measure of one service split by one dimension, in one financial year, for every unit:
 * the block whose pattern the breakdowns publish, on top of the totals' block.
 */
export async function breakdownYearBlock(
  db: Executor,
  options: Pick<ReadActivityOptions, 'asAt' | 'sdc' | 'reference'> & {
    service: ServiceRef
    yearStart: string
    catalogue: BreakdownCatalogue
    dimension: string
  },
): Promise<ServiceBlock> {
  const { reference, service, yearStart, catalogue } = options
  const national = reference.units.find((u) => u.kind === 'national') ?? null
  const boards = reference.units.filter((u) => u.kind === 'board')
  const unitIds = [...boards, ...(national ? [national] : [])].map((u) => u.id)
  const dimensionsOf = (measure: string) =>
    (catalogue.applies.get(`${service.slug}|${measure}`) ?? [])
      .filter((d) => d.name === options.dimension)
      .map((d) => ({ name: d.name, categories: d.categories.map((c) => c.name) }))
  // The broken-down measures and every measure related to them, whose totals take part too.
  const related = withRelatedMeasures(
    service.measures.filter((m) => dimensionsOf(m).length > 0),
    service.measures,
  )
  const measures = reference.measures
    .filter((m) => related.has(m.name))
    .map((m) => ({ id: m.id, name: m.name, dimensions: dimensionsOf(m.name) }))
  // The totals as the activity export publishes them.
  const totals = await yearBlocks(db, {
    yearStart,
    asAt: options.asAt,
    unitIds,
    services: [
      { service, units: boards, total: national, measures: reference.measures.filter((m) => related.has(m.name)) },
    ],
    availability: reference.availability,
    sdc: options.sdc,
  })
  const query = {
    yearStart,
    yearEnd: addMonths(yearStart, 11),
    asAt: options.asAt,
    unitIds,
    serviceIds: [service.id],
    measureIds: measures.map((m) => m.id),
  }
  // One after another: inside a transaction they share one connection.
  const figures = (await readYearFigures(db, query)).get(service.id) ?? []
  const categoryOf = new Map(
    [...catalogue.dimensions.values()].flatMap((d) =>
      d.categories.map((c) => [c.id, { dimension: d.name, category: c.name }]),
    ),
  )
  const measureName = new Map(measures.map((m) => [m.id, m.name]))
  const breakdowns = ((await readYearBreakdowns(db, query)).get(service.id) ?? []).map((b) => ({
    ...b,
    measure: measureName.get(b.measureId)!,
    ...categoryOf.get(b.categoryId)!,
  }))
  const totalsBlock = totals.get(service.id)!
  const input = {
    yearStart,
    units: boards,
    total: national,
    measures,
    figures,
    breakdowns,
    expected: expectedIn(reference.availability, service.id),
    sdc: options.sdc,
    totals: totalsBlock,
  }
  if (!options.sdc) return buildBreakdownBlock(input)
  const cache = patternCache()
  const key = digestOf([
    'breakdowns',
    options.dimension,
    yearStart,
    options.sdc.threshold,
    boards,
    national,
    measures,
    [...totalsBlock.pattern],
    reference.availability.filter((a) => a.serviceId === service.id),
    figures.map((f) => [f.unitId, f.measureId, f.month, f.value]).sort(),
    breakdowns.map((b) => [b.unitId, b.measureId, b.categoryId, b.month, b.value]).sort(),
  ])
  const pattern = cache.get(key)
  countCacheLookup('suppression-pattern', pattern !== undefined)
  const block = buildBreakdownBlock({ ...input, pattern })
  if (!pattern) cache.set(key, block.pattern)
  return block
}
