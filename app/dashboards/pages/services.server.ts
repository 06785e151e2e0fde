// Every service (/services): its main count, where it is live and the population that covers.
import { figureContext } from '../context.server.ts'
import { buildFigures } from '../registry.ts'
import type { DashboardView } from '../view.ts'

export async function getServicesList(view: DashboardView) {
  const [figure] = await buildFigures(figureContext(view), ['services-table'])
  return { services: view.services.map(({ name, slug }) => ({ name, slug })), figure: figure! }
}
