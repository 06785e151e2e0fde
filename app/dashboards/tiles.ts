// The headline tiles, each defined once: the overview shows Scotland's, a board's page the
// board's beside Scotland's. A page lists the tiles it shows, in order; a tile whose measures the
// chosen service does not have is left out.
import type { FigureSet } from '#app/models/indicators.server.ts'
import { formatCount } from '#app/domain/format.ts'
import { COUNT_SERIES, OTHER_INDICATORS, RATE_INDICATORS, type RateIndicator } from '#app/statistics/indicators.ts'
import { formatMonth, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { byMonth, type FigureContext, figureContext } from './context.server.ts'
import { spcOf, type SpcSeriesName } from './figures/spc.ts'
import { type Applies, measuresOf } from './figures/activity.ts'
import { countsKeysOf, isRate } from './figures/trend.ts'
import type { Tile } from './view.ts'

type TileBuilder = (ctx: FigureContext) => Promise<Tile | null>

function formatCountWords(value: number | null) {
  return value === null ? 'none reported' : formatCount(value)
}

/** 'last 12 months', 'this financial year so far'... or the months themselves. */
function periodPhrase(ctx: FigureContext) {
  const { period } = ctx.view
  const presets: Record<string, string> = {
    'last-12-months': 'last 12 months',
    'this-financial-year': 'this financial year so far',
    'last-financial-year': 'last financial year',
    'since-start': 'since the programme started',
  }
  return presets[period.preset] ?? period.label
}

/** The counts a figure of a FigureSet is worked out from: itself, or a rate's two counts. */
function countsOf(set: FigureSet | null | undefined, key: keyof FigureSet): Array<number | null> {
  if (!set) return []
  return isRate(key) ? countsKeysOf(key).map((k) => set[k]) : [set[key]]
}

/** What every tile of the subject's activity shares: its figures now, a year earlier and Scotland's. */
async function sets(ctx: FigureContext) {
  const [now, previous, national] = await Promise.all([
    ctx.data.totals(),
    ctx.data.previous(),
    ctx.board ? ctx.data.nationalTotals() : Promise.resolve(undefined),
  ])
  return { now, previous, national }
}

function activityTile(
  applies: Applies,
  build: (
    ctx: FigureContext,
    s: Awaited<ReturnType<typeof sets>>,
  ) => Omit<Tile, 'basis'> & { key: keyof FigureSet; perMonth?: boolean },
): TileBuilder {
  return async (ctx) => {
    if (!measuresOf(await ctx.data.serviceDetail())[applies]) return null
    const s = await sets(ctx)
    const { key, perMonth, ...tile } = build(ctx, s)
    const months = perMonth ? ctx.view.period.months : 1
    const scale = (value: number | null | undefined) => (value === null || value === undefined ? value : value / months)
    return {
      ...tile,
      value: scale(tile.value) ?? null,
      basis: {
        counts: countsOf(s.now, key),
        previous: countsOf(s.previous, key),
        reference: countsOf(s.national, key),
      },
      ...(s.previous ? { previous: scale(s.previous[key]), comparisonLabel: ctx.view.comparison?.label } : {}),
    }
  }
}

/** A percentage of the therapy set, with its standard and, on a board's page, Scotland's. */
function rateTile(id: string, indicator: RateIndicator, description: string, label = indicator.label): TileBuilder {
  const key = indicator.id as keyof FigureSet
  return activityTile('therapy', (ctx, s) => ({
    id,
    key,
    label,
    value: s.now[key],
    kind: 'percent',
    description: `${description}, ${ctx.view.period.label}.`,
    definition: indicator.definition,
    ...(indicator.standard === undefined ? {} : { standard: indicator.standard }),
    ...(s.national ? { reference: { label: 'Scotland', value: s.national[key] } } : {}),
  }))
}

/** A count shown as a monthly average over the period. */
function perMonthTile(
  id: string,
  applies: Applies,
  key: keyof FigureSet,
  series: { definition: string },
  label: string,
  description: (ctx: FigureContext) => Promise<string> | string,
): TileBuilder {
  return async (ctx) => {
    const text = await description(ctx)
    return activityTile(applies, (c, s) => ({
      id,
      key,
      perMonth: true,
      label,
      value: s.now[key],
      kind: 'count',
      description: text,
      definition: `${series.definition} The period's total divided by its ${c.view.period.months} months.`,
    }))(ctx)
  }
}

export const TILES = {
  referrals: activityTile('therapy', (ctx, s) => ({
    id: 'referrals',
    key: 'referrals',
    label: `Referrals, ${periodPhrase(ctx)}`,
    value: s.now.referrals,
    kind: 'count',
    description: `People referred to cCBT and ieCBT services${ctx.board ? ` in ${ctx.board.name}` : ''}, ${ctx.view.period.label}.`,
    definition: COUNT_SERIES.referrals.definition,
  })),
  'referrals-since-start': async (ctx) => {
    if (!measuresOf(await ctx.data.serviceDetail()).therapy) return null
    const sinceStart = await ctx.data.sinceStart()
    return {
      id: 'referrals-since-start',
      label: 'Referrals since the programme started',
      value: sinceStart.referrals,
      basis: { counts: [sinceStart.referrals] },
      kind: 'count',
      description: `People referred to cCBT and ieCBT services since ${formatMonth(PROGRAMME_START_MONTH)}, to ${formatMonth(ctx.view.period.to)}.`,
      definition: `${COUNT_SERIES.referrals.definition} Counted from the programme's start in ${formatMonth(PROGRAMME_START_MONTH)}.`,
    }
  },
  'referrals-per-100k': async (ctx) => {
    if (!measuresOf(await ctx.data.serviceDetail()).therapy) return null
    const [totals, national, rate, nationalRate] = await Promise.all([
      ctx.data.totals(),
      ctx.data.nationalTotals(),
      ctx.data.referralRate(),
      ctx.data.nationalReferralRate(),
    ])
    return {
      id: 'referrals-per-100k',
      label: 'Referrals per 100,000 people',
      value: rate.rate,
      basis: { counts: [totals.referrals], reference: [national.referrals] },
      kind: 'rate',
      description: `A year, ${ctx.view.period.label}; population ${formatCountWords(rate.population)}.`,
      definition: OTHER_INDICATORS.referralsPer100k.definition,
      reference: { label: 'Scotland', value: nationalRate.rate },
    }
  },
  'self-referral-share': rateTile('self-referral-share', RATE_INDICATORS.selfReferralShare, 'Of referrals'),
  'eighteen-weeks': rateTile(
    'eighteen-weeks',
    RATE_INDICATORS.eighteenWeeks,
    'Of people who started cCBT or ieCBT',
    'Started treatment within 18 weeks',
  ),
  'completion-rate': rateTile('completion-rate', RATE_INDICATORS.completionRate, 'Completed as a share of started'),
  'recovery-rate': rateTile(
    'recovery-rate',
    RATE_INDICATORS.recoveryRate,
    'Of people at caseness who finished treatment',
  ),
  'reliable-improvement-rate': rateTile(
    'reliable-improvement-rate',
    RATE_INDICATORS.reliableImprovementRate,
    'Of people who finished treatment with paired scores',
  ),
  'video-sessions': perMonthTile(
    'video-sessions',
    'video',
    'video_sessions',
    COUNT_SERIES.videoSessions,
    'Video 1:1 sessions a month',
    (ctx) => `Sessions, monthly average, ${ctx.view.period.label}.`,
  ),
  'group-sessions': perMonthTile(
    'group-sessions',
    'group',
    'group_sessions',
    COUNT_SERIES.groupSessions,
    'Group sessions a month',
    (ctx) => `Video group sessions${ctx.board ? ' hosted' : ''}, monthly average, ${ctx.view.period.label}.`,
  ),
  'self-help-visits': perMonthTile(
    'self-help-visits',
    'visits',
    'self_help_visits',
    COUNT_SERIES.selfHelpVisits,
    'Self-help visits a month',
    async (ctx) =>
      `Visits, monthly average, ${ctx.view.period.label}; ${formatCountWords((await ctx.data.sinceStart()).self_help_visits)} since ${formatMonth(PROGRAMME_START_MONTH)}.`,
  ),
  treatments: async (ctx) => {
    if (ctx.view.service) return null
    const treatments = await ctx.data.treatments()
    return {
      id: 'treatments',
      label: 'Evidence-based treatments',
      value: treatments.treatments,
      kind: 'count',
      description: `Available in ${treatments.boardsWithAll} of ${treatments.boards} boards in ${formatMonth(ctx.view.period.to)}.`,
      definition:
        'cCBT and ieCBT treatment programmes in the catalogue whose service was live in at least one board; a board counts when every one of them was live there.',
    }
  },
  completeness: async (ctx) => {
    const completeness = await ctx.data.boardCompleteness()
    return {
      id: 'completeness',
      label: 'Returns complete',
      value: completeness.completeness,
      kind: 'percent',
      description: `${completeness.submitted} of ${completeness.expected} service returns expected, ${ctx.view.period.label}; ${completeness.onTime} on time.`,
      definition: `${OTHER_INDICATORS.completeness.definition} ${OTHER_INDICATORS.timeliness.definition}`,
    }
  },
} satisfies Record<string, TileBuilder>

export type TileId = keyof typeof TILES

/** The control chart whose latest month a tile's variation icon shows. */
const TILE_SPC: Partial<Record<TileId, SpcSeriesName>> = {
  referrals: 'referrals',
  'eighteen-weeks': 'eighteen-weeks',
  'recovery-rate': 'recovery-rate',
  'reliable-improvement-rate': 'reliable-improvement-rate',
  'video-sessions': 'video-sessions',
  'group-sessions': 'group-sessions',
  'self-help-visits': 'self-help-visits',
}

/**
 * The tiles a page lists, in its order, leaving out those that do not apply; each with the
 * latest month's variation on its control chart (by month, whatever the page's grain) and,
 * where it has a standard, the assurance.
 */
export async function buildTiles(ctx: FigureContext, ids: readonly TileId[]): Promise<Tile[]> {
  const monthly = ctx.view.grain === 'month' ? ctx : figureContext(byMonth(ctx.view), ctx.subject)
  const tiles = await Promise.all(
    ids.map(async (id) => {
      const tile: Tile | null = await TILES[id](ctx)
      const series = TILE_SPC[id]
      if (!tile || !series) return tile
      const spc = await spcOf(monthly, series)
      return spc ? { ...tile, variation: spc.result.latestVariation, assurance: spc.result.assurance } : tile
    }),
  )
  return tiles.filter((t): t is Tile => t !== null)
}
