// Shared look of every chart: sizes, margins, colours, line styles, patterns and number
// formats, in one pure module (no React, no recharts) so it can be tested and every chart
// looks and reads the same. Colours meet WCAG 2.2's 3:1 contrast for graphics against the white
// page, and none carries meaning alone: each series also has its own line style or fill
// pattern, and a label in the legend, the tooltip and the table.
import { type CellKind, formatCell } from '#app/domain/figure.ts'

export const CHART_HEIGHT = 320
export const SMALL_MULTIPLE_HEIGHT = 150
/** Height of one bar in the horizontal board comparison, and the room around the bars. */
export const COMPARISON_BAR_HEIGHT = 26
export const COMPARISON_PADDING = 96
/** Legend row above a chart's plot. */
export const LEGEND_HEIGHT = 28

/** The height a comparison of `rows` bars needs (so the page can reserve it before it draws). */
export function comparisonChartHeight(rows: number, barHeight: number = COMPARISON_BAR_HEIGHT) {
  return rows * barHeight + COMPARISON_PADDING + LEGEND_HEIGHT
}

/**
 * The drawn chart inside a figure's `[data-chart]` box: recharts' surface or the tile map (not the
 * legend's swatches). The chart downloads copy it.
 */
export const CHART_SVG_SELECTOR = 'svg.recharts-surface, svg.app-tile-map__svg, svg.app-plot__svg'

export const CHART_MARGIN = { top: 24, right: 24, bottom: 48, left: 24 } as const
export const SMALL_MULTIPLE_MARGIN = { top: 8, right: 8, bottom: 8, left: 8 } as const

export const PAGE_BACKGROUND = '#ffffff'
export const TEXT_COLOUR = '#333333'
export const GRID_COLOUR = '#d8d8d8'
export const AXIS_COLOUR = '#5e5e5e'
/** National standards (90%, 50%) and the national reference line. */
export const STANDARD_COLOUR = '#333333'
export const REFERENCE_COLOUR = '#002d54'
/** The board the user chose, highlighted among others. */
export const HIGHLIGHT_COLOUR = '#d55e00'

export interface SeriesStyle {
  colour: string
  /** SVG stroke-dasharray for lines; undefined = solid. */
  dash?: string
  /** Id of the SVG pattern filling bars (see CHART_PATTERNS). */
  pattern: string
  /** Words for the legend of a no-colour reading: 'solid line', 'dashed line'... */
  lineName: string
  fillName: string
}

/**
 * Series in order: blue, vermillion, teal, purple, dark grey (distinguishable with the common
 * colour vision deficiencies, and each at least 3:1 against white), each with its own dash and
 * fill pattern.
 */
export const SERIES_STYLES: readonly SeriesStyle[] = [
  { colour: '#0065bd', pattern: 'solid', lineName: 'solid line', fillName: 'solid fill' },
  { colour: '#c4501a', dash: '8 4', pattern: 'hatch', lineName: 'dashed line', fillName: 'diagonal stripes' },
  { colour: '#00796b', dash: '2 4', pattern: 'dots', lineName: 'dotted line', fillName: 'dots' },
  { colour: '#5d3a9b', dash: '10 4 2 4', pattern: 'cross', lineName: 'dash-dot line', fillName: 'cross-hatching' },
  { colour: '#333333', dash: '4 2', pattern: 'vertical', lineName: 'short-dashed line', fillName: 'vertical stripes' },
]

export function seriesStyle(index: number): SeriesStyle {
  return SERIES_STYLES[index % SERIES_STYLES.length]!
}

/** The fill patterns bars use, defined once per chart as SVG <pattern> elements. */
export const CHART_PATTERNS = ['solid', 'hatch', 'dots', 'cross', 'vertical'] as const
export type ChartPattern = (typeof CHART_PATTERNS)[number]

/** A pattern's id, unique per chart so two charts on a page do not share definitions. */
export function patternId(chartId: string, pattern: string, colour: string) {
  return `${chartId}-${pattern}-${colour.replace('#', '')}`
}

/** Axis tick labels: counts with thousands separators (compact above a million), percentages whole. */
export function formatTick(value: number, kind: CellKind): string {
  if (kind === 'percent') return `${Math.round(value * 100)}%`
  if (kind === 'count' && Math.abs(value) >= 1_000_000) return `${formatCell(value / 1_000_000, 'rate')}m`
  if (kind === 'rate') return formatCell(Math.round(value), 'count')
  if (kind === 'money') return `£${formatCell(Math.round(value), 'count')}`
  return formatCell(value, kind === 'text' ? 'count' : kind)
}

/** Tooltip values: exactly as the table prints them, "not reported" instead of a dash. */
export function formatTooltipValue(value: unknown, kind: CellKind): string {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return 'not reported'
  return formatCell(value as number, kind)
}

/**
 * A round upper bound for an axis that shows `max`: 1, 2, 2.5 or 5 times a power of ten, so
 * small multiples share one readable scale.
 */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (max <= step * power) return step * power
  }
  return 10 * power
}

/** WCAG relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!match) throw new RangeError(`Not a #rrggbb colour: ${hex}`)
  const [r, g, b] = match.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG contrast ratio between two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

/** Black-ish or white text on a fill, whichever reads better (at least 4.5:1 for every fill used here). */
export function textColourOn(fill: string): string {
  return contrastRatio(fill, TEXT_COLOUR) >= contrastRatio(fill, '#ffffff') ? TEXT_COLOUR : '#ffffff'
}

/**
 * The tile map's sequential scale, light to dark blue: five classes, each tile also printing its
 * value, so the colour is never the only way to read it.
 */
export const MAP_SCALE = ['#e6f0fa', '#b3d1ee', '#6fa6dc', '#2f6fb5', '#0b3d73'] as const
/** Tiles with no figure: white with a hatched pattern and the words "no figures". */
export const MAP_NO_DATA = '#ffffff'
export const MAP_TILE_BORDER = '#333333'

export interface MapClass {
  /** Lower and upper bound of the class (the last includes its upper bound). */
  from: number
  to: number
  colour: string
}

/**
 * Equal-width classes between the lowest and highest value (one class when they are equal or
 * there are no values).
 */
export function mapClasses(values: Array<number | null>): MapClass[] {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (present.length === 0) return []
  const min = Math.min(...present)
  const max = Math.max(...present)
  if (min === max) return [{ from: min, to: max, colour: MAP_SCALE[2] }]
  const width = (max - min) / MAP_SCALE.length
  return MAP_SCALE.map((colour, i) => ({
    from: min + i * width,
    to: i === MAP_SCALE.length - 1 ? max : min + (i + 1) * width,
    colour,
  }))
}

/** The class a value falls in (values on a boundary go to the higher class), or null. */
export function mapClassOf(value: number | null, classes: MapClass[]): MapClass | null {
  if (value === null || classes.length === 0) return null
  for (let i = classes.length - 1; i >= 0; i--) {
    if (value >= classes[i]!.from) return classes[i]!
  }
  return classes[0]!
}

/** Words in lines no wider than `maxWidth` (a word longer than that has a line of its own). */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number): string[] {
  const lines: string[] = []
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1]
    if (last !== undefined && measure(`${last} ${word}`) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
  }
  return lines
}

// ---------------------------------------------------------------------------------------------
// Control charts (SPC), funnel plots and their icons: plain SVG drawn by React, no chart library.

/** The plain-SVG charts' surfaces (control chart, funnel plot), for the chart downloads. */
export const PLOT_SVG_CLASS = 'app-plot__svg'

/** Making Data Count's meanings, in colours with at least 3:1 against the page (its own orange and grey are lighter). */
export const SPC_IMPROVEMENT_COLOUR = '#0065bd'
export const SPC_CONCERN_COLOUR = '#b34400'
export const SPC_NEUTRAL_COLOUR = '#5d3a9b'
export const SPC_COMMON_COLOUR = '#6b6b6b'
export const SPC_MEAN_COLOUR = TEXT_COLOUR
export const SPC_LIMIT_COLOUR = AXIS_COLOUR
export const SPC_LIMIT_DASH = '6 4'
export const SPC_TARGET_COLOUR = REFERENCE_COLOUR
export const SPC_TARGET_DASH = '14 4 2 4'
export const ANNOTATION_COLOUR = '#333333'

/** A point's mark: shape as well as colour, so neither carries meaning alone. */
export type MarkShape = 'circle' | 'diamond' | 'square' | 'triangle-up' | 'triangle-down' | 'ring'

export interface MarkStyle {
  colour: string
  shape: MarkShape
  /** Filled, or drawn as an outline on white. */
  filled: boolean
  /** Words for the key. */
  label: string
}

/** The look of each SPC point type (the keys of SpcPointType). */
export const SPC_POINT_STYLES = {
  special_cause_improvement: {
    colour: SPC_IMPROVEMENT_COLOUR,
    shape: 'diamond',
    filled: true,
    label: 'Special cause: improvement',
  },
  special_cause_concern: { colour: SPC_CONCERN_COLOUR, shape: 'square', filled: true, label: 'Special cause: concern' },
  special_cause_neutral: {
    colour: SPC_NEUTRAL_COLOUR,
    shape: 'triangle-up',
    filled: true,
    label: 'Special cause: neither better nor worse',
  },
  common_cause: { colour: SPC_COMMON_COLOUR, shape: 'circle', filled: true, label: 'Common cause' },
  not_judged: { colour: SPC_COMMON_COLOUR, shape: 'ring', filled: false, label: 'Not judged (fewer than 12 points)' },
  not_reported: { colour: SPC_COMMON_COLOUR, shape: 'ring', filled: false, label: 'Not reported' },
  hidden: { colour: SPC_COMMON_COLOUR, shape: 'ring', filled: false, label: 'Hidden (c)' },
} as const satisfies Record<string, MarkStyle>

export const FUNNEL_ABOVE_COLOUR = '#0065bd'
export const FUNNEL_BELOW_COLOUR = '#b34400'
export const FUNNEL_WITHIN_COLOUR = '#6b6b6b'
export const FUNNEL_CENTRE_COLOUR = TEXT_COLOUR
export const FUNNEL_95_DASH = '6 4'
export const FUNNEL_998_DASH = '2 3'

/** The look of each funnel flag (the keys of FunnelFlag). */
export const FUNNEL_FLAG_STYLES = {
  above_998: { colour: FUNNEL_ABOVE_COLOUR, shape: 'triangle-up', filled: true, label: 'Above the 99.8% limit' },
  above_95: { colour: FUNNEL_ABOVE_COLOUR, shape: 'triangle-up', filled: false, label: 'Above the 95% limit' },
  within: { colour: FUNNEL_WITHIN_COLOUR, shape: 'circle', filled: false, label: 'Within the limits' },
  below_95: { colour: FUNNEL_BELOW_COLOUR, shape: 'triangle-down', filled: false, label: 'Below the 95% limit' },
  below_998: { colour: FUNNEL_BELOW_COLOUR, shape: 'triangle-down', filled: true, label: 'Below the 99.8% limit' },
} as const satisfies Record<string, MarkStyle>

/** SVG path of a mark of `size` (its width) centred on x, y. */
export function markPath(shape: MarkShape, x: number, y: number, size: number): string {
  const r = size / 2
  switch (shape) {
    case 'square':
      return `M${x - r * 0.85},${y - r * 0.85}h${r * 1.7}v${r * 1.7}h${-r * 1.7}Z`
    case 'diamond':
      return `M${x},${y - r * 1.15}L${x + r * 1.15},${y}L${x},${y + r * 1.15}L${x - r * 1.15},${y}Z`
    case 'triangle-up':
      return `M${x},${y - r * 1.15}L${x + r * 1.1},${y + r * 0.85}L${x - r * 1.1},${y + r * 0.85}Z`
    case 'triangle-down':
      return `M${x},${y + r * 1.15}L${x + r * 1.1},${y - r * 0.85}L${x - r * 1.1},${y - r * 0.85}Z`
    default:
      // circle and ring: two arcs
      return `M${x - r},${y}a${r},${r} 0 1,0 ${size},0a${r},${r} 0 1,0 ${-size},0Z`
  }
}

/**
 * About `count` round tick values covering min to max (steps of 1, 2, 2.5 or 5 times a power of
 * ten), the first at or below min and the last at or above max.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1]
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1
    return niceTicks(min - pad, max + pad, count)
  }
  const rough = (max - min) / Math.max(1, count - 1)
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 2.5, 5, 10].find((s) => s * power >= rough) ?? 10) * power
  const first = Math.floor(min / step) * step
  const ticks: number[] = []
  for (let v = first; v < max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)))
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)))
  return ticks
}

const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** 'YYYY-MM' as an axis label, 'Mar 2024' (other periods as they are); no date library on the client. */
export function formatPeriodTick(period: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period)
  if (!match) return period
  return `${MONTH_ABBREVIATIONS[Number(match[2]) - 1] ?? match[2]} ${match[1]}`
}
