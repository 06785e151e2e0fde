// Funnel plots (/variation): every board's proportion or rate against Scotland's, with control
// limits at 95% and 99.8% that widen as a board's numbers shrink, so a small board is not called
// different for what chance alone would give (Public Health England's method; DESIGN.md,
// "Judging the figures").
import type { BoardFigures } from '#app/models/indicators.server.ts'
import { type Figure, fileSlug } from '#app/domain/figure.ts'
import { MAP_INDICATOR_DEFINITIONS, OTHER_INDICATORS } from '#app/statistics/indicators.ts'
import {
  computeFunnel,
  FUNNEL_FLAG_LABELS,
  type FunnelInput,
  type FunnelKind,
  type FunnelResult,
  funnelCurve,
  funnelRows,
  pooledCentre,
} from '#app/statistics/funnels.ts'
import type { FigureContext } from '../context.server.ts'
import type { MapIndicator } from '../filters.ts'
import { definitionOf } from './trend.ts'

/** The indicators a funnel plot is drawn for, with what they divide and what each side counts, in words. */
export const FUNNEL_INDICATORS = {
  eighteen_weeks: {
    kind: 'proportion',
    numerator: 'started_within_18_weeks',
    denominator: 'started',
    counted: 'People who started within 18 weeks',
    x: 'People who started treatment',
  },
  completion_rate: {
    kind: 'proportion',
    numerator: 'completed',
    denominator: 'started',
    counted: 'People who completed treatment',
    x: 'People who started treatment',
  },
  recovery_rate: {
    kind: 'proportion',
    numerator: 'proms_recovered',
    denominator: 'proms_at_caseness',
    counted: 'People who recovered',
    x: 'People at caseness who finished treatment',
  },
  reliable_improvement_rate: {
    kind: 'proportion',
    numerator: 'proms_reliably_improved',
    denominator: 'proms_paired',
    counted: 'People who reliably improved',
    x: 'People who finished treatment with paired scores',
  },
  referrals_per_100k: {
    kind: 'rate',
    numerator: 'referrals',
    denominator: 'population',
    counted: 'Referrals',
    x: 'Population',
  },
} satisfies Partial<
  Record<
    MapIndicator,
    {
      kind: FunnelKind
      numerator: keyof BoardFigures
      denominator: keyof BoardFigures
      /** What the numerator counts, heading its column in the table. */
      counted: string
      /** What the denominator counts: the x axis, and its column in the table. */
      x: string
    }
  >
>

export type FunnelIndicator = keyof typeof FUNNEL_INDICATORS

export function isFunnelIndicator(indicator: string): indicator is FunnelIndicator {
  return Object.hasOwn(FUNNEL_INDICATORS, indicator)
}

/** The funnel indicator the view asks for, or referrals per 100,000 when it asks for another. */
export function funnelIndicatorOf(indicator: MapIndicator): FunnelIndicator {
  return isFunnelIndicator(indicator) ? indicator : 'referrals_per_100k'
}

function isSmall(value: number | null, threshold: number | null) {
  return threshold !== null && value !== null && value > 0 && value <= threshold
}

/**
 * Every board's point on one funnel. With disclosure control, a board whose numerator, whose
 * denominator (for a proportion) or whose complement (denominator minus numerator) is a count
 * from 1 to the threshold is hidden: it has no value or flag, and no limits when its
 * denominator is the small one. Scotland's centre pools every board's figures.
 */
export async function funnelOf(ctx: FigureContext, indicator: FunnelIndicator): Promise<FunnelResult> {
  const spec = FUNNEL_INDICATORS[indicator]
  const boards = await ctx.data.boardFigures({})
  const threshold = ctx.view.sdcThreshold
  const years = ctx.view.period.months / 12
  const inputs: FunnelInput[] = boards.map((b) => {
    const numerator = b[spec.numerator] as number | null
    const denominator = b[spec.denominator] as number | null
    const people = spec.kind === 'proportion'
    const hidden =
      isSmall(numerator, threshold) ||
      (people && isSmall(denominator, threshold)) ||
      (people && numerator !== null && denominator !== null && isSmall(denominator - numerator, threshold))
    return {
      code: b.code,
      name: b.name,
      numerator,
      denominator: hidden && people && isSmall(denominator, threshold) ? null : denominator,
      hidden,
    }
  })
  const centre = pooledCentre(
    boards.map((b) => ({
      code: b.code,
      name: b.name,
      numerator: b[spec.numerator] as number | null,
      denominator: b[spec.denominator] as number | null,
    })),
    spec.kind,
    years,
  )
  return computeFunnel(inputs, { kind: spec.kind, years, centre: centre ?? undefined })
}

export async function variationFunnel(ctx: FigureContext): Promise<Figure | null> {
  const { view } = ctx
  const indicator = funnelIndicatorOf(view.filters.indicator)
  const spec = FUNNEL_INDICATORS[indicator]
  const definition = MAP_INDICATOR_DEFINITIONS[indicator]
  const result = await funnelOf(ctx, indicator)
  if (result.centre === null) return null
  const denominators = result.points.map((p) => p.denominator).filter((d): d is number => d !== null && d > 0)
  const kind = spec.kind === 'proportion' ? ('percent' as const) : ('rate' as const)
  const valueUnit = spec.kind === 'rate' ? 'a year' : undefined
  const rows = funnelRows(result).map((row, i) => {
    const point = result.points[i]!
    return {
      ...row,
      numerator: point.hidden ? 'c' : row.numerator,
      denominator: point.hidden && row.denominator === null ? 'c' : row.denominator,
      value: point.hidden ? 'c' : row.value,
      flag: point.hidden ? 'c' : row.flag,
    }
  })
  const flagged = result.points.filter((p) => p.flag && p.flag !== 'within')
  return {
    id: 'variation-funnel',
    title: `${definition.label}: every board against Scotland`,
    description: `${definition.label} (${definition.unit}) of each board${view.service ? ` for ${view.service.name}` : ''}, ${view.period.label}, against the figure for Scotland, with control limits at 95% and 99.8%: a board outside them differs from Scotland by more than chance would usually give.`,
    columns: [
      { key: 'board_code', label: 'Board code', kind: 'text', csvName: 'board_code' },
      { key: 'board_name', label: 'Board', kind: 'text', csvName: 'board_name' },
      { key: 'numerator', label: spec.counted, kind: 'count', csvName: 'numerator', disclosure: 'public' },
      { key: 'denominator', label: spec.x, kind: 'count', csvName: 'denominator', disclosure: 'public' },
      { key: 'value', label: definition.label, kind, unit: valueUnit, csvName: 'value', disclosure: 'public' },
      { key: 'centre', label: 'Scotland', kind, unit: valueUnit, csvName: 'centre', disclosure: 'public' },
      { key: 'lower_95', label: 'Lower 95% limit', kind, csvName: 'lower_95', disclosure: 'public' },
      { key: 'upper_95', label: 'Upper 95% limit', kind, csvName: 'upper_95', disclosure: 'public' },
      { key: 'lower_998', label: 'Lower 99.8% limit', kind, csvName: 'lower_998', disclosure: 'public' },
      { key: 'upper_998', label: 'Upper 99.8% limit', kind, csvName: 'upper_998', disclosure: 'public' },
      { key: 'flag', label: 'Against Scotland', kind: 'text', csvName: 'flag' },
    ],
    rows,
    notes: [
      flagged.length === 0
        ? 'Every board is within the 95% limits: none differs from Scotland by more than chance would usually give.'
        : `${flagged.length} of ${result.points.length} boards are outside the 95% limits; outside the 99.8% limits a difference is very unlikely to be chance.`,
      ...(result.points.some((p) => p.hidden)
        ? ['c: hidden by disclosure control, with its flag: it would reveal a small number.']
        : []),
    ],
    definitions: [
      spec.kind === 'rate'
        ? definitionOf(OTHER_INDICATORS.referralsPer100k)
        : { label: definition.label, definition: definition.definition },
      {
        label: 'Control limits',
        definition:
          spec.kind === 'proportion'
            ? "Around Scotland's pooled proportion (all boards' numerators over all their denominators), the proportions whose Wilson score interval at 95% (z = 1.96) or 99.8% (z = 3.09) just reaches it, for each denominator: Public Health England's method for funnel plots."
            : "Around the referrals expected at Scotland's rate for each population: exact Poisson limits at 95% and 99.8%, scaled to a year.",
      },
    ],
    fileName: fileSlug(`${definition.label} funnel plot ${view.period.from} to ${view.period.to}`),
    chart: {
      type: 'funnel',
      title: definition.label,
      kind: spec.kind,
      centre: result.centre,
      points: result.points,
      curve: funnelCurve(result.centre, spec.kind, {
        from: Math.max(1, Math.min(...denominators) / 2),
        to: Math.max(...denominators) * 1.2,
        years: result.years,
      }),
      selectedCode: view.board?.code ?? null,
      xLabel: spec.x,
      yLabel: spec.kind === 'proportion' ? `% ${definition.unit.replace(/^% /, '')}` : 'Referrals per 100,000 a year',
    },
  }
}

/** Where one board falls on every funnel: the board page's summary, linking to each plot. */
export async function boardVariation(ctx: FigureContext): Promise<Figure | null> {
  const board = ctx.board
  if (!board) return null
  const indicators = Object.keys(FUNNEL_INDICATORS) as FunnelIndicator[]
  const results = await Promise.all(indicators.map((i) => funnelOf(ctx, i)))
  return {
    id: 'board-variation',
    title: `${board.name} against Scotland: funnel plots`,
    description: `Whether ${board.name} differs from Scotland by more than chance would usually give, on each indicator, ${ctx.view.period.label}.`,
    columns: [
      { key: 'indicator', label: 'Indicator', kind: 'text' },
      { key: 'indicator_id', label: 'Indicator id', kind: 'text' },
      { key: 'flag', label: 'Against Scotland', kind: 'text' },
    ],
    rows: indicators.map((indicator, i) => {
      const point = results[i]!.points.find((p) => p.code === board.code)
      return {
        indicator: MAP_INDICATOR_DEFINITIONS[indicator].label,
        indicator_id: indicator,
        flag: point?.hidden ? 'c' : point?.flag ? FUNNEL_FLAG_LABELS[point.flag] : null,
      }
    }),
    notes: [],
    definitions: [
      {
        label: 'Funnel plot',
        definition:
          "Each board's figure against Scotland's, with control limits at 95% and 99.8% that are wider for smaller numbers. Above or below a limit: the board differs from Scotland by more than chance would usually give; within: it does not.",
      },
    ],
    fileName: fileSlug(`${board.name} against scotland funnel plots ${ctx.view.period.from} to ${ctx.view.period.to}`),
  }
}
