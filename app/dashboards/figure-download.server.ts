// The CSV download of one figure (/figures/:id): the view from the same address as the page,
// the subject its page takes from the path (`board`, `service` in the query), and only that
// figure built, so the file holds exactly what the table beside the chart shows.
import type { Figure } from '#app/domain/figure.ts'
import { figureContext, type Subject } from './context.server.ts'
import { buildFigures, FIGURES, type FigureId } from './registry.ts'
import type { DashboardView } from './view.ts'

/** Which query parameter names the figure's page subject, and so is not a filter there. */
export function subjectParam(id: FigureId): 'board' | 'service' | null {
  const page = FIGURES[id].page
  // The overview is Scotland's: a board in its query names no page of the overview's.
  return page === 'board' || page === 'overview' ? 'board' : page === 'service' ? 'service' : null
}

/** The figure, or null when the query does not name the board or service its page needs. */
export async function getFigureForDownload(
  view: DashboardView,
  id: FigureId,
  subjectCode: string | null,
): Promise<Figure | null> {
  const page = FIGURES[id].page
  let subject: Subject = { kind: 'national' }
  if (page === 'board') {
    const board = view.boards.find((b) => b.code === subjectCode)
    if (!board) return null
    subject = { kind: 'board', board }
  } else if (page === 'service') {
    const service = view.services.find((s) => s.slug === subjectCode)
    if (!service) return null
    subject = { kind: 'service', service }
  }
  const [figure] = await buildFigures(figureContext(view, subject), [id])
  return figure ?? null
}
