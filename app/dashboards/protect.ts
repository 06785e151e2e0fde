// Disclosure control as the view asks: with `sdc=on`, figures and tiles as they may be published
// (app/disclosure/figures.ts, docs/decisions/0014); otherwise as they are. Either way, what a
// figure or tile was worked out from and does not show stays on the server.
import { protectFigure, protectTile, shownColumns, SUPPRESSED } from '#app/disclosure/figures.ts'
import type { Figure } from '#app/domain/figure.ts'
import type { DashboardView, Tile } from './view.ts'

function protect(figure: Figure, { sdcThreshold: threshold, grain }: DashboardView): Figure {
  if (threshold === null) return shownColumns(figure)
  const shown = protectFigure(figure, threshold)
  const cells = shown.rows.flatMap((row) => Object.values(row))
  const hidden = cells.filter((v) => v === SUPPRESSED).length
  // Mostly hidden: longer periods add small counts up to figures that can be shown.
  if (grain === 'fy' || hidden <= cells.filter((v) => typeof v === 'number').length) return shown
  const longer = grain === 'month' ? 'financial quarter or year' : 'financial year'
  return {
    ...shown,
    notes: [...shown.notes, `Most of these figures are small: shown by ${longer}, more of them can be shown.`],
  }
}

/** A figure as the view may show it. */
export function shownFigure<F extends Figure | null>(figure: F, view: DashboardView): F {
  return (figure === null ? figure : protect(figure, view)) as F
}

/** Headline tiles as the view may show them. */
export function shownTiles(tiles: Tile[], { sdcThreshold: threshold }: DashboardView): Tile[] {
  return tiles.map((tile) => (threshold === null ? { ...tile, basis: undefined } : protectTile(tile, threshold)))
}
