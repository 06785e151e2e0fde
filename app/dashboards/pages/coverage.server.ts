// Coverage (/coverage): the boards x services matrix, population coverage by service and the
// tile map of the boards coloured by the indicator chosen.
import type { Figure } from '#app/domain/figure.ts'
import { SUPPRESSED } from '#app/disclosure/figures.ts'
import type { AvailabilityStatus } from '#app/domain/labels.ts'
import { MAP_INDICATOR_DEFINITIONS } from '#app/statistics/indicators.ts'
import { figureContext } from '../context.server.ts'
import { buildFigures } from '../registry.ts'
import type { DashboardView } from '../view.ts'

/** Boards per page of the availability matrix (Scotland's 14 fit on one). */
export const MATRIX_PAGE_SIZE = 30

/**
 * The coverage page. The availability matrix goes to the page as one compact row per board (at
 * ten times Scotland it has thousands of cells); its figure, with a text cell per pair, is built
 * for the CSV download only.
 */
export async function getCoverage(view: DashboardView) {
  const ctx = figureContext(view)
  const indicator = view.filters.indicator
  const definition = MAP_INDICATOR_DEFINITIONS[indicator]
  const [[matrixFigure, populationFigure, mapFigure], matrix, tiles, boardFigures] = await Promise.all([
    buildFigures(ctx, ['coverage-matrix', 'coverage-population', 'coverage-map']),
    ctx.data.availabilityMatrix(),
    ctx.data.boardTiles(),
    ctx.data.boardFigures({}),
  ])
  const tileBy = new Map(tiles.map((t) => [t.code, t]))
  const mapBoards = boardFigures.map((b, i) => {
    const value = mapFigure!.rows[i]!.value ?? null
    return {
      code: b.code,
      name: b.name,
      value: typeof value === 'number' ? value : null,
      suppressed: value === SUPPRESSED,
      tile: tileBy.get(b.code) ?? null,
      highlighted: view.board?.code === b.code,
    }
  })
  // One row per board, one cell per service in the catalogue's order: [status, since, until] or null.
  const cells = new Map(matrix.map((c) => [`${c.boardCode}:${c.serviceSlug}`, c]))
  const compact = view.boards.map((b) => ({
    code: b.code,
    name: b.name,
    cells: view.services.map((s) => {
      const c = cells.get(`${b.code}:${s.slug}`)
      return c?.status ? ([c.status, c.since, c.until] as [AvailabilityStatus, string | null, string | null]) : null
    }),
  }))
  const pages = Math.max(1, Math.ceil(compact.length / MATRIX_PAGE_SIZE))
  const current = Math.min(view.filters.page, pages)
  return {
    month: view.period.to,
    indicator,
    definition,
    matrix: compact.slice((current - 1) * MATRIX_PAGE_SIZE, current * MATRIX_PAGE_SIZE),
    matrixPage: { current, pages, first: (current - 1) * MATRIX_PAGE_SIZE + 1, boards: compact.length },
    matrixFigure: { ...matrixFigure!, rows: [] as Figure['rows'] },
    populationFigure: populationFigure!,
    mapFigure: mapFigure!,
    mapBoards,
  }
}
