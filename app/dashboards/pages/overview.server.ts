// The national overview (/): Scotland's headline tiles, its trends, the boards compared by
// referrals per 100,000 people, and how many boards have reported the latest month.
import { formatDate, returnDeadline } from '#app/utils/dates.ts'
import { figureContext } from '../context.server.ts'
import { shownTiles } from '../protect.ts'
import { buildFigures, type FigureId, trendsOf } from '../registry.ts'
import { buildTiles, type TileId } from '../tiles.ts'
import type { DashboardView } from '../view.ts'
import { whereOf } from '../figures/activity.ts'

const TILES: TileId[] = [
  'referrals',
  'referrals-since-start',
  'self-referral-share',
  'eighteen-weeks',
  'completion-rate',
  'recovery-rate',
  'reliable-improvement-rate',
  'video-sessions',
  'group-sessions',
  'self-help-visits',
  'treatments',
]

const TRENDS: FigureId[] = [
  'overview-referrals',
  'overview-started',
  'overview-video-sessions',
  'overview-group-sessions',
  'overview-self-help-visits',
  'overview-outcomes',
]

export async function getOverview(view: DashboardView) {
  const ctx = figureContext(view)
  const [tiles, figures, latest] = await Promise.all([
    buildTiles(ctx, TILES),
    buildFigures(ctx, [...trendsOf(view, 'overview', TRENDS), 'overview-board-comparison']),
    ctx.data.latestCompleteness(),
  ])
  return {
    where: whereOf(ctx),
    tiles: shownTiles(tiles, view),
    figures,
    latest: {
      month: view.period.to,
      deadline: formatDate(returnDeadline(view.period.to, view.deadlineDay)),
      ...latest,
      nationalService: view.service?.delivery === 'national',
    },
  }
}
