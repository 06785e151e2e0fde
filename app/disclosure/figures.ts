// Disclosure control on the dashboards (`?sdc=on`, for a view that may be published): the rule
// of the exports (./suppression.ts, docs/decisions/0012) applied to each figure's table as it is shown,
// and to the headline tiles. docs/decisions/0014 says what it protects and what it does not.
import { type Cell, type Figure, type FigureColumn } from '#app/domain/figure.ts'
import { PART_OF_WHOLE } from '#app/domain/measures.ts'
import { RATE_INDICATORS } from '#app/statistics/indicators.ts'
import { type SdcRelation, suppressGrid, suppressTable } from './suppression.ts'

/** What a suppressed figure shows, as in the exports' qualifiers. */
export const SUPPRESSED = 'c'

export const SUPPRESSION_NOTE =
  'c: suppressed to protect confidentiality. Counts from 1 to 4 are not shown, nor figures from which one could be worked out (totals, other cells of the row or column, a part and its whole, rates).'

type Disclosure = NonNullable<FigureColumn['disclosure']>

function isSmall(value: number | null | undefined, threshold: number) {
  return typeof value === 'number' && value > 0 && value <= threshold
}

function numberOrNull(value: Cell | undefined) {
  return typeof value === 'number' ? value : null
}

/**
 * A figure with disclosure control: every count from 1 to the threshold, and whatever would
 * give one away, shown as `c`. The counts of a figure are taken to be public with their totals
 * down the column (a period's total is on the page's tiles, Scotland's is the sum of the boards)
 * and, for a count that is the sum of others (`sumOf`), across the row. Two counts that are a
 * part and its whole (`PART_OF_WHOLE`: keys named after the measures, with the same prefix, e.g.
 * `started_within_18_weeks` and `started`, or `national_started_within_18_weeks` and
 * `national_started`) are protected together with the count they imply, the whole less the part,
 * which must not be from 1 to the threshold either. A rate is suppressed when either of its
 * counts is (`rateOf`: keys of the row, shown or not). Rows keep only the figure's columns, so
 * counts a rate was worked out from do not leave the server.
 */
export function protectFigure(figure: Figure, threshold: number): Figure {
  const disclosureOf = (column: FigureColumn): Disclosure | undefined => {
    if (column.kind === 'text' || column.disclosure) return column.disclosure
    if (column.kind === 'count') return undefined
    // A percentage or rate must say what it is worked out from: guessing could publish one.
    throw new Error(`The column ${column.key} of the figure ${figure.id} does not say how to protect it.`)
  }
  const sums = new Map<string, string[]>()
  const rates = new Map<string, [string, string]>()
  const counts = new Set<string>()
  const publicKeys = new Set<string>()
  for (const column of figure.columns) {
    const disclosure = disclosureOf(column)
    if (disclosure === 'public' || disclosure === 'controlled') publicKeys.add(column.key)
    else if (column.kind === 'text') continue
    else if (disclosure && 'sumOf' in disclosure) sums.set(column.key, disclosure.sumOf)
    else if (disclosure && 'rateOf' in disclosure) rates.set(column.key, disclosure.rateOf)
    else counts.add(column.key)
  }
  for (const basis of rates.values()) for (const key of basis) if (!publicKeys.has(key)) counts.add(key)
  const pairs = partOfWholePairs([...counts, ...sums.keys(), ...[...sums.values()].flat()])

  const suppressed = new Map<string, boolean[]>()
  for (const group of countGroups(counts, sums, pairs)) {
    const result =
      group.pairs.length === 0
        ? protectCounts(figure.rows, group, threshold)
        : protectRelated(figure.rows, group, threshold)
    for (const [key, hidden] of result) suppressed.set(key, hidden)
  }
  for (const [key, [numerator, denominator]] of rates) {
    suppressed.set(
      key,
      figure.rows.map(
        (row, r) =>
          isSmall(numberOrNull(row[numerator]), threshold) ||
          isSmall(numberOrNull(row[denominator]), threshold) ||
          Boolean(suppressed.get(numerator)?.[r] || suppressed.get(denominator)?.[r]),
      ),
    )
  }

  let any = false
  const rows = figure.rows.map((row, r) =>
    Object.fromEntries(
      figure.columns.map((column) => {
        const hidden = suppressed.get(column.key)?.[r] === true && row[column.key] !== null
        any ||= hidden
        return [column.key, hidden ? SUPPRESSED : (row[column.key] ?? null)]
      }),
    ),
  )
  return { ...figure, rows, notes: any ? [...figure.notes, SUPPRESSION_NOTE] : figure.notes }
}

interface PartOfWhole {
  part: string
  whole: string
}

/**
 * The part-of-whole pairs among keys named after measures: `<prefix><part>` and
 * `<prefix><whole>` for a pair of PART_OF_WHOLE, with the same prefix.
 */
export function partOfWholePairs(keys: Iterable<string>): PartOfWhole[] {
  const set = new Set(keys)
  const pairs: PartOfWhole[] = []
  for (const key of set) {
    for (const { part, whole } of PART_OF_WHOLE) {
      if (!key.endsWith(part)) continue
      const prefix = key.slice(0, key.length - part.length)
      if (set.has(`${prefix}${whole}`)) pairs.push({ part: key, whole: `${prefix}${whole}` })
    }
  }
  return pairs
}

interface CountGroup {
  keys: string[]
  sums: Array<{ total: string; parts: string[] }>
  pairs: PartOfWhole[]
}

/** Counts linked by a sum or a part-of-whole pair, protected together; any other count alone. */
function countGroups(
  counts: ReadonlySet<string>,
  sums: ReadonlyMap<string, string[]>,
  pairs: readonly PartOfWhole[],
): CountGroup[] {
  const parent = new Map<string, string>()
  const add = (key: string) => {
    if (!parent.has(key)) parent.set(key, key)
  }
  const find = (key: string): string => {
    let root = key
    while (parent.get(root) !== root) root = parent.get(root)!
    return root
  }
  const union = (a: string, b: string) => {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent.set(rb, ra)
  }
  for (const [total, parts] of sums) {
    add(total)
    for (const part of parts) {
      add(part)
      union(total, part)
    }
  }
  for (const key of counts) add(key)
  for (const { part, whole } of pairs) union(whole, part)
  const groups = new Map<string, CountGroup>()
  for (const key of parent.keys()) {
    const root = find(key)
    if (!groups.has(root)) groups.set(root, { keys: [], sums: [], pairs: [] })
    groups.get(root)!.keys.push(key)
  }
  for (const [total, parts] of sums) groups.get(find(total))!.sums.push({ total, parts })
  for (const pair of pairs) groups.get(find(pair.whole))!.pairs.push(pair)
  return [...groups.values()]
}

/**
 * Counts with no part-of-whole pair: a count alone down its column, or the parts of a sum as a
 * grid with the sum as its row totals.
 */
function protectCounts(rows: Figure['rows'], group: CountGroup, threshold: number) {
  const result = new Map<string, boolean[]>()
  const sets = group.sums.length
    ? group.sums
    : group.keys.map((key) => ({ total: null as string | null, parts: [key] }))
  for (const { total, parts } of sets) {
    const grid = suppressGrid(
      rows.map((row) => parts.map((key) => numberOrNull(row[key]))),
      { threshold },
    )
    parts.forEach((key, i) =>
      result.set(
        key,
        grid.cells.map((cells) => cells[i] !== null),
      ),
    )
    if (total)
      result.set(
        total,
        grid.rowTotals.map((s) => s !== null),
      )
  }
  return result
}

/**
 * Counts linked by part-of-whole pairs (and sums), in one table: each count down its rows with
 * its column total, each pair's rest (whole less part, never shown) in every row and in total,
 * and the relations between them wherever the figures add up.
 */
function protectRelated(rows: Figure['rows'], group: CountGroup, threshold: number) {
  const values: (number | null)[] = []
  const unpublished: number[] = []
  const relations: SdcRelation[] = []
  const sumOf = (list: (number | null)[]) =>
    list.some((v) => v !== null) ? list.reduce<number>((s, v) => s + (v ?? 0), 0) : null
  // A column of the table: a cell per row and their total.
  const columns = new Map<string, { cells: number[]; total: number }>()
  const addColumn = (name: string, column: (number | null)[], hidden: boolean) => {
    const cells = column.map((value) => {
      if (hidden && value !== null) unpublished.push(values.length)
      values.push(value)
      return values.length - 1
    })
    const total = values.length
    const sum = sumOf(column)
    if (hidden && sum !== null) unpublished.push(total)
    values.push(sum)
    relations.push({ total, parts: cells })
    columns.set(name, { cells, total })
  }
  for (const key of group.keys)
    addColumn(
      key,
      rows.map((row) => numberOrNull(row[key])),
      false,
    )
  const rests = group.pairs.map((pair) => ({ ...pair, rest: `${pair.whole} - ${pair.part}` }))
  for (const { part, whole, rest } of rests) {
    addColumn(
      rest,
      rows.map((row) => {
        const p = numberOrNull(row[part])
        const w = numberOrNull(row[whole])
        return p === null || w === null || p > w ? null : w - p
      }),
      true,
    )
  }
  // total = sum of parts, in each row and for the column totals, where the figures add up.
  const relate = (total: number, parts: number[]) => {
    const t = values[total]
    if (t === null || t === undefined || parts.some((p) => values[p] === null)) return
    if (parts.reduce((s, p) => s + values[p]!, 0) === t) relations.push({ total, parts })
  }
  const linked = [
    ...group.sums.map(({ total, parts }) => ({ total, parts })),
    ...rests.map(({ part, whole, rest }) => ({ total: whole, parts: [part, rest] })),
  ]
  for (const { total, parts } of linked) {
    const whole = columns.get(total)!
    const members = parts.map((p) => columns.get(p)!)
    rows.forEach((_, r) =>
      relate(
        whole.cells[r]!,
        members.map((m) => m.cells[r]!),
      ),
    )
    relate(
      whole.total,
      members.map((m) => m.total),
    )
  }
  const state = suppressTable({ values, relations, unpublished }, { threshold })
  const result = new Map<string, boolean[]>()
  for (const key of group.keys)
    result.set(
      key,
      columns.get(key)!.cells.map((cell) => state[cell] !== null),
    )
  return result
}

/** A figure whose rows keep only its columns: what it was worked out from stays on the server. */
export function shownColumns(figure: Figure): Figure {
  const rows = figure.rows.map((row) => Object.fromEntries(figure.columns.map((c) => [c.key, row[c.key] ?? null])))
  return { ...figure, rows }
}

/** The counts a headline figure is worked out from, now and a year earlier. */
export interface TileBasis {
  counts: Array<number | null>
  previous?: Array<number | null>
  /** The counts of the figure it is read against (Scotland's, on a board's page). */
  reference?: Array<number | null>
  /**
   * The measure each count is of, in order (keys as in a figure), so that a part and its whole
   * are protected together. Without it, a tile whose id names a rate indicator
   * (`eighteen-weeks`: its numerator and denominator) is read that way.
   */
  keys?: string[]
}

/** The measures of a tile's counts: as its basis says, or those of the rate indicator it shows. */
function basisKeys(id: string | undefined, basis: TileBasis): string[] {
  if (basis.keys) return basis.keys
  const indicator = Object.values(RATE_INDICATORS).find((r) => r.id === id?.replace(/-/g, '_'))
  return indicator && basis.counts.length === 2 ? [indicator.numerator, indicator.denominator] : []
}

/**
 * A headline figure with disclosure control: withheld when any count it is worked out from is
 * from 1 to the threshold, or when two of them are a part and its whole that differ by 1 to the
 * threshold (a rate of 12 out of 13 tells that one person was not in the part); its change on a
 * year earlier dropped when the counts of then are; Scotland's beside it when Scotland's are.
 */
export function protectTile<
  T extends {
    id?: string
    value: number | null
    previous?: number | null
    reference?: { label: string; value: number | null; suppressed?: boolean }
    basis?: TileBasis
    suppressed?: boolean
  },
>(tile: T, threshold: number): Omit<T, 'basis'> {
  const { basis, ...rest } = tile
  if (!basis) return rest
  const keys = basisKeys(tile.id, basis)
  const pairs = partOfWholePairs(keys).map(({ part, whole }) => [keys.indexOf(part), keys.indexOf(whole)] as const)
  const small = (counts: Array<number | null> | undefined) =>
    (counts?.some((c) => isSmall(c, threshold)) ?? false) ||
    pairs.some(([part, whole]) => {
      const p = counts?.[part]
      const w = counts?.[whole]
      return typeof p === 'number' && typeof w === 'number' && isSmall(w - p, threshold)
    })
  const protectedTile: Omit<T, 'basis'> = small(basis.counts)
    ? { ...rest, value: null, previous: undefined, suppressed: true }
    : small(basis.previous)
      ? { ...rest, previous: undefined }
      : rest
  if (rest.reference && small(basis.reference)) {
    protectedTile.reference = { ...rest.reference, value: null, suppressed: true }
  }
  return protectedTile
}
