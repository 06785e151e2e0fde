// One financial year of one service's figures as the exports publish them: months, quarters and
// the year, for each unit (board) and for Scotland, each with its qualifier, with disclosure
// control applied across all of them at once. Pure: app/models/exports.server.ts reads the
// month figures as at a moment and hands them here.
//
// Why a whole financial year, every grain and every board at once (docs/decisions/0012): the
// suppression pattern of a figure then depends only on the data as at the moment read, never on
// the period, grain or boards someone asked for. Two exports made at the same moment suppress the
// same figures, so they cannot be combined to undo each other's suppression: a quarter is never
// published beside two of its months when the third is suppressed, and a board lead's export of
// one board matches the national one.
import { addMonths, monthIndex, monthRange } from '#app/utils/dates.ts'
import { type Period, periodsBetween } from '#app/domain/periods.ts'
import { type MeasureRelation, partOfWholeRelations, relatedGroups } from './measure-relations.ts'
import { type SdcRelation, suppressTable } from './suppression.ts'

/** Public Health Scotland's qualifiers, and `:` (its "not available") for missing figures. */
export type Qualifier = 'p' | 'r' | 'c' | 'z' | ':'

export const QUALIFIERS: readonly { code: Qualifier; name: string; meaning: string }[] = [
  {
    code: 'p',
    name: 'provisional',
    meaning: 'The return was not approved at the moment the figures were read: the figure may still change.',
  },
  {
    code: 'r',
    name: 'revised',
    meaning:
      'The figure differs from the one first approved: it was corrected after approval (and the correction was approved). For a quarter, year or Scotland figure: at least one of its figures was.',
  },
  {
    code: 'c',
    name: 'confidential',
    meaning:
      'Suppressed by disclosure control: a count from 1 to the threshold, or a figure that would let one be worked out, or a rate of such a count. No value is given.',
  },
  {
    code: 'z',
    name: 'not applicable',
    meaning:
      'The measure does not apply to the service, or a rate has no denominator (0 people to divide by). No value is given.',
  },
  {
    code: ':',
    name: 'not available',
    meaning:
      'The figure has not been reported: the board has not sent its return, or left it blank. A quarter, year or Scotland figure is not available unless every month and board in it has reported, so a partial total is never shown as a complete one.',
  },
]

/** A month's figure of one unit and measure as read at the moment of the export. */
export interface MonthFigure {
  unitId: number
  measureId: number
  month: string
  /** null: reported blank (not reported). */
  value: number | null
  /** The return was not approved at that moment. */
  provisional: boolean
  /** The figure differs from the one first approved. */
  revised: boolean
}

export interface BlockUnit {
  id: number
  code: string
  name: string
}

export interface ServiceBlockInput {
  /** First month of the financial year, e.g. 2025-04. */
  yearStart: string
  /** The units the service is delivered by (boards, or the national unit). */
  units: readonly BlockUnit[]
  /** The unit whose figures are the total of `units` (Scotland, for a service boards deliver). */
  total: BlockUnit | null
  measures: readonly { id: number; name: string }[]
  figures: readonly MonthFigure[]
  /** Whether a figure is expected: the service was live (or in pilot) in the unit that month. */
  expected: (unitId: number, month: string) => boolean
  /** Disclosure control, or null for unsuppressed figures. */
  sdc: { threshold: number } | null
  /**
   * Relations between the measures, protected with them: by default the part-of-whole pairs
   * among `measures` (./measure-relations.ts). Disclosure control needs every measure of a
   * relation in `measures`, whichever were asked for, so that the pattern does not depend on it.
   */
  relations?: readonly MeasureRelation[]
  /**
   * The pattern disclosure control found for these very figures before (kept by the caller, who
   * must be sure the figures are the same): applied instead of working it out again.
   */
  pattern?: SuppressionPattern
  /**
   * Figures whose fate is decided elsewhere: the totals a breakdown adds up to, published or
   * suppressed by the activity export, so the same here; and `hidden` figures, never published
   * and, unlike a suppressed count, not even known to be at least 1 (the categories of a
   * suppressed total, zeros included, so that they tell nothing about it).
   */
  settled?: (measure: string, unitId: number, period: Period) => Fate | undefined
  /**
   * Measures published by financial quarter and year only (the categories of a breakdown, whose
   * monthly counts are mostly small): with disclosure control their months are left out of it
   * and never published.
   */
  byQuarter?: ReadonlySet<string>
}

export type Fate = 'published' | 'suppressed' | 'hidden'

export interface PublishedCell {
  value: number | null
  qualifier: Qualifier | null
}

interface CellState {
  exists: boolean
  /** The sum of the figures reported (partial when incomplete); null if none. */
  value: number | null
  complete: boolean
  provisional: boolean
  revised: boolean
  suppressed: boolean
}

// Period slots of a year: 12 months, 4 quarters, the year.
const MONTHS = 12
const QUARTER_SLOT = 12
const YEAR_SLOT = 16
export const SLOTS = 17

/**
 * Which cells disclosure control suppressed: their positions, measure by measure (in the order
 * of the block's measures), row by row, slot by slot. Four bytes a suppressed cell, so it can be
 * kept and applied again to the same figures read later.
 */
export type SuppressionPattern = Uint32Array

export interface ServiceBlock {
  /** A measure's figure for a unit (or the total) and period of this year; undefined if no figure is due or reported. */
  figure(measure: string, unitId: number, period: Period): PublishedCell | undefined
  /** numerator / denominator as published: suppressed if either count is. */
  rate(numerator: string, denominator: string, unitId: number, period: Period): PublishedCell | undefined
  /** The cells disclosure control suppressed (none without it). */
  pattern: SuppressionPattern
  /**
   * How disclosure control treated a figure, for a block whose figures add up to it: suppressed,
   * or taken as public (partial sums too); undefined where there is no figure.
   */
  fate(measure: string, unitId: number, period: Period): Exclude<Fate, 'hidden'> | undefined
}

export function buildServiceBlock(input: ServiceBlockInput): ServiceBlock {
  const months = monthRange(input.yearStart, addMonths(input.yearStart, MONTHS - 1))
  const rows = input.total ? [...input.units, input.total] : [...input.units]
  const rowOf = new Map(rows.map((u, i) => [u.id, i]))
  const totalRow = input.total ? rows.length - 1 : -1
  const unitRows = input.units.map((u) => rowOf.get(u.id)!)
  const tables = new Map<string, CellState[][]>()
  for (const measure of input.measures) {
    const figures = input.figures.filter((f) => f.measureId === measure.id)
    tables.set(measure.name, buildMeasure(input, months, rows.length, totalRow, rowOf, figures))
  }
  const measureTables = [...tables.values()]
  const positionOf = (m: number, r: number, slot: number) => (m * rows.length + r) * SLOTS + slot
  if (input.sdc && input.pattern) {
    for (const position of input.pattern) {
      const rest = Math.floor(position / SLOTS)
      const table = measureTables[Math.floor(rest / rows.length)]!
      table[rest % rows.length]![position % SLOTS]!.suppressed = true
    }
  } else if (input.sdc) {
    const names = input.measures.map((m) => m.name)
    const relations = input.relations ?? partOfWholeRelations(names)
    const periods = yearPeriods(input.yearStart)
    const settled = input.settled
      ? (measure: string, row: number, slot: number) => input.settled!(measure, rows[row]!.id, periods[slot]!)
      : undefined
    for (const group of relatedGroups(names, relations)) {
      applyDisclosureControl(tables, group, unitRows, totalRow, input.sdc.threshold, settled, input.byQuarter)
    }
  }
  const pattern = Uint32Array.from(
    measureTables.flatMap((table, m) =>
      table.flatMap((row, r) => row.flatMap((cell, slot) => (cell.suppressed ? [positionOf(m, r, slot)] : []))),
    ),
  )

  const slotOf = (period: Period) => {
    const offset = monthIndex(period.firstMonth) - monthIndex(input.yearStart)
    if (offset < 0 || offset >= MONTHS)
      throw new RangeError(`${period.key} is not in the year starting ${input.yearStart}`)
    if (period.grain === 'month') return offset
    if (period.grain === 'fq') return QUARTER_SLOT + offset / 3
    return YEAR_SLOT
  }
  const state = (measure: string, unitId: number, period: Period) => {
    const row = rowOf.get(unitId)
    const table = tables.get(measure)
    if (row === undefined || !table) return undefined
    const cell = table[row]![slotOf(period)]!
    return cell.exists ? cell : undefined
  }

  return {
    pattern,
    fate(measure, unitId, period) {
      const cell = state(measure, unitId, period)
      if (!cell || cell.value === null) return undefined
      return cell.suppressed ? 'suppressed' : 'published'
    },
    figure(measure, unitId, period) {
      const cell = state(measure, unitId, period)
      if (!cell) return undefined
      if (!cell.complete) return { value: null, qualifier: ':' }
      if (cell.suppressed) return { value: null, qualifier: 'c' }
      return { value: cell.value, qualifier: cell.provisional ? 'p' : cell.revised ? 'r' : null }
    },
    rate(numerator, denominator, unitId, period) {
      const top = state(numerator, unitId, period)
      const bottom = state(denominator, unitId, period)
      if (!top && !bottom) return undefined
      if (!top || !bottom || !top.complete || !bottom.complete) return { value: null, qualifier: ':' }
      if (top.suppressed || bottom.suppressed) return { value: null, qualifier: 'c' }
      if (bottom.value === 0) return { value: null, qualifier: 'z' }
      const provisional = top.provisional || bottom.provisional
      const revised = top.revised || bottom.revised
      return { value: roundRate(top.value! / bottom.value!), qualifier: provisional ? 'p' : revised ? 'r' : null }
    },
  }
}

/** The periods of a financial year in slot order: its months, its quarters, the year. */
export function yearPeriods(yearStart: string): Period[] {
  const last = addMonths(yearStart, MONTHS - 1)
  return (['month', 'fq', 'fy'] as const).flatMap((grain) => periodsBetween(yearStart, last, grain))
}

/** Rates are published as ratios to 4 decimal places (0.9123 is 91.23%). */
export function roundRate(ratio: number) {
  return Math.round(ratio * 10_000) / 10_000
}

function buildMeasure(
  input: ServiceBlockInput,
  months: readonly string[],
  rowCount: number,
  totalRow: number,
  rowOf: ReadonlyMap<number, number>,
  figures: readonly MonthFigure[],
): CellState[][] {
  const table = emptyTable(rowCount)
  const byKey = new Map(figures.map((f) => [`${f.unitId}:${f.month}`, f]))

  // Months of each unit.
  for (const unit of input.units) {
    const row = table[rowOf.get(unit.id)!]!
    months.forEach((month, slot) => {
      const figure = byKey.get(`${unit.id}:${month}`)
      const cell = row[slot]!
      cell.exists = figure !== undefined || input.expected(unit.id, month)
      cell.value = figure?.value ?? null
      cell.complete = figure !== undefined && figure.value !== null
      cell.provisional = figure?.provisional ?? false
      cell.revised = figure?.revised ?? false
    })
  }
  aggregate(
    table,
    input.units.map((u) => rowOf.get(u.id)!),
    totalRow,
  )
  return table
}

function emptyTable(rowCount: number): CellState[][] {
  return Array.from({ length: rowCount }, () =>
    Array.from({ length: SLOTS }, () => ({
      exists: false,
      value: null,
      complete: true,
      provisional: false,
      revised: false,
      suppressed: false,
    })),
  )
}

/** Quarters and the year of each unit as the sum of their months; the total of the units in every period. */
function aggregate(table: CellState[][], unitRows: readonly number[], totalRow: number) {
  const combine = (cell: CellState, parts: CellState[]) => {
    const present = parts.filter((p) => p.exists)
    cell.exists = present.length > 0
    const reported = present.filter((p) => p.value !== null)
    cell.value = reported.length ? reported.reduce((s, p) => s + p.value!, 0) : null
    cell.complete = present.every((p) => p.complete)
    cell.provisional = reported.some((p) => p.provisional)
    cell.revised = reported.some((p) => p.revised)
  }
  for (const r of unitRows) {
    const row = table[r]!
    for (let q = 0; q < 4; q++) combine(row[QUARTER_SLOT + q]!, row.slice(q * 3, q * 3 + 3))
    combine(row[YEAR_SLOT]!, row.slice(0, MONTHS))
  }
  if (totalRow >= 0) {
    for (let slot = 0; slot < SLOTS; slot++)
      combine(
        table[totalRow]![slot]!,
        unitRows.map((r) => table[r]![slot]!),
      )
  }
}

/**
 * The rest of a relation (its total less its parts) in every unit and period: each month's from
 * that month's figures, where the total and every part were reported and the parts do not exceed
 * the total (the return rules refuse that, but older figures may); quarters, years and the total
 * of the units as the sums of those, like any measure.
 */
function restTable(
  relation: MeasureRelation,
  tables: ReadonlyMap<string, CellState[][]>,
  unitRows: readonly number[],
  totalRow: number,
): CellState[][] {
  const whole = tables.get(relation.total)!
  const parts = relation.parts.map((p) => tables.get(p)!)
  const rest = emptyTable(whole.length)
  for (const r of unitRows) {
    for (let slot = 0; slot < MONTHS; slot++) {
      const total = whole[r]![slot]!
      const values = parts.map((part) => part[r]![slot]!.value)
      const cell = rest[r]![slot]!
      cell.exists = total.exists
      if (total.value === null || values.some((v) => v === null)) continue
      const value = total.value - values.reduce<number>((s, v) => s + v!, 0)
      if (value >= 0) cell.value = value
    }
  }
  aggregate(rest, unitRows, totalRow)
  return rest
}

/**
 * One table for the whole year and a group of related measures: every unit's months, quarters
 * and year, and the total's, for each measure and the rest of each relation between them, with
 * the relations anyone can use (a quarter is the sum of its months, the year of its quarters, the
 * total of the units; a whole is its parts and the rest). Partial sums take part too, as if
 * published: safer than assuming a figure nobody could know. A measure in no relation is a group
 * of one, protected as it always was.
 */
function applyDisclosureControl(
  tables: ReadonlyMap<string, CellState[][]>,
  group: { measures: readonly string[]; relations: readonly MeasureRelation[] },
  unitRows: readonly number[],
  totalRow: number,
  threshold: number,
  settled?: (measure: string, row: number, slot: number) => Fate | undefined,
  byQuarter: ReadonlySet<string> = new Set(),
) {
  const rests = group.relations.filter((r) => r.rest !== undefined)
  const quarterly = new Set([...byQuarter, ...rests.filter((r) => byQuarter.has(r.total)).map((r) => r.rest!)])
  const left = new Set<number>()
  const restTables = new Map(rests.map((r) => [r.rest!, restTable(r, tables, unitRows, totalRow)]))
  const all = new Map([...group.measures.map((m) => [m, tables.get(m)!] as const), ...restTables])
  const index = new Map<CellState, number>()
  const values: (number | null)[] = []
  const unpublished: number[] = []
  const fixed = { published: [] as number[], suppressed: [] as number[] }
  for (const [name, table] of all) {
    table.forEach((row, r) =>
      row.forEach((cell, slot) => {
        index.set(cell, values.length)
        if (slot < MONTHS && quarterly.has(name)) {
          left.add(values.length)
          values.push(null)
          return
        }
        const fate = settled && !restTables.has(name) ? settled(name, r, slot) : undefined
        if ((restTables.has(name) || fate === 'hidden') && cell.value !== null) unpublished.push(values.length)
        else if (fate === 'published' || fate === 'suppressed') fixed[fate].push(values.length)
        values.push(cell.value)
      }),
    )
  }
  const relations: SdcRelation[] = []
  const rows = totalRow >= 0 ? [...unitRows, totalRow] : [...unitRows]
  for (const table of all.values()) {
    const id = (row: number, slot: number) => index.get(table[row]![slot]!)!
    for (const r of rows) {
      for (let q = 0; q < 4; q++)
        relations.push({ total: id(r, QUARTER_SLOT + q), parts: [0, 1, 2].map((m) => id(r, q * 3 + m)) })
      relations.push({ total: id(r, YEAR_SLOT), parts: [0, 1, 2, 3].map((q) => id(r, QUARTER_SLOT + q)) })
    }
    if (totalRow >= 0) {
      for (let slot = 0; slot < SLOTS; slot++)
        relations.push({ total: id(totalRow, slot), parts: unitRows.map((r) => id(r, slot)) })
    }
  }
  // Between measures: in each unit and period where the figures add up (they may not where some
  // were not reported).
  for (const relation of group.relations) {
    const members = [...relation.parts, ...(relation.rest ? [relation.rest] : [])].map((m) => all.get(m)!)
    const whole = all.get(relation.total)!
    for (const r of rows) {
      for (let slot = 0; slot < SLOTS; slot++) {
        const total = whole[r]![slot]!
        const parts = members.map((m) => m[r]![slot]!)
        if (total.value === null || parts.some((p) => p.value === null)) continue
        if (parts.reduce((s, p) => s + p.value!, 0) !== total.value) continue
        relations.push({ total: index.get(total)!, parts: parts.map((p) => index.get(p)!) })
      }
    }
  }
  // The categories of a figure (a relation with no rest) lose their zeros with any one of them.
  const zeroGroups = group.relations
    .filter((relation) => relation.rest === undefined)
    .flatMap((relation) =>
      rows.flatMap((r) =>
        Array.from({ length: SLOTS }, (_, slot) => relation.parts.map((p) => index.get(all.get(p)![r]![slot]!)!)),
      ),
    )
  const kept = (cells: readonly number[]) => !cells.some((cell) => left.has(cell))
  const state = suppressTable(
    {
      values,
      relations: relations.filter((relation) => kept([relation.total, ...relation.parts])),
      unpublished,
      settled: fixed,
      zeroGroups: zeroGroups.filter(kept),
    },
    { threshold },
  )
  for (const [name, table] of all) {
    if (restTables.has(name)) continue
    for (const row of table) {
      for (const cell of row) cell.suppressed = state[index.get(cell)!] !== null || left.has(index.get(cell)!)
    }
  }
}
