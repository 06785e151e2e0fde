// One financial year of one service's breakdowns by one dimension (SIMD quintile, age band or
// sex) as the exports publish them, with disclosure control across every category, unit and
// period at once (docs/decisions/0019-breakdowns.md).
//
// The categories of a figure add up to it, so they are protected together with it and with the
// measures related to it. The totals themselves are settled by the activity block of the same
// service and year: a total it publishes is public here and is never suppressed again; a total
// it suppresses stays unknown here, and its categories are all hidden, so no sum of categories
// gives it back. The totals' pattern therefore never
// depends on whether anyone asks for breakdowns. Under disclosure control categories are
// published by financial quarter and year only: by month they are mostly small, and leaving the
// months out keeps the table small enough to protect in a second or two.
import type { Period } from '#app/domain/periods.ts'
import {
  buildServiceBlock,
  type BlockUnit,
  type Fate,
  type MonthFigure,
  type ServiceBlock,
  SLOTS,
  type SuppressionPattern,
} from './activity-table.ts'
import { type MeasureRelation, partOfWholeRelations, restName } from './measure-relations.ts'

/** The name a category goes by inside a block: `referrals|simd=1`. */
export const categoryMeasure = (measure: string, dimension: string, category: string) =>
  `${measure}|${dimension}=${category}`

export interface BreakdownFigure extends Omit<MonthFigure, 'measureId'> {
  measure: string
  dimension: string
  category: string
}

export interface BreakdownBlockInput {
  yearStart: string
  units: readonly BlockUnit[]
  total: BlockUnit | null
  /**
   * The measures broken down, each with the dimensions (and their categories) that split it, and
   * the measures related to them (with no dimensions): the totals' relations take part too.
   */
  measures: ReadonlyArray<{
    id: number
    name: string
    dimensions: ReadonlyArray<{ name: string; categories: readonly string[] }>
  }>
  /** The month figures of those measures (the totals). */
  figures: readonly MonthFigure[]
  breakdowns: readonly BreakdownFigure[]
  expected: (unitId: number, month: string) => boolean
  sdc: { threshold: number } | null
  /** The activity block of the same service and year, with the same disclosure control. */
  totals: ServiceBlock
  pattern?: SuppressionPattern
}

export function buildBreakdownBlock(input: BreakdownBlockInput): ServiceBlock {
  const names: string[] = []
  const relations: MeasureRelation[] = []
  for (const measure of input.measures) {
    names.push(measure.name)
    for (const dimension of measure.dimensions) {
      const parts = dimension.categories.map((c) => categoryMeasure(measure.name, dimension.name, c))
      names.push(...parts)
      relations.push({ total: measure.name, parts })
    }
  }
  // A part of a whole, category by category (recovered within at caseness, in quintile 1): the
  // rest of each is a count too.
  for (const pair of partOfWholeRelations(input.measures.map((m) => m.name))) {
    relations.push(pair)
    const whole = input.measures.find((m) => m.name === pair.total)!
    const part = input.measures.find((m) => m.name === pair.parts[0])!
    for (const dimension of whole.dimensions) {
      const shared = part.dimensions.find((d) => d.name === dimension.name)
      for (const category of dimension.categories.filter((c) => shared?.categories.includes(c))) {
        const total = categoryMeasure(whole.name, dimension.name, category)
        const partName = categoryMeasure(part.name, dimension.name, category)
        relations.push({ total, parts: [partName], rest: restName(total, partName) })
      }
    }
  }
  const ids = new Map(names.map((name, i) => [name, i + 1]))
  const totalOf = new Map(
    input.measures.flatMap((m) =>
      m.dimensions.flatMap((d) => d.categories.map((c) => [categoryMeasure(m.name, d.name, c), m.name] as const)),
    ),
  )
  const totalIds = new Map(input.measures.map((m) => [m.id, ids.get(m.name)!]))
  const figures: MonthFigure[] = [
    ...input.figures
      .filter((f) => totalIds.has(f.measureId))
      .map((f) => ({ ...f, measureId: totalIds.get(f.measureId)! })),
    ...input.breakdowns.flatMap((b) => {
      const id = ids.get(categoryMeasure(b.measure, b.dimension, b.category))
      return id === undefined ? [] : [{ ...b, measureId: id }]
    }),
  ]
  const totalNames = new Set(input.measures.map((m) => m.name))
  const block = {
    yearStart: input.yearStart,
    units: input.units,
    total: input.total,
    measures: names.map((name) => ({ id: ids.get(name)!, name })),
    figures,
    expected: input.expected,
    sdc: input.sdc,
    relations,
    pattern: input.pattern,
    byQuarter: new Set(names.filter((name) => !totalNames.has(name))),
    settled: (measure: string, unitId: number, period: Period): Fate | undefined => {
      if (totalNames.has(measure)) return input.totals.fate(measure, unitId, period)
      // Every category of a suppressed total is hidden, zeros too: which are 0 would bound it.
      const total = totalOf.get(measure)
      return total && input.totals.fate(total, unitId, period) === 'suppressed' ? 'hidden' : undefined
    },
  }
  try {
    return buildServiceBlock(block)
  } catch (error) {
    if (!input.sdc || input.pattern) throw error
    // The totals' own pattern leaves no safe way to publish the categories (a corner the rules
    // cannot settle by suppressing categories alone): publish none of them, zeros included.
    const rows = input.units.length + (input.total ? 1 : 0)
    const every = names.flatMap((name, m) =>
      totalNames.has(name) ? [] : Array.from({ length: rows * SLOTS }, (_, i) => m * rows * SLOTS + i),
    )
    return buildServiceBlock({ ...block, pattern: Uint32Array.from(every) })
  }
}
