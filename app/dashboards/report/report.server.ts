// The monthly programme report (/reports/:month): one month's headline figures judged on their
// control charts, the boards outside the funnel limits, the returns in, the events of the month,
// and sentences generated from those figures by the rules in sentences.ts. Built from the same
// figure builders as the dashboards, so its figures are theirs; with `asAt` every figure is read
// as the system held it at that moment, so the report's address reproduces it.
import type { Figure } from '#app/domain/figure.ts'
import { periodBuckets } from '#app/domain/periods.ts'
import { addMonths, formatMonth, monthsBetween, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { periodLabel, yearEarlier } from '../filters.ts'
import { figureContext, type FigureContext } from '../context.server.ts'
import { eventMarkers } from '../figures/events.ts'
import { spcFigure, spcOf, type SpcSeriesName } from '../figures/spc.ts'
import { FUNNEL_INDICATORS, type FunnelIndicator, funnelOf } from '../figures/variation.ts'
import { MAP_INDICATOR_DEFINITIONS } from '#app/statistics/indicators.ts'
import type { DashboardView } from '../view.ts'
import {
  completenessSentence,
  funnelSentences,
  type FunnelOutliers,
  type Headline,
  headlineSentences,
  type ReportCompleteness,
} from './sentences.ts'

/** The headline figures, in the order the report states them. */
export const REPORT_HEADLINES: SpcSeriesName[] = [
  'referrals',
  'started',
  'eighteen-weeks',
  'recovery-rate',
  'reliable-improvement-rate',
  'video-sessions',
  'group-sessions',
  'self-help-visits',
]

/** The headline figures drawn as control charts, each with its table. */
export const REPORT_CHARTS: SpcSeriesName[] = ['referrals', 'eighteen-weeks', 'recovery-rate']

/** Control charts show the 24 months to the report month (limits need at least 12). */
export const CHART_MONTHS = 24
/** Funnel plots compare the boards over the 12 months to the report month. */
export const FUNNEL_MONTHS = 12

/** The months of the report's control charts and of its funnel plots. */
export function reportPeriods(month: string) {
  const from = (months: number) => {
    const first = addMonths(month, -(months - 1))
    return first < PROGRAMME_START_MONTH ? PROGRAMME_START_MONTH : first
  }
  return { charts: { from: from(CHART_MONTHS), to: month }, funnels: { from: from(FUNNEL_MONTHS), to: month } }
}

async function headlineOf(ctx: FigureContext, name: SpcSeriesName): Promise<Headline | null> {
  const spc = await spcOf(ctx, name)
  if (!spc) return null
  const { spec, result } = spc
  const points = result.points
  const last = points[points.length - 1]
  const yearEarlier = points.length > 12 ? points[points.length - 13] : undefined
  return {
    name,
    label: spec.label,
    unit: spec.unit,
    kind: result.kind,
    value: last?.pointType === 'hidden' ? null : (last?.value ?? null),
    hidden: last?.pointType === 'hidden',
    yearEarlier: yearEarlier?.pointType === 'hidden' ? null : (yearEarlier?.value ?? null),
    // The chart's latest judged point is this month's only when this month is reported.
    variation: last && result.latestPeriod === last.period ? result.latestVariation : null,
    tooFewPoints: result.tooFewPoints,
    standard: spec.standard ?? null,
    assurance: result.assurance,
    chartPeriod: periodLabel(ctx.view.period.from, ctx.view.period.to),
  }
}

async function funnelOutliers(ctx: FigureContext, indicator: FunnelIndicator): Promise<FunnelOutliers> {
  const result = await funnelOf(ctx, indicator)
  const judged = result.points.filter((p) => p.flag !== null)
  return {
    indicator,
    label: MAP_INDICATOR_DEFINITIONS[indicator].label,
    period: periodLabel(ctx.view.period.from, ctx.view.period.to),
    outside: judged.filter((p) => p.flag !== 'within').map((p) => ({ code: p.code, name: p.name, flag: p.flag! })),
    judged: judged.length,
  }
}

/** The same view over other months. */
function viewOver(view: DashboardView, { from, to }: { from: string; to: string }): DashboardView {
  const period = {
    from,
    to,
    months: monthsBetween(from, to) + 1,
    preset: 'custom' as const,
    label: periodLabel(from, to),
  }
  return { ...view, period, comparison: yearEarlier(period), buckets: periodBuckets(period, view.grain) }
}

/**
 * The report of `view.period.to` for Scotland or `view.board`: `view` is the report's
 * control-chart view (see reportPeriods), by month.
 */
export async function getMonthlyReport(view: DashboardView) {
  const month = view.period.to
  const funnelView = viewOver(view, reportPeriods(month).funnels)
  const board = view.board
  const subject = board ? ({ kind: 'board', board } as const) : ({ kind: 'national' } as const)
  const ctx = figureContext(view, subject)
  const funnelCtx = figureContext(funnelView, subject)
  const [headlines, charts, funnels, returnsIn, markers] = await Promise.all([
    Promise.all(REPORT_HEADLINES.map((name) => headlineOf(ctx, name))),
    Promise.all(REPORT_CHARTS.map((name) => spcFigure(name)(ctx))),
    Promise.all((Object.keys(FUNNEL_INDICATORS) as FunnelIndicator[]).map((i) => funnelOutliers(funnelCtx, i))),
    ctx.data.latestCompleteness(),
    eventMarkers(ctx),
  ])
  const shown = headlines.filter((h): h is Headline => h !== null)
  const completeness: ReportCompleteness = {
    unitsExpected: returnsIn.unitsExpected,
    unitsReported: returnsIn.unitsReported,
    expected: returnsIn.expected,
    submitted: returnsIn.submitted,
    onTime: returnsIn.onTime,
    missing: returnsIn.missing.map((m) => m.name),
  }
  return {
    month,
    monthLabel: formatMonth(month),
    periods: reportPeriods(month),
    board,
    headlines: shown,
    charts: charts.filter((f): f is Figure => f !== null),
    funnels,
    completeness,
    events: markers.filter((m) => m.period === month),
    sentences: {
      returns: [completenessSentence(completeness, month, board?.name ?? null)],
      headlines: shown.flatMap((h) => headlineSentences(h, month)),
      variation: funnelSentences(funnels, board?.code ?? null),
    },
  }
}

export type MonthlyReport = Awaited<ReturnType<typeof getMonthlyReport>>
