// The activity trends of Scotland (the overview) and of one board (its page): referrals, starts
// and the 18-week standard, outcomes, video and group sessions, self-help visits. Each is built
// for whichever subject the context holds; a board's page adds Scotland's rates beside its own.
import type { ServiceDetail } from '#app/models/catalogue.server.ts'
import type { FigureSet } from '#app/models/indicators.server.ts'
import type { Cell, Figure, FigureColumn, TrendChartSpec } from '#app/domain/figure.ts'
import { COUNT_SERIES, RATE_INDICATORS } from '#app/statistics/indicators.ts'
import type { FigureContext } from '../context.server.ts'
import { withEvents } from './events.ts'
import { count, countsKeysOf, definitionOf, rateOf, type Series, type TrendColumn, trendFigure } from './trend.ts'
import { capitalise } from '#app/domain/format.ts'
import { GRAIN_LABELS } from '#app/domain/periods.ts'

/** Which of the trend figures apply to a service (all of them without one). */
export function measuresOf(detail: ServiceDetail | null) {
  const names = new Set(detail?.measures.map((m) => m.name) ?? [])
  const has = (measure: string) => detail === null || names.has(measure)
  return {
    therapy: has('referrals'),
    video: has('sessions') && (detail === null || detail.family === 'video'),
    group: has('group_sessions'),
    visits: has('visits'),
  }
}

export type Applies = keyof ReturnType<typeof measuresOf>

/** 'Scotland', 'cCBT Adults, Scotland', 'Lothian', 'cCBT Adults, Lothian'. */
export function whereOf(ctx: FigureContext) {
  const place = ctx.board?.name ?? 'Scotland'
  return ctx.service ? `${ctx.service.name}, ${place}` : place
}

function professionalReferrals(f: FigureSet) {
  return f.referrals === null ? null : f.self_referrals === null ? null : f.referrals - f.self_referrals
}

/**
 * Scotland's rates beside a board's, one row per period (`national_<rate>`), with the counts
 * they divide (not shown: disclosure control needs them).
 */
function nationalRows(ctx: FigureContext, national: Series, rates: Array<keyof FigureSet>) {
  const nationalBy = new Map(national.map((s) => [s.bucket, s.figures]))
  return ctx.view.buckets.map((b) => {
    const figures = nationalBy.get(b.key)
    const row: Record<string, Cell> = {}
    for (const rate of rates) {
      for (const key of [rate, ...countsKeysOf(rate)]) row[`national_${key}`] = figures?.[key] ?? null
    }
    return row
  })
}

/** On a board's page, Scotland's rates as more columns (and the chart's lines for them). */
async function withScotland(ctx: FigureContext, rates: Array<{ key: keyof FigureSet; label: string }>) {
  if (!ctx.board) return { extraColumns: [], extraRows: [] }
  const national = await ctx.data.nationalSeries()
  return {
    extraColumns: rates.map(({ key, label }): FigureColumn => ({
      key: `national_${key}`,
      label: `Scotland: ${label}`,
      kind: 'percent',
      disclosure: rateOf(key, 'national_'),
    })),
    extraRows: nationalRows(
      ctx,
      national,
      rates.map((r) => r.key),
    ),
  }
}

function chart(ctx: FigureContext, spec: Omit<TrendChartSpec, 'type' | 'xKey' | 'xLabel'>): TrendChartSpec {
  return { type: 'trend', xKey: 'period', xLabel: capitalise(GRAIN_LABELS[ctx.view.grain]), ...spec }
}

const EIGHTEEN_WEEKS_STANDARD = {
  y: RATE_INDICATORS.eighteenWeeks.standard,
  axis: 'right',
  label: 'Standard: 90% within 18 weeks',
  kind: 'standard',
} as const

/**
 * A trend of the context's subject, when the service chosen has the measures it shows: its
 * series, its reporting, and its id on the page (`overview-referrals`, `board-referrals`).
 */
function activityTrend(
  applies: Applies,
  name: string,
  build: (
    ctx: FigureContext,
    base: {
      id: string
      where: string
      series: Series
      reporting: Awaited<ReturnType<FigureContext['data']['reporting']>>
    },
  ) => Promise<Figure> | Figure,
) {
  return async (ctx: FigureContext): Promise<Figure | null> => {
    if (!measuresOf(await ctx.data.serviceDetail())[applies]) return null
    const [series, reporting] = await Promise.all([ctx.data.series(), ctx.data.reporting()])
    const id = `${ctx.board ? 'board' : 'overview'}-${name}`
    return withEvents(ctx, await build(ctx, { id, where: whereOf(ctx), series, reporting }))
  }
}

const reportingUnitOf = (ctx: FigureContext) => (ctx.board ? ('months' as const) : ('boards' as const))

export const referralsTrend = activityTrend('therapy', 'referrals', (ctx, { id, where, series, reporting }) => ({
  ...trendFigure({
    id,
    title: 'Referrals',
    description: `People referred to cCBT and ieCBT services in ${where}, by themselves or by a professional, ${ctx.view.period.label}.`,
    view: ctx.view,
    series,
    reporting,
    reportingUnit: reportingUnitOf(ctx),
    columns: [
      { key: 'self_referrals', label: 'Self-referrals', kind: 'count', unit: 'people', value: count('self_referrals') },
      {
        key: 'professional_referrals',
        label: 'Referred by a professional',
        kind: 'count',
        unit: 'people',
        value: professionalReferrals,
      },
      {
        key: 'referrals',
        label: 'All referrals',
        kind: 'count',
        unit: 'people',
        value: count('referrals'),
        disclosure: { sumOf: ['self_referrals', 'professional_referrals'] },
      },
      {
        key: 'self_referral_share',
        label: 'Self-referral share',
        kind: 'percent',
        value: count('self_referral_share'),
        disclosure: rateOf('self_referral_share'),
      },
    ],
    definitions: [
      definitionOf(COUNT_SERIES.referrals),
      definitionOf(COUNT_SERIES.selfReferrals),
      { label: 'Referred by a professional', definition: 'All referrals minus self-referrals.' },
      definitionOf(RATE_INDICATORS.selfReferralShare),
    ],
  }),
  chart: chart(ctx, {
    series: [
      { key: 'self_referrals', label: 'Self-referrals', type: 'bar', stack: 'referrals', style: 0 },
      { key: 'professional_referrals', label: 'Referred by a professional', type: 'bar', stack: 'referrals', style: 1 },
    ],
    left: { label: 'People referred', kind: 'count' },
  }),
}))

export const startedTrend = activityTrend('therapy', 'started', async (ctx, { id, where, series, reporting }) => {
  const scotland = await withScotland(ctx, [{ key: 'eighteen_weeks', label: 'within 18 weeks' }])
  return {
    ...trendFigure({
      id,
      title: 'Started treatment and the 18-week standard',
      description: `People who started cCBT or ieCBT treatment in ${where}, and the share who started within 18 weeks of referral (standard: 90%), ${ctx.view.period.label}.`,
      view: ctx.view,
      series,
      reporting,
      reportingUnit: reportingUnitOf(ctx),
      columns: [
        { key: 'started', label: 'Started treatment', kind: 'count', unit: 'people', value: count('started') },
        {
          key: 'started_within_18_weeks',
          label: 'Started within 18 weeks',
          kind: 'count',
          unit: 'people',
          value: count('started_within_18_weeks'),
        },
        {
          key: 'eighteen_weeks',
          label: 'Within 18 weeks',
          kind: 'percent',
          value: count('eighteen_weeks'),
          disclosure: rateOf('eighteen_weeks'),
        },
      ],
      ...scotland,
      definitions: [
        definitionOf(COUNT_SERIES.started),
        definitionOf(COUNT_SERIES.startedWithin18Weeks),
        definitionOf(RATE_INDICATORS.eighteenWeeks),
      ],
    }),
    chart: chart(ctx, {
      series: [
        { key: 'started', label: 'Started treatment (people, left axis)', type: 'bar', style: 0 },
        {
          key: 'eighteen_weeks',
          label: 'Started within 18 weeks (%, right axis)',
          type: 'line',
          axis: 'right',
          style: 1,
        },
        ...(ctx.board
          ? [
              {
                key: 'national_eighteen_weeks',
                label: 'Scotland: within 18 weeks (%, right axis)',
                type: 'line' as const,
                axis: 'right' as const,
                style: 3,
              },
            ]
          : []),
      ],
      left: { label: 'People who started', kind: 'count', headroom: 1.6 },
      right: { label: '% within 18 weeks', kind: 'percent' },
      references: [EIGHTEEN_WEEKS_STANDARD],
    }),
  }
})

export const outcomesTrend = activityTrend('therapy', 'outcomes', async (ctx, { id, where, series, reporting }) => {
  const scotland = await withScotland(ctx, [
    { key: 'recovery_rate', label: 'recovery rate' },
    { key: 'reliable_improvement_rate', label: 'reliable improvement rate' },
  ])
  const people = (key: keyof FigureSet, label: string): TrendColumn => ({
    key,
    label,
    kind: 'count',
    unit: 'people',
    value: count(key),
  })
  const percent = (key: keyof FigureSet, label: string): TrendColumn => ({
    key,
    label,
    kind: 'percent',
    value: count(key),
    disclosure: rateOf(key),
  })
  return {
    ...trendFigure({
      id,
      title: 'Outcomes: recovery and reliable improvement',
      description: `Recovery rate (standard: 50%) and reliable improvement rate of people who finished cCBT or ieCBT treatment with paired PHQ-9 or GAD-7 scores in ${where}, ${ctx.view.period.label}.`,
      view: ctx.view,
      series,
      reporting,
      reportingUnit: reportingUnitOf(ctx),
      columns: [
        people('proms_paired', 'Finished with paired scores'),
        people('proms_at_caseness', 'At caseness at start'),
        people('proms_recovered', 'Recovered'),
        people('proms_reliably_improved', 'Reliably improved'),
        percent('recovery_rate', 'Recovery rate'),
        percent('reliable_improvement_rate', 'Reliable improvement rate'),
      ],
      ...scotland,
      definitions: [
        definitionOf(RATE_INDICATORS.recoveryRate),
        definitionOf(RATE_INDICATORS.reliableImprovementRate),
        definitionOf(COUNT_SERIES.promsPaired),
        definitionOf(COUNT_SERIES.promsAtCaseness),
      ],
    }),
    chart: chart(ctx, {
      series: [
        { key: 'recovery_rate', label: 'Recovery rate', type: 'line', style: 0 },
        { key: 'reliable_improvement_rate', label: 'Reliable improvement rate', type: 'line', style: 1 },
        ...(ctx.board
          ? [
              { key: 'national_recovery_rate', label: 'Scotland: recovery rate', type: 'line' as const, style: 2 },
              {
                key: 'national_reliable_improvement_rate',
                label: 'Scotland: reliable improvement rate',
                type: 'line' as const,
                style: 3,
              },
            ]
          : []),
      ],
      left: { label: '% of people', kind: 'percent' },
      references: [{ y: RATE_INDICATORS.recoveryRate.standard, label: 'Standard: 50% recovery', kind: 'standard' }],
    }),
  }
})

export const videoTrend = activityTrend('video', 'video-sessions', (ctx, { id, where, series, reporting }) => ({
  ...trendFigure({
    id,
    title: 'Video 1:1 therapy sessions',
    description: `One-to-one therapy sessions by video call in ${where}, ${ctx.view.period.label}.`,
    view: ctx.view,
    series,
    reporting,
    reportingUnit: reportingUnitOf(ctx),
    columns: [
      {
        key: 'video_sessions',
        label: 'Video 1:1 sessions',
        kind: 'count',
        unit: 'sessions',
        value: count('video_sessions'),
      },
    ],
    definitions: [definitionOf(COUNT_SERIES.videoSessions)],
  }),
  chart: chart(ctx, {
    series: [{ key: 'video_sessions', label: 'Video 1:1 sessions', type: 'bar', style: 0 }],
    left: { label: 'Sessions', kind: 'count' },
  }),
}))

export const groupTrend = activityTrend('group', 'group-sessions', (ctx, { id, where, series, reporting }) => ({
  ...trendFigure({
    id,
    title: 'Video group sessions and attendances',
    description: `Video group therapy sessions (including cross-region groups, counted at the host board) and attendances in ${where}, ${ctx.view.period.label}.`,
    view: ctx.view,
    series,
    reporting,
    reportingUnit: reportingUnitOf(ctx),
    columns: [
      {
        key: 'group_sessions',
        label: 'Group sessions',
        kind: 'count',
        unit: 'sessions',
        value: count('group_sessions'),
      },
      {
        key: 'group_attendances',
        label: 'Attendances',
        kind: 'count',
        unit: 'attendances',
        value: count('group_attendances'),
      },
    ],
    definitions: [definitionOf(COUNT_SERIES.groupSessions), definitionOf(COUNT_SERIES.groupAttendances)],
  }),
  chart: chart(ctx, {
    series: [
      { key: 'group_sessions', label: 'Group sessions (left axis)', type: 'bar', style: 0 },
      { key: 'group_attendances', label: 'Attendances (right axis)', type: 'line', axis: 'right', style: 1 },
    ],
    left: { label: 'Sessions', kind: 'count', headroom: 1.6 },
    right: { label: 'Attendances', kind: 'count' },
  }),
}))

/** Self-help is national: Scotland's overview only; its reporting counts national returns. */
export const selfHelpTrend = activityTrend('visits', 'self-help-visits', (ctx, { id, series, reporting }) => ({
  ...trendFigure({
    id,
    title: 'Online self-help visits',
    description: `Visits to the national online self-help resources, ${ctx.view.period.label}.`,
    view: ctx.view,
    series,
    reporting: ctx.service?.delivery === 'national' ? reporting : undefined,
    reportingUnit: 'national',
    columns: [
      { key: 'self_help_visits', label: 'Visits', kind: 'count', unit: 'visits', value: count('self_help_visits') },
    ],
    definitions: [definitionOf(COUNT_SERIES.selfHelpVisits)],
  }),
  chart: chart(ctx, {
    series: [{ key: 'self_help_visits', label: 'Visits', type: 'bar', style: 0 }],
    left: { label: 'Visits', kind: 'count' },
  }),
}))
