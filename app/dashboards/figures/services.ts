// The services: every service's main count and coverage (/services), and one service's national
// trend and its figures in every board as small multiples (/services/:slug).
import type { FigureSet } from '#app/models/indicators.server.ts'
import { type Cell, type Figure, fileSlug, type TrendChartSpec } from '#app/domain/figure.ts'
import { availabilityText, NATIONAL_SERVICE, NOT_OFFERED } from '#app/domain/labels.ts'
import { capitalise } from '#app/domain/format.ts'
import { GRAIN_LABELS } from '#app/domain/periods.ts'
import { COUNT_SERIES, OTHER_INDICATORS, RATE_INDICATORS } from '#app/statistics/indicators.ts'
import { formatMonth } from '#app/utils/dates.ts'
import type { FigureContext } from '../context.server.ts'
import { withEvents } from './events.ts'
import { count, definitionOf, rateOf, type TrendColumn, trendFigure } from './trend.ts'

export async function servicesTable(ctx: FigureContext): Promise<Figure> {
  const { view } = ctx
  const { period, board } = view
  const [figures, coverage] = await Promise.all([ctx.data.serviceFigures(), ctx.data.populationCoverage()])
  const figureBy = new Map(figures.map((f) => [f.slug, f]))
  const coverageBy = new Map(coverage.map((c) => [c.slug, c]))
  const where = board?.name ?? 'Scotland'
  return {
    id: 'services-table',
    title: board ? `Services in ${board.name}` : 'Services',
    description: `Each service's main count in ${where}, ${period.label}, and where it was live in ${formatMonth(period.to)}.`,
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'delivered', label: 'Delivered', kind: 'text' },
      { key: 'measure', label: 'Main count', kind: 'text' },
      { key: 'total', label: `Total in ${where}`, kind: 'count' },
      { key: 'unit', label: 'Unit', kind: 'text' },
      ...(board ? [{ key: 'board_status', label: `Status in ${board.name}`, kind: 'text' as const }] : []),
      { key: 'boards_live', label: 'Boards where live', kind: 'text' },
      { key: 'coverage', label: 'Population coverage', kind: 'percent', disclosure: 'public' },
    ],
    rows: view.services.map((s) => {
      const f = figureBy.get(s.slug)
      const c = coverageBy.get(s.slug)
      const status = f?.board
      return {
        service: s.name,
        delivered: s.delivery === 'national' ? 'Nationally' : 'By each board',
        measure: f?.measureLabel ?? null,
        total: f?.total ?? null,
        unit: f?.unit ?? null,
        ...(board
          ? {
              board_status: status?.status
                ? availabilityText(status.status, status.since, status.until)
                : s.delivery === 'national'
                  ? NATIONAL_SERVICE
                  : NOT_OFFERED,
            }
          : {}),
        boards_live: c
          ? s.delivery === 'national' && c.boardsLive === c.boards
            ? 'All (national)'
            : `${c.boardsLive} of ${c.boards}`
          : null,
        coverage: c?.coverage ?? null,
      }
    }),
    notes: [],
    definitions: [definitionOf(OTHER_INDICATORS.populationCoverage)],
    fileName: fileSlug(`services ${period.from} to ${period.to}`),
  }
}

/** The FigureSet key of a measure's count (video sessions are the video family's sessions). */
function countKeyOf(measure: string, family: string): keyof FigureSet | null {
  for (const series of Object.values(COUNT_SERIES)) {
    if (series.measure !== measure) continue
    if ('family' in series && series.family !== family) continue
    return series.id
  }
  return null
}

/** A service's national trend: its first count as bars, and the 18-week rate or its second count as a line. */
function serviceTrendChart(figure: Figure, xLabel: string): TrendChartSpec | undefined {
  const counts = figure.columns.filter((c) => c.kind === 'count')
  const [first, second] = counts
  if (!first) return undefined
  const eighteen = figure.columns.find((c) => c.key === 'eighteen_weeks')
  const unitOf = (c: typeof first) => c.unit ?? 'count'
  const spec: TrendChartSpec = {
    type: 'trend',
    xKey: 'period',
    xLabel,
    series: [
      {
        key: first.key,
        label: `${first.label} (${unitOf(first)}${eighteen || second ? ', left axis' : ''})`,
        type: 'bar',
        style: 0,
      },
    ],
    left: { label: `${first.label} (${unitOf(first)})`, kind: 'count' },
  }
  if (eighteen) {
    spec.series.push({
      key: eighteen.key,
      label: 'Started within 18 weeks (%, right axis)',
      type: 'line',
      axis: 'right',
      style: 1,
    })
    spec.left.headroom = 1.6
    spec.right = { label: '% within 18 weeks', kind: 'percent' }
    spec.references = [
      {
        y: RATE_INDICATORS.eighteenWeeks.standard,
        axis: 'right',
        label: 'Standard: 90% within 18 weeks',
        kind: 'standard',
      },
    ]
  } else if (second) {
    spec.series.push({
      key: second.key,
      label: `${second.label} (${unitOf(second)}, right axis)`,
      type: 'line',
      axis: 'right',
      style: 1,
    })
    spec.left.headroom = 1.6
    spec.right = { label: `${second.label} (${unitOf(second)})`, kind: 'count' }
  }
  return spec
}

/** Every measure of the service in Scotland, with the rates that apply to it. */
export async function serviceTrend(ctx: FigureContext): Promise<Figure | null> {
  const [detail, series, reporting] = await Promise.all([
    ctx.data.serviceDetail(),
    ctx.data.series(),
    ctx.data.reporting(),
  ])
  if (!detail) return null
  const names = new Set(detail.measures.map((m) => m.name))
  const rates = Object.values(RATE_INDICATORS).filter((r) => names.has(r.numerator) && names.has(r.denominator))
  const measureColumns: TrendColumn[] = detail.measures.flatMap((m) => {
    const key = countKeyOf(m.name, detail.family)
    return key ? [{ key, label: m.label, kind: 'count' as const, unit: m.unit, value: count(key) }] : []
  })
  const rateColumns: TrendColumn[] = rates.map((r) => ({
    key: r.id,
    label: r.label,
    kind: 'percent' as const,
    value: count(r.id as keyof FigureSet),
    disclosure: rateOf(r.id as keyof FigureSet),
  }))
  const figure = trendFigure({
    id: 'service-trend',
    title: `${detail.name}: Scotland`,
    description: `What ${detail.name} delivered in Scotland, ${ctx.view.period.label}.`,
    view: ctx.view,
    series,
    reporting,
    reportingUnit: detail.delivery === 'national' ? 'national' : 'boards',
    columns: [...measureColumns, ...rateColumns],
    definitions: [
      ...detail.measures.map((m) => ({ label: m.label, definition: m.description })),
      ...rates.map(definitionOf),
    ],
  })
  return withEvents(ctx, { ...figure, chart: serviceTrendChart(figure, capitalise(GRAIN_LABELS[ctx.view.grain])) })
}

/** The measure a service's small multiples show: the one asked for, or the service's first. */
export async function chosenMeasure(ctx: FigureContext) {
  const detail = await ctx.data.serviceDetail()
  if (!detail) return null
  return detail.measures.find((m) => m.name === ctx.view.filters.measure) ?? detail.measures[0] ?? null
}

/** Small multiples: one measure in every board, sharing one scale. */
export async function serviceByBoard(ctx: FigureContext): Promise<Figure | null> {
  const { view } = ctx
  const [detail, measure, availability] = await Promise.all([
    ctx.data.serviceDetail(),
    chosenMeasure(ctx),
    ctx.data.serviceAvailability(),
  ])
  if (!detail || !measure) return null
  const boardSeries = await ctx.data.boardSeries(measure.name)
  const byBoard = new Map<string, Map<string, number | null>>()
  for (const r of boardSeries) {
    if (!byBoard.has(r.code)) byBoard.set(r.code, new Map())
    byBoard.get(r.code)!.set(r.bucket, r.value)
  }
  const unitNames = new Map(view.boards.map((b) => [b.code, b.name]))
  for (const a of availability) unitNames.set(a.code, a.name)
  return {
    id: 'service-by-board',
    title: `${measure.label} by board`,
    description: `${measure.label} (${measure.unit}) of ${detail.name} in each board, ${view.period.label}. Every board's chart uses the same scale.`,
    columns: [
      { key: 'code', label: 'Board code', kind: 'text' },
      { key: 'board', label: 'Board', kind: 'text' },
      ...view.buckets.map((b) => ({ key: b.key, label: b.label, kind: 'count' as const, unit: measure.unit })),
      {
        key: 'total',
        label: 'Total',
        kind: 'count' as const,
        unit: measure.unit,
        disclosure: { sumOf: view.buckets.map((b) => b.key) },
      },
    ],
    rows: [...byBoard.entries()].map(([code, values]) => {
      const row: Record<string, Cell> = { code, board: unitNames.get(code) ?? code }
      let total: number | null = null
      for (const b of view.buckets) {
        const v = values.get(b.key) ?? null
        row[b.key] = v
        if (v !== null) total = (total ?? 0) + v
      }
      row.total = total
      return row
    }),
    notes: boardSeries.some((r) => r.value === null)
      ? ['A dash means the board reported nothing for that period: shown as a gap in its chart, not as zero.']
      : [],
    definitions: [{ label: measure.label, definition: measure.description }],
    fileName: fileSlug(`${detail.slug} ${measure.name} by board ${view.period.from} to ${view.period.to}`),
  }
}
