// One board (/boards/:code): its headline tiles beside Scotland's, its trends with Scotland's
// rates, its live services and the status of its monthly returns.
import { figureContext } from '../context.server.ts'
import { whereOf } from '../figures/activity.ts'
import { shownTiles } from '../protect.ts'
import { buildFigures, type FigureId, trendsOf } from '../registry.ts'
import { buildTiles, type TileId } from '../tiles.ts'
import type { DashboardView } from '../view.ts'

const TILES: TileId[] = [
  'referrals',
  'referrals-per-100k',
  'eighteen-weeks',
  'recovery-rate',
  'self-referral-share',
  'completion-rate',
  'reliable-improvement-rate',
  'video-sessions',
  'group-sessions',
  'completeness',
]

const TRENDS: FigureId[] = [
  'board-referrals',
  'board-started',
  'board-outcomes',
  'board-video-sessions',
  'board-group-sessions',
]

/** The board's page, or null when there is no board with that code. */
export async function getBoardDashboard(view: DashboardView, code: string) {
  const board = view.boards.find((b) => b.code === code)
  if (!board) return null
  const ctx = figureContext(view, { kind: 'board', board })
  const [tiles, figures, rate, services] = await Promise.all([
    buildTiles(ctx, TILES),
    buildFigures(ctx, [...trendsOf(view, 'board', TRENDS), 'board-workforce', 'board-variation', 'board-returns']),
    ctx.data.referralRate(),
    ctx.data.boardServices(),
  ])
  return {
    board,
    where: whereOf(ctx),
    population: rate.population,
    tiles: shownTiles(tiles, view),
    figures,
    services,
  }
}
