// Disclosure control on the dashboards (`?sdc=on`, for a view that may be published): the rule
// of the exports (./suppression.ts, docs/decisions/0012) applied to each figure's table as it is shown,
// and to the headline tiles. docs/decisions/0014 says what it protects and what it does not.
import { type Cell, type Figure, type FigureColumn } from '#app/domain/figure.ts'
import { suppressGrid } from './suppression.ts'

/** What a suppressed figure shows, as in the exports' qualifiers. */
export const SUPPRESSED = 'c'

export const SUPPRESSION_NOTE =
  'c: suppressed to protect confidentiality. Counts from 1 to 4 are not shown, nor figures from which one could be worked out (totals, other cells of the row or column, rates).'

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
 * and, for a count that is the sum of others (`sumOf`), across the row. A rate is suppressed when
 * either of its counts is (`rateOf`: keys of the row, shown or not). Rows keep only the figure's
 * columns, so counts a rate was worked out from do not leave the server.
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
    if (disclosure === 'public') publicKeys.add(column.key)
    else if (column.kind === 'text') continue
    else if (disclosure && 'sumOf' in disclosure) sums.set(column.key, disclosure.sumOf)
    else if (disclosure && 'rateOf' in disclosure) rates.set(column.key, disclosure.rateOf)
    else counts.add(column.key)
  }
  for (const basis of rates.values()) for (const key of basis) if (!publicKeys.has(key)) counts.add(key)
  for (const [total, parts] of sums) {
    counts.delete(total)
    for (const part of parts) counts.delete(part)
  }

  const suppressed = new Map<string, boolean[]>()
  const groups = [
    ...[...sums].map(([total, parts]) => ({ total, parts })),
    ...[...counts].map((key) => ({ total: null, parts: [key] })),
  ]
  for (const { total, parts } of groups) {
    const grid = suppressGrid(
      figure.rows.map((row) => parts.map((key) => numberOrNull(row[key]))),
      { threshold },
    )
    parts.forEach((key, i) =>
      suppressed.set(
        key,
        grid.cells.map((cells) => cells[i] !== null),
      ),
    )
    if (total)
      suppressed.set(
        total,
        grid.rowTotals.map((s) => s !== null),
      )
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
}

/**
 * A headline figure with disclosure control: withheld when any count it is worked out from is
 * from 1 to the threshold, and its change on a year earlier dropped when a count of then is.
 */
export function protectTile<
  T extends {
    value: number | null
    previous?: number | null
    reference?: { label: string; value: number | null; suppressed?: boolean }
    basis?: TileBasis
    suppressed?: boolean
  },
>(tile: T, threshold: number): Omit<T, 'basis'> {
  const { basis, ...rest } = tile
  if (!basis) return rest
  const small = (counts: Array<number | null> | undefined) => counts?.some((c) => isSmall(c, threshold)) ?? false
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
