// Every board's headline figures in one sortable table (/boards).
import { figureContext } from '../context.server.ts'
import { buildFigures } from '../registry.ts'
import type { DashboardView } from '../view.ts'

export async function getBoardsTable(view: DashboardView) {
  const [figure] = await buildFigures(figureContext(view), ['boards-table'])
  return { figure: figure! }
}
