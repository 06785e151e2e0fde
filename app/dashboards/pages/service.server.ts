// One service (/services/:slug): its national trend, one measure in every board as small
// multiples on one scale, its treatments and where it is available.
import { figureContext } from '../context.server.ts'
import { chosenMeasure } from '../figures/services.ts'
import { buildFigures, trendsOf } from '../registry.ts'
import type { DashboardView } from '../view.ts'

/** The service's page, or null when there is no service with that slug. */
export async function getServiceDashboard(view: DashboardView, slug: string) {
  const service = view.services.find((s) => s.slug === slug)
  if (!service) return null
  const ctx = figureContext(view, { kind: 'service', service })
  const [detail, measure, availability, trends, [smallMultiples]] = await Promise.all([
    ctx.data.serviceDetail(),
    chosenMeasure(ctx),
    ctx.data.serviceAvailability(),
    buildFigures(ctx, trendsOf(view, 'service', ['service-trend'])),
    buildFigures(ctx, ['service-by-board']),
  ])
  if (!detail) return null
  // One scale for every board's chart, from the figures as shown.
  const scaleMax = Math.max(
    0,
    ...(smallMultiples?.rows ?? []).flatMap((row) =>
      view.buckets.map((b) => row[b.key]).filter((v): v is number => typeof v === 'number'),
    ),
  )
  return { service: detail, measure, availability, trends, smallMultiples: smallMultiples ?? null, scaleMax }
}
