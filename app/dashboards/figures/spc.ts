// Control charts (XmR, "Making Data Count") of the monthly trends: each is built from the trend
// figure of its page as that page may show it, so a month hidden by disclosure control is hidden
// here too and left out of the mean, the limits and the rules (DESIGN.md, "Judging the figures").
import { type Cell, type EventMarker, type Figure, fileSlug } from '#app/domain/figure.ts'
import { formatPercent } from '#app/domain/format.ts'
import {
  computeProportionSpc,
  computeSpc,
  type SpcDirection,
  type SpcResult,
  spcNotes,
  spcRows,
} from '#app/statistics/spc.ts'
import { formatMonth } from '#app/utils/dates.ts'
import type { FigureContext } from '../context.server.ts'
import { shownFigure } from '../protect.ts'
import { eventMarkers, eventNote } from './events.ts'
import { groupTrend, outcomesTrend, referralsTrend, selfHelpTrend, startedTrend, videoTrend } from './activity.ts'
import { serviceTrend } from './services.ts'

type Series =
  { kind: 'count'; column: string } | { kind: 'proportion'; column: string; numerator: string; denominator: string }

interface SpcSeries {
  label: string
  unit: string
  series: Series
  direction: SpcDirection
  standard?: number
  /** The trend figure of the overview's and a board's page that holds the series. */
  trend: (ctx: FigureContext) => Promise<Figure | null>
}

/** The series a control chart is drawn for, by name; on a service's page, those it has. */
export const SPC_SERIES = {
  referrals: {
    label: 'Referrals',
    unit: 'people',
    series: { kind: 'count', column: 'referrals' },
    direction: 'neutral',
    trend: referralsTrend,
  },
  started: {
    label: 'Started treatment',
    unit: 'people',
    series: { kind: 'count', column: 'started' },
    direction: 'neutral',
    trend: startedTrend,
  },
  'eighteen-weeks': {
    label: 'Started within 18 weeks',
    unit: '% of people who started',
    series: {
      kind: 'proportion',
      column: 'eighteen_weeks',
      numerator: 'started_within_18_weeks',
      denominator: 'started',
    },
    direction: 'up',
    standard: 0.9,
    trend: startedTrend,
  },
  'recovery-rate': {
    label: 'Recovery rate',
    unit: '% of people at caseness',
    series: {
      kind: 'proportion',
      column: 'recovery_rate',
      numerator: 'proms_recovered',
      denominator: 'proms_at_caseness',
    },
    direction: 'up',
    standard: 0.5,
    trend: outcomesTrend,
  },
  'reliable-improvement-rate': {
    label: 'Reliable improvement rate',
    unit: '% of people with paired scores',
    series: {
      kind: 'proportion',
      column: 'reliable_improvement_rate',
      numerator: 'proms_reliably_improved',
      denominator: 'proms_paired',
    },
    direction: 'up',
    trend: outcomesTrend,
  },
  'video-sessions': {
    label: 'Video 1:1 sessions',
    unit: 'sessions',
    series: { kind: 'count', column: 'video_sessions' },
    direction: 'neutral',
    trend: videoTrend,
  },
  'group-sessions': {
    label: 'Video group sessions',
    unit: 'sessions',
    series: { kind: 'count', column: 'group_sessions' },
    direction: 'neutral',
    trend: groupTrend,
  },
  'self-help-visits': {
    label: 'Online self-help visits',
    unit: 'visits',
    series: { kind: 'count', column: 'self_help_visits' },
    direction: 'neutral',
    trend: selfHelpTrend,
  },
} satisfies Record<string, SpcSeries>

export type SpcSeriesName = keyof typeof SPC_SERIES

function numberOf(value: Cell | undefined) {
  return typeof value === 'number' ? value : null
}

/** The series of a page's trend figure as shown: a `c` (hidden) cell makes a hidden point. */
function inputOf(figure: Figure, months: string[], series: Series) {
  const has = (key: string) => figure.columns.some((c) => c.key === key)
  if (!has(series.column)) return null
  return figure.rows.map((row, i) => {
    const period = months[i]!
    const hidden = row[series.column] === 'c'
    if (series.kind === 'count') return { period, value: numberOf(row[series.column]), hidden }
    return {
      period,
      numerator: numberOf(row[series.numerator]),
      denominator: numberOf(row[series.denominator]),
      hidden,
    }
  })
}

/**
 * The control chart of one series of the context's page, by month, as the page may show it:
 * null when the series does not apply there.
 */
export async function spcOf(ctx: FigureContext, name: SpcSeriesName) {
  const spec: SpcSeries = SPC_SERIES[name]
  const { view } = ctx
  const trend = await (ctx.subject.kind === 'service' ? serviceTrend(ctx) : spec.trend(ctx))
  if (!trend) return null
  const months = view.buckets.map((b) => b.key)
  const input = inputOf(shownFigure(trend, view), months, spec.series)
  if (!input) return null
  const [markers, events] = await Promise.all([eventMarkers(ctx), ctx.data.annotations()])
  const options = {
    direction: spec.direction,
    target: spec.standard ?? null,
    rebaseAt: events.filter((e) => e.rebase).map((e) => e.eventDate),
  }
  const result: SpcResult =
    spec.series.kind === 'count'
      ? computeSpc(input as Array<{ period: string; value: number | null; hidden: boolean }>, {
          ...options,
          kind: 'count',
        })
      : computeProportionSpc(
          input as Array<{ period: string; numerator: number | null; denominator: number | null; hidden: boolean }>,
          options,
        )
  return { spec, result, markers }
}

/** The control chart figure of one series; null unless by month and the series applies. */
export function spcFigure(name: SpcSeriesName) {
  return async (ctx: FigureContext): Promise<Figure | null> => {
    if (ctx.view.grain !== 'month') return null
    const spc = await spcOf(ctx, name)
    return spc ? buildSpcFigure(ctx, name, spc.spec, spc.result, spc.markers) : null
  }
}

function buildSpcFigure(
  ctx: FigureContext,
  name: SpcSeriesName,
  spec: SpcSeries,
  result: SpcResult,
  markers: EventMarker[],
): Figure {
  const { view } = ctx
  const prefix = ctx.subject.kind === 'national' ? 'overview' : ctx.subject.kind
  const where = ctx.board?.name ?? 'Scotland'
  const kind = result.kind === 'proportion' ? ('percent' as const) : ('count' as const)
  const standardText =
    spec.standard === undefined ? '' : ` The standard (${formatPercent(spec.standard)}) is the target line.`
  const tooFew = result.tooFewPoints
    ? `Fewer than 12 months are reported, so no process limits are drawn: choose a longer period to judge the changes.`
    : null
  const eventNotes = markers.map((m) =>
    eventNote(m, ' The limits are recalculated from the first whole month after it.'),
  )
  return {
    id: `${prefix}-spc-${name}`,
    title: `${spec.label}: control chart`,
    description: `${spec.label} (${spec.unit}) in ${ctx.service ? `${ctx.service.name}, ` : ''}${where} each month, ${view.period.label}, with the mean and the process limits (mean plus or minus 2.66 times the mean moving range).${standardText}`,
    columns: [
      { key: 'period', label: 'Month', kind: 'text', csvName: 'period' },
      {
        key: 'value',
        label: spec.label,
        kind,
        unit: kind === 'count' ? spec.unit : undefined,
        csvName: 'value',
        disclosure: 'public',
      },
      { key: 'mean', label: 'Mean', kind, csvName: 'mean', disclosure: 'public' },
      { key: 'lower_limit', label: 'Lower process limit', kind, csvName: 'lower_limit', disclosure: 'public' },
      { key: 'upper_limit', label: 'Upper process limit', kind, csvName: 'upper_limit', disclosure: 'public' },
      { key: 'point_type', label: 'Variation', kind: 'text', csvName: 'point_type' },
      { key: 'rebased', label: 'Limits recalculated from here', kind: 'text', csvName: 'rebased' },
    ],
    rows: spcRows(result).map((row, i) => ({
      ...row,
      period: formatMonth(row.period as string),
      value: result.points[i]!.pointType === 'hidden' ? 'c' : row.value,
    })),
    notes: [...spcNotes(result), ...eventNotes],
    definitions: [
      {
        label: 'Control chart (XmR)',
        definition:
          'The mean of the months, and process limits at the mean plus or minus 2.66 times the mean moving range (moving ranges of 3.267 times the mean or more are left out first). A point is special cause variation when it is outside the limits, in a run of 7 or more on one side of the mean, in 7 or more rising or falling in a row, or 2 of 3 in a row beyond two thirds of the way to a limit on one side. Otherwise the variation is common cause: the usual ups and downs.',
      },
      {
        label: 'Improvement or concern',
        definition:
          spec.direction === 'neutral'
            ? `Neither a rise nor a fall in ${spec.label.toLowerCase()} is better in itself: special causes are shown as neutral.`
            : `Higher is better for ${spec.label.toLowerCase()}: a special cause above the mean is an improvement, below it a concern.`,
      },
    ],
    fileName: fileSlug(`${spec.label} control chart ${where} ${view.period.from} to ${view.period.to}`),
    chart: {
      type: 'spc',
      title: spec.label,
      kind: result.kind,
      points: result.points,
      target:
        spec.standard === undefined
          ? null
          : { value: spec.standard, label: `Standard: ${formatPercent(spec.standard)}` },
      annotations: markers,
      tooFewPointsText: tooFew,
    },
  }
}

/** The control charts a page shows, in order. */
export const SPC_NAMES = Object.keys(SPC_SERIES) as SpcSeriesName[]
