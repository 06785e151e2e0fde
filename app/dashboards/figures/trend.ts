// The shape every trend figure shares: one row per period of the view, its columns, the gaps
// where nothing was reported, how many returns each period holds, and partial periods, in words.
import type { FigureSet } from '#app/models/indicators.server.ts'
import { type Cell, type Figure, type FigureColumn, fileSlug } from '#app/domain/figure.ts'
import { capitalise } from '#app/domain/format.ts'
import { GRAIN_LABELS, type Grain } from '#app/domain/periods.ts'
import { RATE_INDICATORS } from '#app/statistics/indicators.ts'
import { formatMonthShort } from '#app/utils/dates.ts'
import type { DashboardView } from '../view.ts'

export interface TrendColumn extends FigureColumn {
  value: (figures: FigureSet) => number | null
}

export interface Reporting {
  bucket: string
  expected: number
  reported: number
}

/** Whose returns a period's reporting counts: boards, one board's months, or national returns. */
export type ReportingUnit = 'boards' | 'months' | 'national'

export type Series = Array<{ bucket: string; figures: FigureSet }>

function reportingText(r: Reporting | undefined, grain: Grain, unit: ReportingUnit) {
  if (!r || r.expected === 0) return 'none expected'
  if (unit === 'months')
    return grain === 'month' ? (r.reported > 0 ? 'Yes' : 'No') : `${r.reported} of ${r.expected} months`
  if (unit === 'national') return `${r.reported} of ${r.expected}`
  return grain === 'month' ? `${r.reported} of ${r.expected}` : `${r.reported} of ${r.expected} board-months`
}

const REPORTING_LABELS: Record<ReportingUnit, string> = {
  months: 'Return submitted',
  national: 'National returns submitted',
  boards: 'Boards reported',
}

export function listWords(items: string[]) {
  if (items.length <= 1) return items.join('')
  if (items.length > 6) return `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function monthsWords(n: number) {
  return n === 1 ? '1 month' : `${n} months`
}

export const count = (key: keyof FigureSet) => (f: FigureSet) => f[key]

export function definitionOf(series: { label: string; definition: string }) {
  return { label: series.label, definition: series.definition }
}

const RATE_BY_ID = new Map<string, { numerator: string; denominator: string }>(
  Object.values(RATE_INDICATORS).map((r) => [r.id, r]),
)

export function isRate(key: string) {
  return RATE_BY_ID.has(key)
}

/** The two counts of a rate of a FigureSet. */
export function countsKeysOf(key: keyof FigureSet): [keyof FigureSet, keyof FigureSet] {
  const rate = RATE_BY_ID.get(key)!
  return [rate.numerator as keyof FigureSet, rate.denominator as keyof FigureSet]
}

/** How disclosure control treats a rate of a FigureSet: by its two counts. */
export function rateOf(key: keyof FigureSet, prefix = ''): FigureColumn['disclosure'] {
  const [numerator, denominator] = countsKeysOf(key)
  return { rateOf: [`${prefix}${numerator}`, `${prefix}${denominator}`] }
}

/** The file name of a figure over the view's period: 'referrals 2025-11 to 2026-10 by month'. */
export function periodFileName(title: string, view: DashboardView) {
  const by = view.grain === 'month' ? 'month' : view.grain === 'fq' ? 'quarter' : 'year'
  return fileSlug(`${title} ${view.period.from} to ${view.period.to} by ${by}`)
}

export function trendFigure({
  id,
  title,
  description,
  view,
  series,
  columns,
  reporting,
  reportingUnit,
  definitions,
  extraColumns = [],
  extraRows = [],
}: {
  id: string
  title: string
  description: string
  view: DashboardView
  series: Series
  columns: TrendColumn[]
  reporting?: Reporting[]
  reportingUnit: ReportingUnit
  definitions: Array<{ label: string; definition: string }>
  /** More columns, one row per period, whose values come from elsewhere (Scotland's rate on a board's page). */
  extraColumns?: FigureColumn[]
  extraRows?: Array<Record<string, Cell>>
}): Figure {
  const byBucket = new Map(series.map((s) => [s.bucket, s.figures]))
  const reportingBy = new Map((reporting ?? []).map((r) => [r.bucket, r]))
  const notes: string[] = []
  const gaps: string[] = []
  const incomplete: string[] = []
  const rows = view.buckets.map((bucket, i) => {
    const figures = byBucket.get(bucket.key)
    const row: Record<string, Cell> = { period: bucket.label }
    for (const c of columns) row[c.key] = figures ? c.value(figures) : null
    Object.assign(row, extraRows[i] ?? {})
    if (columns.every((c) => row[c.key] === null)) gaps.push(bucket.label)
    if (reporting) {
      const r = reportingBy.get(bucket.key)
      row.reporting = reportingText(r, view.grain, reportingUnit)
      if (r && r.reported < r.expected) incomplete.push(bucket.label)
    }
    return row
  })
  if (gaps.length > 0) {
    notes.push(
      `No figures were reported for ${listWords(gaps)}: ${gaps.length === 1 ? 'it is' : 'they are'} shown as a gap, not as zero.`,
    )
  }
  if (incomplete.length > 0) {
    notes.push(
      reportingUnit === 'months'
        ? `Returns are missing for ${listWords(incomplete)}: figures there are incomplete.`
        : `Not every return was in for ${listWords(incomplete)}: totals there include only what was reported.`,
    )
  }
  for (const b of view.buckets.filter((b) => b.months < b.fullMonths)) {
    notes.push(
      `${b.label} includes only ${monthsWords(b.months)} of its ${b.fullMonths} (${formatMonthShort(b.from)} to ${formatMonthShort(b.to)}): the period starts or ends part-way through it.`,
    )
  }
  const figureColumns: FigureColumn[] = [
    { key: 'period', label: capitalise(GRAIN_LABELS[view.grain]), kind: 'text' },
    ...columns.map(({ key, label, kind, unit, disclosure }) => ({ key, label, kind, unit, disclosure })),
    ...extraColumns,
  ]
  if (reporting) figureColumns.push({ key: 'reporting', label: REPORTING_LABELS[reportingUnit], kind: 'text' })
  return {
    id,
    title,
    description,
    columns: figureColumns,
    rows,
    notes,
    definitions,
    fileName: periodFileName(title, view),
  }
}
