// Every figure the dashboards show, by its id: the page it belongs to (what its CSV download
// needs in the address to build it) and its builder, which gives its rows, columns, definitions
// and chart. A page composes figures from here; /figures/:id builds the one it serves. A new
// figure is one entry here and its builder in figures/.
import type { Figure } from '#app/domain/figure.ts'
import type { FigureContext } from './context.server.ts'
import type { DashboardView } from './view.ts'
import { shownFigure } from './protect.ts'
import {
  groupTrend,
  outcomesTrend,
  referralsTrend,
  selfHelpTrend,
  startedTrend,
  videoTrend,
} from './figures/activity.ts'
import { boardComparison, boardsTable } from './figures/boards.ts'
import { coverageMap, coverageMatrix, coveragePopulation, meetsStandard } from './figures/coverage.ts'
import { boardReturns } from './figures/returns.ts'
import { serviceByBoard, servicesTable, serviceTrend } from './figures/services.ts'
import { SPC_NAMES, type SpcSeriesName, spcFigure } from './figures/spc.ts'
import { boardWorkforce } from './figures/value.ts'
import { boardVariation, variationFunnel } from './figures/variation.ts'

/**
 * The page a figure belongs to. A board's and a service's page take their subject from the
 * path; their figures' CSV addresses carry it as `board` or `service`.
 */
export type FigurePage = 'overview' | 'board' | 'boards' | 'services' | 'service' | 'coverage' | 'variation'

export interface FigureDefinition {
  page: FigurePage
  /** The figure for the context's view and subject; null where it does not apply. */
  build: (ctx: FigureContext) => Promise<Figure | null>
  /** What is added once the figure is as the view may show it (so it says nothing of a hidden value). */
  shown?: (figure: Figure, ctx: FigureContext) => Figure
}

/** A control chart of every series on a page: `overview-spc-referrals`, `board-spc-eighteen-weeks`. */
function spcFigures<P extends 'overview' | 'board' | 'service'>(page: P) {
  return Object.fromEntries(
    SPC_NAMES.map((name) => [`${page}-spc-${name}`, { page, build: spcFigure(name) }]),
  ) as unknown as Record<`${P}-spc-${SpcSeriesName}`, FigureDefinition>
}

export const FIGURES = {
  'overview-referrals': { page: 'overview', build: referralsTrend },
  'overview-started': { page: 'overview', build: startedTrend },
  'overview-video-sessions': { page: 'overview', build: videoTrend },
  'overview-group-sessions': { page: 'overview', build: groupTrend },
  'overview-self-help-visits': { page: 'overview', build: selfHelpTrend },
  'overview-outcomes': { page: 'overview', build: outcomesTrend },
  'overview-board-comparison': { page: 'overview', build: boardComparison },
  'board-referrals': { page: 'board', build: referralsTrend },
  'board-started': { page: 'board', build: startedTrend },
  'board-outcomes': { page: 'board', build: outcomesTrend },
  'board-video-sessions': { page: 'board', build: videoTrend },
  'board-group-sessions': { page: 'board', build: groupTrend },
  'board-returns': { page: 'board', build: boardReturns },
  'boards-table': { page: 'boards', build: boardsTable },
  'services-table': { page: 'services', build: servicesTable },
  'service-trend': { page: 'service', build: serviceTrend },
  'service-by-board': { page: 'service', build: serviceByBoard },
  'coverage-matrix': { page: 'coverage', build: coverageMatrix },
  'coverage-population': { page: 'coverage', build: coveragePopulation },
  'coverage-map': { page: 'coverage', build: coverageMap, shown: meetsStandard },
  'variation-funnel': { page: 'variation', build: variationFunnel },
  'board-variation': { page: 'board', build: boardVariation },
  'board-workforce': { page: 'board', build: boardWorkforce },
  ...spcFigures('overview'),
  ...spcFigures('board'),
  ...spcFigures('service'),
} satisfies Record<string, FigureDefinition>

export type FigureId = keyof typeof FIGURES

export function isFigureId(id: string): id is FigureId {
  return Object.hasOwn(FIGURES, id)
}

/** The figures of `ids` that apply to the context, as its view may show them, in that order. */
export async function buildFigures(ctx: FigureContext, ids: readonly FigureId[]): Promise<Figure[]> {
  const figures = await Promise.all(
    ids.map(async (id) => {
      const definition: FigureDefinition = FIGURES[id]
      const figure = await definition.build(ctx)
      if (!figure) return null
      const shown = shownFigure(figure, ctx.view)
      return definition.shown ? definition.shown(shown, ctx) : shown
    }),
  )
  return figures.filter((f): f is Figure => f !== null)
}

/**
 * A page's trends as the view asks: as they are, or (`view=spc`) as control charts of every
 * series that applies, by month. By quarter or year there are no control charts: the page says
 * so and links to the months.
 */
export function trendsOf(view: DashboardView, page: 'overview' | 'board' | 'service', trends: FigureId[]): FigureId[] {
  if (view.filters.view !== 'spc') return trends
  return view.grain === 'month' ? SPC_NAMES.map((name): FigureId => `${page}-spc-${name}`) : []
}
