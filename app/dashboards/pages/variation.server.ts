// Unwarranted variation (/variation): a funnel plot of one indicator, every board against
// Scotland, with its table of flags.
import { figureContext } from '../context.server.ts'
import { FUNNEL_INDICATORS } from '../figures/variation.ts'
import { buildFigures } from '../registry.ts'
import type { DashboardView } from '../view.ts'

export async function getVariation(view: DashboardView) {
  const [figure] = await buildFigures(figureContext(view), ['variation-funnel'])
  return { figure: figure ?? null, indicators: Object.keys(FUNNEL_INDICATORS) }
}
