// A figure is what one chart shows: its columns (with units) and rows, exactly as the table
// beside the chart and its CSV download give them. Built on the server, sent as loader data,
// drawn by a chart component, printed by FigureTable and written by the CSV resource route.
import type { FunnelCurvePoint, FunnelKind, FunnelPoint } from '#app/statistics/funnels.ts'
import type { SpcPoint, SpcValueKind } from '#app/statistics/spc.ts'
import { formatCount, formatMoney, formatPercent, formatPointChange, formatRate } from './format.ts'

export type CellKind = 'text' | 'count' | 'percent' | 'rate' | 'money'
export type Cell = string | number | null

export interface FigureColumn {
  key: string
  label: string
  kind: CellKind
  /** Shown under the label in the table and after it in the CSV header. */
  unit?: string
  /**
   * How disclosure control (`?sdc=on`, ./figure-disclosure.ts) treats the column. Counts are
   * protected unless 'public' (a population); a count that is the row total of other columns
   * says so (`sumOf`); a percentage or rate names the two counts it divides (`rateOf`: keys of
   * the row, shown or not), or is 'public' (about returns, not people). 'controlled': the value
   * was read under disclosure control already (breakdowns, whose pattern spans every board and
   * period at once), so the figure's table adds none of its own.
   */
  disclosure?:
    | 'public'
    | 'controlled'
    | { sumOf: string[] }
    | { rateOf: [numerator: string, denominator: string] }
  /** The CSV's header when it is a fixed name (an interface others read), instead of the label. */
  csvName?: string
}

export interface Figure {
  /** Unique on its page, used in the CSV route: 'referrals'. */
  id: string
  title: string
  /** What the figure counts, over which period and units, in a sentence. */
  description: string
  columns: FigureColumn[]
  rows: Array<Record<string, Cell>>
  /** Caveats shown under the table (gaps, partial periods, incomplete reporting). */
  notes: string[]
  /** The indicators and measures it shows, with their definitions. */
  definitions: Array<{ label: string; definition: string }>
  /** File name of the CSV download, without extension. */
  fileName: string
  /** How to draw it; a figure without one is a table. */
  chart?: ChartSpec
}

/** A series of a trend chart: a column of the figure, drawn as bars or a line. */
export interface TrendSeries {
  key: string
  label: string
  type: 'bar' | 'line'
  axis?: 'left' | 'right'
  /** Bars with the same stack id are stacked. */
  stack?: string
  /** Index into the shared series styles (colour, dash, pattern). */
  style: number
}

export interface TrendAxis {
  label: string
  kind: CellKind
  /** Percentages default to 0 to 100%. */
  domain?: [number, number]
  /**
   * Room above the highest value, as a multiple of it (e.g. 1.6 keeps bars in the lower part
   * of the plot, clear of a percentage line drawn on the other axis).
   */
  headroom?: number
}

export interface TrendReference {
  y: number
  axis?: 'left' | 'right'
  label: string
  kind: 'standard' | 'reference'
}

/** A chart over the figure's rows: periods along the x axis (`xKey`), one or two value axes. */
export interface TrendChartSpec {
  type: 'trend'
  xKey: string
  xLabel: string
  series: TrendSeries[]
  left: TrendAxis
  right?: TrendAxis
  references?: TrendReference[]
}

/** One bar per row: a column of the figure against a category column, with a reference line. */
export interface ComparisonChartSpec {
  type: 'comparison'
  categoryKey: string
  valueKey: string
  axisLabel: string
  reference?: { value: number; label: string }
}

/** A dated event shown on a trend: a marker on the chart and an item in the list under it. */
export interface EventMarker {
  /** The month it stands on, 'YYYY-MM'. */
  period: string
  /** '15 March 2024' */
  dateLabel: string
  text: string
  /** Whose event: 'Lothian', 'National'. */
  scope: string
  rebase: boolean
}

/** A control chart (XmR) of one monthly series: the points as judged, limits, target, events. */
export interface SpcChartSpec {
  type: 'spc'
  title: string
  kind: SpcValueKind
  points: SpcPoint[]
  target: { value: number; label: string } | null
  annotations: EventMarker[]
  tooFewPointsText: string | null
}

/** A funnel plot: one point per board against Scotland's centre and its control limits. */
export interface FunnelChartSpec {
  type: 'funnel'
  title: string
  kind: FunnelKind
  centre: number
  points: FunnelPoint[]
  curve: FunnelCurvePoint[]
  selectedCode: string | null
  xLabel: string
  yLabel: string
}

export type ChartSpec = TrendChartSpec | ComparisonChartSpec | SpcChartSpec | FunnelChartSpec

/** A cell as people read it in the table: 70,123 ; 91.2% ; 1,234.5 ; not reported as a dash. */
export function formatCell(value: Cell, kind: CellKind): string {
  if (value === null) return '–'
  if (kind === 'text' || typeof value === 'string') return String(value)
  if (kind === 'count') return formatCount(value)
  if (kind === 'percent') return formatPercent(value)
  if (kind === 'money') return formatMoney(value)
  return formatRate(value)
}

/**
 * A cell as the CSV gives it: the same figure as the table, without thousands separators or
 * percent signs (a percentage to one decimal place, in a column whose header says "%"), and an
 * empty cell for "not reported".
 */
export function csvCell(value: Cell, kind: CellKind): string {
  if (value === null) return ''
  if (kind === 'text' || typeof value === 'string') return String(value)
  if (kind === 'count') return String(Math.round(value))
  if (kind === 'percent') return (Math.round(value * 1000) / 10).toFixed(1)
  if (kind === 'money') return (Math.round(value * 100) / 100).toFixed(2)
  return (Math.round(value * 10) / 10).toFixed(1)
}

export function csvHeader(column: FigureColumn) {
  if (column.csvName) return column.csvName
  if (column.kind === 'percent') return `${column.label} (%)`
  return column.unit ? `${column.label} (${column.unit})` : column.label
}

/** Lowercase words joined by hyphens, for file names. */
export function fileSlug(text: string) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

export interface Change {
  direction: 'up' | 'down' | 'same'
  /** 'Up 5.2% on November 2024 to October 2025' */
  text: string
}

/**
 * How a figure changed since the same period a year earlier: a percentage for counts and rates,
 * percentage points for percentages. Null when there is nothing to compare with.
 */
export function describeChange(
  value: number | null,
  previous: number | null | undefined,
  kind: CellKind,
  since: string,
): Change | null {
  if (previous === undefined) return null
  if (value === null || previous === null)
    return { direction: 'same', text: `No comparison with ${since}: figures missing.` }
  if (kind === 'percent') {
    const points = Math.round((value - previous) * 1000) / 10
    if (points === 0) return { direction: 'same', text: `No change on ${since}.` }
    const words = formatPointChange(value - previous).replace(/^[+−]/, '')
    return { direction: points > 0 ? 'up' : 'down', text: `${points > 0 ? 'Up' : 'Down'} ${words} on ${since}.` }
  }
  if (previous === 0) return { direction: 'same', text: `No comparison with ${since}: none then.` }
  const ratio = (value - previous) / previous
  const percent = Math.round(ratio * 1000) / 10
  if (percent === 0) return { direction: 'same', text: `No change on ${since}.` }
  return {
    direction: percent > 0 ? 'up' : 'down',
    text: `${percent > 0 ? 'Up' : 'Down'} ${formatPercent(Math.abs(ratio))} on ${since}.`,
  }
}

/**
 * The rows of a figure's CSV: a header of column labels with units, then the figures as the
 * table shows them, then its notes and definitions under the figures, so the file explains
 * itself when it is passed on.
 */
export function figureCsvRows(figure: Figure, context: { period: string; extractedAt: string }): string[][] {
  const rows: string[][] = [figure.columns.map(csvHeader)]
  for (const row of figure.rows) rows.push(figure.columns.map((c) => csvCell(row[c.key] ?? null, c.kind)))
  rows.push([])
  rows.push(['About these figures'])
  rows.push(['Title', figure.title])
  rows.push(['Description', figure.description])
  rows.push(['Period', context.period])
  rows.push(['Extracted', context.extractedAt])
  rows.push(['Empty cells', 'Not reported (a gap, not zero)'])
  for (const note of figure.notes) rows.push(['Note', note])
  for (const d of figure.definitions) rows.push(['Definition', `${d.label}: ${d.definition}`])
  rows.push([
    'Source',
    'Monthly returns of the territorial health boards; provisional until approved and may be revised',
  ])
  return rows
}
